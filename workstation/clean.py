"""Remove metadata (authors, GPS positions, device names) with Debian's `mat2`, when installed.

The original is always kept beside the cleaned copy: cleaning can change what a file shows
(mat2 turns PDF pages into images), and the original is the evidence. mat2 runs on a private
copy in a hidden folder under a plain ASCII name, so its `NAME.cleaned.EXT` output can never
land on another opened file, and it runs inside bubblewrap when that is installed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from workstation import output
from workstation.names import printable, split_extension

TIMEOUT = 600  # seconds; mat2 re-renders big PDFs page by page


@dataclass(frozen=True)
class Cleaned:
    """What cleaning one file gave: the cleaned copy, or why there is none."""

    path: Path | None
    problem: str = ""


def find_mat2() -> str | None:
    """Return the path of the mat2 command, or None."""
    return shutil.which("mat2")


def clean(mat2: str, original: Path) -> Cleaned:
    """Write `NAME.cleaned.EXT` beside `original` (never over another file)."""
    stem, ext = split_extension(original.name)
    ext = ext.lower()
    workdir = original.parent / f"{output.PARTIAL_PREFIX}clean-{secrets.token_hex(8)}"
    workdir.mkdir(mode=output.DIR_MODE)
    try:
        work = workdir / f"input{ext}"
        try:
            os.link(original, work)
        except OSError:  # no hard links on this filesystem
            shutil.copyfile(original, work)
        result = subprocess.run(  # noqa: S603 (a fixed program; the file name is ours)
            [mat2, "--", work.name],
            cwd=workdir,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
        )
        made = workdir / f"input.cleaned{ext}"
        if result.returncode != 0 or not made.is_file():
            return Cleaned(None, _reason(result.stdout + result.stderr, work.name, original.name))
        return Cleaned(output.place(made, original.parent, f"{stem}.cleaned{ext}"))
    except subprocess.TimeoutExpired:
        return Cleaned(None, f"mat2 took longer than {TIMEOUT} s")
    except OSError as exc:
        return Cleaned(None, printable(str(exc)))
    finally:
        with contextlib.suppress(OSError):
            shutil.rmtree(workdir)


def _reason(text: str, work_name: str, name: str) -> str:
    """Return mat2's own one-line explanation, naming the file as the officer knows it."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    line = lines[-1] if lines else "mat2 failed"
    line = line.removeprefix("[-] ").replace(work_name, name).rstrip(": ")
    return printable(line, limit=200)
