"""The `verify` and `open` tasks, shared by the command line and the window.

Both front ends call these and only these, so a bundle is checked and opened one way only;
they differ in how they ask for the passphrase and show progress.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from crypto.keys import Identity
from crypto.signing import VerifyKey
from workstation import summary
from workstation.bundle import Bundle, ItemError
from workstation.clean import find_mat2
from workstation.errors import read_reason
from workstation.opener import Opener, prepare_output
from workstation.progress import Progress
from workstation.results import ItemResult
from workstation.strings import Texts

SUMMARY_FILE = "summary.txt"


@dataclass(frozen=True)
class Opened:
    """What `open_bundle` gave: one result per manifest entry, the index page, the summary."""

    results: list[ItemResult]
    index: Path
    lines: list[str]
    summary_error: str = ""  # why summary.txt could not be written

    @property
    def all_ok(self) -> bool:
        """Say whether every item opened and the summary was saved."""
        return not self.summary_error and all(r.ok for r in self.results)


def verify_items(bundle: Bundle, progress: Progress, server_key: VerifyKey) -> list[ItemResult]:
    """Check the manifest's signature against the pinned server key (BundleError if it does
    not verify: the whole bundle is refused), then every item's size and SHA-256 against it
    (no desk key needed)."""
    bundle.check_signature(server_key)
    results = [ItemResult(r.label, None, r.reason) for r in bundle.rejected]
    for item in bundle.items:
        result = ItemResult(item.path, item)
        try:
            bundle.verify(item, progress)
        except ItemError as exc:
            result.reason, result.detail = exc.reason, exc.detail
        except OSError as exc:
            result.reason, result.detail = read_reason(exc), exc.strerror or str(exc)
        results.append(result)
    return results


def progress_total(bundle: Bundle, passes: int) -> int:
    """Return the bytes a task over `bundle` counts: each item's size once per pass."""
    return passes * sum(item.size for item in bundle.items)


def open_bundle(
    bundle: Bundle,
    identities: Sequence[Identity],
    out: Path,
    progress: Progress,
    on_failure: Callable[[ItemResult], None],
    texts: Texts,
    server_key: VerifyKey,
    no_clean: bool = False,
    reveal_identity: bool = False,
) -> Opened:
    """Open every item into `out` (new or empty), write index.html and summary.txt.

    Raises BundleError, before anything is written, unless the manifest's signature verifies
    against the pinned server key; FileExistsError if `out` is in use and OSError if it
    cannot be made. Item failures are results, never exceptions. An exception raised by
    `progress` (a cancel) goes through: the file being written is then removed, never left
    half-written.
    """
    bundle.check_signature(server_key)
    prepare_output(out)
    mat2 = None if no_clean else find_mat2()
    opener = Opener(bundle, identities, out, progress, on_failure, mat2, reveal_identity)
    results = opener.run()
    progress.finish()
    if no_clean:
        cleaning = "ปิดไว้ / turned off (--no-clean)"
    elif mat2 is None:
        cleaning = "ไม่ได้ติดตั้ง mat2: ยังไม่ได้ล้าง / mat2 not installed: not cleaned"
    else:
        cleaning = "ล้างด้วย mat2 (เก็บต้นฉบับไว้ด้วย) / cleaned with mat2 (originals kept)"
    index = opener.write_index(results, cleaning)
    lines = summary.lines(results, texts, mat2, no_clean, index)
    try:
        (out / SUMMARY_FILE).write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError as exc:
        return Opened(results, index, lines, exc.strerror or str(exc))
    return Opened(results, index, lines)
