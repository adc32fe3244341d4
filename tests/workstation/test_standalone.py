"""The workstation runs on an offline machine without the server's dependencies."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.workstation import bundles
from tests.workstation.support import Desk

# Make the server-only packages unimportable, then run the workstation as a module.
BLOCKED = [
    "flask",
    "werkzeug",
    "sqlalchemy",
    "alembic",
    "flask_wtf",
    "flask_babel",
    "store",
    "webcommon",
    "source_interface",
    "journalist_interface",
    "config",
]
RUNNER = (
    "import runpy, sys\n"
    f"for name in {BLOCKED!r}: sys.modules[name] = None\n"
    "sys.argv = ['workstation', *sys.argv[1:]]\n"
    "runpy.run_module('workstation', run_name='__main__')\n"
)


def test_open_works_without_server_packages(tmp_path: Path, desk: Desk) -> None:
    item = bundles.item("message", "quiet heron", 1, "ข้อความ".encode(), desk.recipients)
    bundle = bundles.write_bundle(tmp_path / "b.zip", [item])
    out = tmp_path / "out"
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            RUNNER,
            "open",
            str(bundle),
            "-i",
            str(desk.key_file),
            "-o",
            str(out),
            "--no-clean",
            "--no-progress",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert any(p.read_bytes() == "ข้อความ".encode() for p in out.rglob("message-*.txt"))
