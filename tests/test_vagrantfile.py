"""The development VM's Vagrantfile is valid (no VM can run here; validation can)."""

import subprocess
from pathlib import Path

from tests.tools import require_tool

ROOT = Path(__file__).resolve().parent.parent


def test_vagrantfile_validates(tmp_path: Path) -> None:
    vagrant = require_tool("vagrant")
    result = subprocess.run(
        [vagrant, "validate", "--ignore-provider"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
        env={
            "PATH": "/usr/bin:/bin",
            "HOME": str(tmp_path),
            "VAGRANT_DOTFILE_PATH": str(tmp_path / ".vagrant"),
        },
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "validated successfully" in result.stdout


def test_vagrantfile_forwards_only_to_loopback() -> None:
    text = (ROOT / "Vagrantfile").read_text()
    for port in (8080, 8081):
        assert f'guest: {port}, host: {port}, host_ip: "127.0.0.1"' in text
    assert "make test" in text
    assert "make run" in text


def test_staging_runs_the_install_script_and_an_offline_workstation() -> None:
    text = (ROOT / "Vagrantfile").read_text()
    assert 'config.vm.define "app-server"' in text
    assert "/vagrant/deploy/install.sh" in text
    assert 'config.vm.define "workstation"' in text
    assert "policy drop;" in text
