"""The menu entry and desktop launcher that start the window."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from workstation import launcher


def test_install_writes_menu_entry_and_desktop_launcher(tmp_path: Path) -> None:
    (tmp_path / "Desktop").mkdir()
    written = launcher.install(tmp_path, "/home/officer/westrong/bin/python")
    assert written == [
        tmp_path / ".local/share/applications/westrong-workstation.desktop",
        tmp_path / "Desktop/westrong-workstation.desktop",
    ]
    entry = written[0].read_text(encoding="utf-8")
    assert "Name=WE STRONG — เปิดเบาะแส\n" in entry
    assert "Exec=/home/officer/westrong/bin/python -m workstation window\n" in entry
    assert "Terminal=false\n" in entry
    assert all(os.access(path, os.X_OK) for path in written)
    again = launcher.install(tmp_path, "/opt/other/python")  # a reinstall updates it
    assert "Exec=/opt/other/python" in again[0].read_text(encoding="utf-8")


def test_entry_is_valid_for_desktops(tmp_path: Path) -> None:
    validate = shutil.which("desktop-file-validate")
    if validate is None:
        if os.environ.get("CI") == "true":
            pytest.fail("desktop-file-validate is missing (desktop-file-utils)")
        pytest.skip("desktop-file-validate is missing (desktop-file-utils)")
    [path] = launcher.install(tmp_path, '/home/o fficer/"we" $x/python')
    result = subprocess.run([validate, path], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
