"""The workstation is its own distribution: two wheels, installed offline, outside the checkout."""

from __future__ import annotations

import re
import subprocess
import zipfile
from pathlib import Path

import pytest

from tests.workstation import bundles, installed
from tests.workstation.support import Desk


def _pins(lock: Path) -> dict[str, str]:
    text = lock.read_text(encoding="utf-8")
    return dict(re.findall(r"^([a-z0-9-]+)==(\S+)", text, re.MULTILINE))


def test_lock_pins_what_the_server_pins(request: pytest.FixtureRequest) -> None:
    root = request.config.rootpath
    ours = _pins(root / installed.LOCK)
    server = _pins(root / "requirements/main.lock")
    assert set(ours) == {"argon2-cffi", "argon2-cffi-bindings", "cffi", "pycparser", "pynacl"}
    assert {name: server[name] for name in ours} == ours
    assert all(
        "--hash=sha256:" in block for block in (root / installed.LOCK).read_text().split("==")[1:]
    )


def test_wheels_hold_their_packages_only(request: pytest.FixtureRequest, tmp_path: Path) -> None:
    wheels = installed.build_wheels(request.config.rootpath, tmp_path)
    names = {w.name.split("-")[0]: zipfile.ZipFile(w).namelist() for w in wheels}
    assert set(names) == {"westrong_crypto", "westrong_workstation"}
    crypto, workstation = names["westrong_crypto"], names["westrong_workstation"]
    assert "crypto/wordlists/th.txt" in crypto
    assert "crypto/age.py" in crypto
    assert "workstation/window/app.py" in workstation
    assert "workstation/cli.py" in workstation
    assert not [n for n in crypto if not n.startswith(("crypto/", "westrong_crypto-"))]
    assert not [
        n for n in workstation if not n.startswith(("workstation/", "westrong_workstation-"))
    ]


def test_installed_workstation_opens_a_bundle(
    installed_python: Path, tmp_path: Path, desk: Desk
) -> None:
    elsewhere = tmp_path / "elsewhere"  # not the checkout: only the installed copy can be found
    elsewhere.mkdir()
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "WESTRONG_LANG": "en"}

    def ws(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [installed_python, "-m", "workstation", *map(str, args)],
            cwd=elsewhere, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip

    helped = ws("--help")
    assert helped.returncode == 0, helped.stderr
    assert "keygen" in helped.stdout
    assert "window" in helped.stdout
    show = "import crypto, workstation; print(crypto.__file__, workstation.__file__)"
    where = subprocess.run(
        [installed_python, "-c", show],
        cwd=elsewhere, capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    assert str(installed_python.parent.parent) in where
    assert str(Path.cwd()) not in where
    message = "ทุจริตในการจัดซื้อ ".encode() * 200
    item = bundles.item("message", "quiet heron", 1, message, desk.recipients)
    bundle = bundles.write_bundle(tmp_path / "export.zip", [item])
    opened = ws("open", bundle, "-i", desk.key_file, "-o", tmp_path / "out", "--no-progress")
    assert opened.returncode == 0, opened.stdout + opened.stderr
    assert "Opened 1 of 1 items." in opened.stdout
    assert (tmp_path / "out/quiet-heron/message-0001.txt").read_bytes() == message
    launcher = ws("install-launcher", "--home", tmp_path)
    assert launcher.returncode == 0, launcher.stderr
    entry = (tmp_path / ".local/share/applications/westrong-workstation.desktop").read_text()
    assert f"Exec={installed_python} -m workstation window" in entry
