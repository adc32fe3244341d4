"""The menu entry and desktop launcher of the window ("WE STRONG — เปิดเบาะแส").

A wheel cannot put files in the officer's menu, so `python -m workstation install-launcher`
writes them, pointing at the Python that runs it: the launcher then starts exactly the
installed workstation, with no terminal and no `cd`.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DESKTOP_FILE = "westrong-workstation.desktop"
NAME = "WE STRONG — เปิดเบาะแส"


_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def _exec_argument(argument: str) -> str:
    """Quote one argument of an Exec line as the Desktop Entry Specification says."""
    argument = argument.replace("%", "%%")
    if not _RESERVED & set(argument):
        return argument
    # Inside double quotes ", `, $ and \ take a backslash, which the file then escapes again.
    escaped = "".join("\\\\" + c if c in '"`$\\' else c for c in argument)
    return f'"{escaped}"'


def desktop_entry(python: str) -> str:
    """Return the freedesktop.org desktop entry that starts the window with `python`."""
    command = " ".join(_exec_argument(part) for part in (python, "-m", "workstation", "window"))
    return (
        "[Desktop Entry]\n"
        "Type=Application\n"
        "Version=1.0\n"
        f"Name={NAME}\n"
        "Name[en]=WE STRONG — open tips\n"
        "Name[th]=WE STRONG — เปิดเบาะแส\n"
        "Comment=Open export bundles offline with the desk key\n"
        "Comment[th]=เปิดชุดไฟล์ส่งออกด้วยกุญแจของหน่วยงานผู้รับเรื่อง โดยไม่ต่อเครือข่าย\n"
        f"Exec={command}\n"
        "Icon=document-open\n"
        "Terminal=false\n"
        "Categories=Office;\n"
        "StartupNotify=true\n"
    )


def install(home: Path, python: str = sys.executable) -> list[Path]:
    """Write the menu entry (and a desktop launcher when a Desktop folder exists); return them."""
    entry = desktop_entry(python).encode()
    folders = [home / ".local" / "share" / "applications"]
    desktop = home / "Desktop"
    if desktop.is_dir():
        folders.append(desktop)
    written = []
    for folder in folders:
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / DESKTOP_FILE
        tmp = folder / f".{DESKTOP_FILE}.{os.getpid()}"
        tmp.write_bytes(entry)
        tmp.chmod(0o755)  # desktops start only launchers marked executable
        # Replacing an earlier launcher of ours is fine: it only names the Python to run.
        os.replace(tmp, target)
        written.append(target)
    return written
