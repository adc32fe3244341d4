"""What the window's Open button runs on its thread, without GTK (so a test can run it as is).

It calls the same functions as the command line and turns what can go wrong into one
WorkstationError whose reason is the message the window shows: a wrong passphrase, an output
folder in use, a full disk, a removed USB stick. A cancel removes everything written.
"""

from __future__ import annotations

import contextlib
import io
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

from workstation import keys, task
from workstation.bundle import Bundle, BundleError
from workstation.errors import WorkstationError, out_reason
from workstation.progress import Progress
from workstation.strings import Texts


class Cancelled(BaseException):
    """The officer pressed Cancel. A BaseException, so no item-level handler swallows it."""


class WindowProgress(Progress):
    """Count bytes for the window's bars; raise Cancelled at the next chunk once asked to."""

    def __init__(self, total: int, cancel: threading.Event) -> None:
        super().__init__(total, io.StringIO(), enabled=False)
        self.cancel = cancel

    def __call__(self, count: int) -> None:
        """Add `count` processed bytes, or stop the task if Cancel was pressed."""
        if self.cancel.is_set():
            raise Cancelled
        self.done += count


def open_bundle(path: Path) -> Bundle:
    """Open a bundle; a missing or unreadable file (a removed USB stick) is a BundleError."""
    try:
        return Bundle(path)
    except OSError as exc:
        raise BundleError("bundle_missing", exc.strerror or str(exc)) from None


def run_open(
    bundle_path: Path,
    key_path: Path,
    passphrase: str,
    server_key: Path,
    out: Path,
    progress: WindowProgress,
    texts: Texts,
    starts: Callable[[list[int]], None] = lambda _s: None,
    reveal_identity: bool = False,
) -> task.Opened:
    """Open the bundle into `out` as the window does; `starts` gets each item's first byte
    count (for the per-item bar). Raises WorkstationError or Cancelled."""
    existed = out.exists()
    pinned = keys.read_pin(server_key)
    identities = keys.read_key_file(key_path, lambda: passphrase)
    with open_bundle(bundle_path) as bundle:
        progress.total = max(task.progress_total(bundle, 2), 1)
        sizes = [2 * item.size for item in bundle.items]
        starts([sum(sizes[:i]) for i in range(len(sizes) + 1)])
        try:
            return task.open_bundle(
                bundle,
                identities,
                out,
                progress,
                lambda _r: None,
                texts,
                pinned,
                reveal_identity=reveal_identity,
            )
        except Cancelled:
            remove_output(out, existed)
            raise
        except FileExistsError:
            raise WorkstationError("out_not_empty", str(out)) from None
        except OSError as exc:  # the output folder or index.html: nothing partial is left
            raise WorkstationError(out_reason(exc), exc.strerror or str(exc)) from None


def remove_output(out: Path, existed: bool) -> None:
    """Remove what a cancelled task wrote: the folder was new or empty, so all of it is ours."""
    if not out.is_dir():
        return
    if not existed:
        shutil.rmtree(out, ignore_errors=True)
        return
    for child in out.iterdir():
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()
