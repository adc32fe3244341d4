"""Write outputs so that nothing partial ever carries a final name, and nothing is overwritten.

Each output is written to a hidden `.partial-…` name in its final folder and moved to its real
name only after the caller says the content verified. The move never replaces a file: a taken
name gets a numeric suffix (FORMAT.md §4).
"""

from __future__ import annotations

import contextlib
import itertools
import os
import secrets
from pathlib import Path
from types import TracebackType

from workstation import names

PARTIAL_PREFIX = ".partial-"
FILE_MODE = 0o600  # opened tips are for the officer's eyes only
DIR_MODE = 0o700


def make_folder(path: Path) -> Path:
    """Create a private folder (and its parents inside an existing output folder)."""
    path.mkdir(mode=DIR_MODE, parents=True, exist_ok=True)
    return path


def place(tmp: Path, folder: Path, name: str, exact: bool = False) -> Path:
    """Move `tmp` to `folder/name`, or to `name-2`, `name-3`… if taken; never overwrite.

    With `exact`, a taken name raises FileExistsError instead.
    """
    for number in itertools.count(1):
        target = folder / (name if number == 1 else names.with_suffix(name, number))
        try:
            # link() fails if the name exists, so two files can never race for one name.
            os.link(tmp, target, follow_symlinks=False)
        except FileExistsError:
            if exact:
                raise
            continue
        except OSError:
            # Filesystems without hard links (FAT on a USB stick): check, then rename.
            if os.path.lexists(target):
                if exact:
                    raise FileExistsError(str(target)) from None
                continue
            os.rename(tmp, target)
            return target
        os.unlink(tmp)
        return target
    raise AssertionError("unreachable")  # pragma: no cover


class PendingFile:
    """A file being written under a temporary name in the folder it will end up in."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.tmp = folder / f"{PARTIAL_PREFIX}{secrets.token_hex(8)}"
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
        self._file = os.fdopen(os.open(self.tmp, flags, FILE_MODE), "wb")
        self.size = 0
        self.final: Path | None = None

    def write(self, data: bytes) -> int:
        """Append data."""
        self._file.write(data)
        self.size += len(data)
        return len(data)

    def commit(self, name: str, exact: bool = False) -> Path:
        """Give the file its final (sanitised, unused) name; return the path."""
        self._file.close()
        self.final = place(self.tmp, self.folder, name, exact)
        return self.final

    def discard(self) -> None:
        """Close and delete the temporary file."""
        self._file.close()
        with contextlib.suppress(FileNotFoundError):
            self.tmp.unlink()

    def __enter__(self) -> PendingFile:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self.final is None:
            self.discard()


def write_file(folder: Path, name: str, data: bytes) -> Path:
    """Write a whole small file under a temporary name, then give it its final name."""
    with PendingFile(folder) as pending:
        pending.write(data)
        return pending.commit(name)
