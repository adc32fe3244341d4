"""What production runs (deploy/): the install script (shellcheck, idempotent, the permissions
it sets, checked as the system users it creates), the systemd units (systemd-analyze verify
and security) and the gunicorn configurations."""

from __future__ import annotations

import hashlib
import os
import re
import runpy
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from gunicorn.workers.gthread import ThreadWorker  # type: ignore[import-untyped]

from config import load_cli_config, load_reviewer_config, load_source_config
from tests.conftest import require_tool
from tests.tools import IN_CI
from webcommon.headguard import HeadGuardWorker

ROOT = Path(__file__).resolve().parents[2]
DEPLOY = ROOT / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
# Exposure scores measured with systemd 252 (Debian 12); a change that raises one fails here.
MAX_EXPOSURE = {
    "westrong-source.service": 1.1,
    "westrong-reviewer.service": 1.1,
    "westrong-purge.service": 1.1,
    "westrong-digest.service": 1.1,
    "westrong-tor.service": 1.2,
    "westrong-onion-sync.service": 2.4,
}


def test_install_script_passes_shellcheck() -> None:
    shellcheck = require_tool("shellcheck")
    result = subprocess.run(
        [shellcheck, "--severity=style", str(DEPLOY / "install.sh")],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def _snapshot(root: Path) -> dict[str, tuple[int, int, int, float, str]]:
    """Every path under root: mode, owner, group, mtime and content hash."""
    out = {}
    for path in [root, *sorted(root.rglob("*"))]:
        st = path.lstat()
        digest = hashlib.sha256(path.read_bytes()).hexdigest() if path.is_file() else ""
        out[str(path.relative_to(root))] = (st.st_mode, st.st_uid, st.st_gid, st.st_mtime, digest)
    return out


@pytest.fixture(scope="module")
def installed() -> Iterator[Path]:
    """The install script run into a temporary root (users and groups are real: it creates
    them on this machine, as on a server; nothing else outside the root is touched)."""
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("the install script runs as root (make test runs as root)")
        pytest.skip("the install script runs as root (make test runs as root)")
    root = Path(tempfile.mkdtemp(prefix="westrong-root-", dir="/tmp"))
    root.chmod(0o755)  # the system users must reach the files, as under /
    try:
        yield root
    finally:
        shutil.rmtree(root)


NO_SYSTEM = ["--no-packages", "--no-venv", "--no-systemctl"]


def _install(root: Path) -> str:
    result = subprocess.run(
        [str(DEPLOY / "install.sh"), "--root", str(root), *NO_SYSTEM],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_install_twice_changes_nothing(installed: Path) -> None:
    first = _install(installed)
    before = _snapshot(installed)
    second = _install(installed)
    assert "created" in first
    assert second == ""
    assert _snapshot(installed) == before


def _as(user: str, *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["runuser", "-u", user, "--", *argv], capture_output=True, text=True, check=False
    )


@pytest.mark.parametrize(
    ("user", "readable"),
    [
        ("westrong-source", {"source"}),
        ("westrong-reviewer", {"reviewer"}),
        ("westrong-jobs", {"cli"}),
        ("westrong-tor", set()),
    ],
)
def test_each_process_reads_only_its_own_configuration(
    installed: Path, user: str, readable: set[str]
) -> None:
    _install(installed)
    for name in ("source", "reviewer", "cli"):
        result = _as(user, "cat", str(installed / f"etc/westrong/{name}.toml"))
        assert (result.returncode == 0) == (name in readable), (user, name, result.stderr)
    tor_dir = _as(user, "ls", str(installed / "var/lib/westrong-tor"))
    assert (tor_dir.returncode == 0) == (user == "westrong-tor")
    data = _as(user, "touch", str(installed / "var/lib/westrong/store/probe"))
    assert (data.returncode == 0) == (user != "westrong-tor")
    (installed / "var/lib/westrong/store/probe").unlink(missing_ok=True)


def test_generated_configurations_load_in_production_mode(installed: Path) -> None:
    _install(installed)
    etc = installed / "etc/westrong"
    source = load_source_config({"WESTRONG_CONFIG": str(etc / "source.toml")})
    reviewer = load_reviewer_config({"WESTRONG_CONFIG": str(etc / "reviewer.toml")})
    cli = load_cli_config({"WESTRONG_CONFIG": str(etc / "cli.toml")})
    assert source.mode.value == reviewer.mode.value == cli.mode.value == "production"
    assert source.secret_key != reviewer.secret_key
    assert cli.onion_dir == Path("/var/lib/westrong-tor")


def _units_for_verify(tmp_path: Path) -> Path:
    """The units with /opt/westrong pointing at this checkout and its environment (the paths
    systemd-analyze verify insists exist); nothing else changed."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name in ("gunicorn", "westrong"):
        (bin_dir / name).write_text("#!/bin/sh\n")
        (bin_dir / name).chmod(0o755)
    out = tmp_path / "units"
    out.mkdir()
    for unit in (DEPLOY / "systemd").iterdir():
        text = unit.read_text().replace("/opt/westrong/venv/bin", str(bin_dir))
        (out / unit.name).write_text(text.replace("/opt/westrong", str(ROOT)))
    return out


def test_units_pass_systemd_analyze_verify(tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze")
    units = _units_for_verify(tmp_path)
    result = subprocess.run(
        [analyze, "verify", *sorted(str(p) for p in units.iterdir())],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stderr.strip() == ""


@pytest.mark.parametrize("unit", [u.name for u in UNITS])
def test_unit_exposure_score(unit: str, tmp_path: Path) -> None:
    analyze = require_tool("systemd-analyze")
    path = _units_for_verify(tmp_path) / unit
    result = subprocess.run(
        [analyze, "security", "--offline=yes", "--no-pager", str(path)],
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    found = re.search(r"Overall exposure level for \S+: ([0-9.]+)", result.stdout)
    assert found, result.stdout + result.stderr
    score = float(found.group(1))
    print(f"{unit}: exposure {score}")
    assert score <= MAX_EXPOSURE[unit]


@pytest.mark.parametrize("unit", UNITS, ids=lambda u: u.name)
def test_units_have_the_hardening_the_brief_lists(unit: Path) -> None:
    text = unit.read_text()
    for line in (
        "ProtectSystem=strict",
        "PrivateTmp=yes",
        "NoNewPrivileges=yes",
        "ProtectHome=yes",
        "RestrictAddressFamilies=",
        "MemoryMax=",
        "ReadWritePaths=",
    ):
        assert line in text, f"{unit.name} lacks {line}"
    if unit.name != "westrong-onion-sync.service":  # root: writes tor's folder, restarts tor
        assert re.search(r"^User=westrong-", text, re.MULTILINE)


@pytest.mark.parametrize("app", ["source", "reviewer"])
def test_gunicorn_configuration_serves_loopback_without_access_log(app: str) -> None:
    settings = runpy.run_path(str(DEPLOY / "gunicorn" / f"{app}.py"))
    assert all(b.startswith("127.0.0.1:") or b.startswith("unix:") for b in settings["bind"])
    assert settings["accesslog"] is None
    # gthread, with a head that is still arriving holding no thread (decision 104).
    assert settings["worker_class"] == "webcommon.headguard.HeadGuardWorker"
    assert issubclass(HeadGuardWorker, ThreadWorker)
    assert settings["workers"] * settings["threads"] >= (64 if app == "source" else 16)
    unit = (DEPLOY / "systemd" / f"westrong-{app}.service").read_text()
    assert "StandardOutput=null" in unit
    assert "LogLevelMax=warning" in unit
