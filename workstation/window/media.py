"""Where file choosers start: the removable media, where bundles and key backups travel."""

from __future__ import annotations

import getpass
from pathlib import Path


def start_folder(home: Path) -> Path:
    """Return the first folder holding mounted USB sticks, or `home` when there is none."""
    user = getpass.getuser()
    for folder in (Path("/media") / user, Path("/run/media") / user, Path("/media")):
        try:
            if folder.is_dir() and any(folder.iterdir()):
                return folder
        except OSError:
            continue
    return home
