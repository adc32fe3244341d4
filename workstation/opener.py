"""Open a bundle: check, decrypt and write every item; one failure never stops the others.

Per item: the bytes are hashed against the manifest first (FORMAT.md §4), then decrypted as a
stream into a hidden temporary file in the item's folder, which gets its real name only after
the age payload's final chunk and the inner format's end marker and padding have verified.
Memory stays constant whatever the bundle's size.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO, cast

from crypto import age, inner
from crypto.errors import (
    CryptoError,
    HeaderError,
    HeaderMacError,
    HeaderTooLargeError,
    InnerFormatError,
    NoIdentityMatchError,
    TruncatedError,
)
from crypto.keys import Identity
from workstation import clean, complaint, names, output, report, risk
from workstation.bundle import Bundle, Item, ItemError, slug
from workstation.errors import write_reason
from workstation.progress import Progress
from workstation.results import ItemResult

FILES_FOLDER = "files"  # source files apart from ours: no upload can pose as a report
# Identity details given by a source (decision 096), apart from every case folder and report.
IDENTITY_FOLDER = "identity"


def crypto_reason(exc: CryptoError) -> str:
    """Return the message key that explains a decryption failure to an officer."""
    if isinstance(exc, NoIdentityMatchError):
        return "wrong_key"
    if isinstance(exc, HeaderMacError):
        return "header_altered"
    if isinstance(exc, HeaderTooLargeError):
        return "header_too_large"
    if isinstance(exc, HeaderError):
        return "header_damaged"
    if isinstance(exc, TruncatedError):
        return "payload_truncated"
    if isinstance(exc, InnerFormatError):
        return "inner_format"
    return "payload_corrupt"


def output_in_use(out: Path) -> bool:
    """Say whether `out` exists as anything but an empty folder.

    Only a new or empty folder is accepted: then every name in it is ours, and no earlier file
    can be mistaken for, or collide with, what this bundle holds.
    """
    if not out.exists():
        return out.is_symlink()  # a link to nothing
    return not out.is_dir() or any(out.iterdir())


def prepare_output(out: Path) -> None:
    """Create the output folder, or accept an existing empty one; refuse anything else."""
    if output_in_use(out):
        raise FileExistsError(str(out))
    out.mkdir(mode=output.DIR_MODE, parents=True, exist_ok=True)


@dataclass
class Opener:
    """Open every item of `bundle` into `out` (an empty folder)."""

    bundle: Bundle
    identities: Sequence[Identity]
    out: Path
    progress: Progress
    on_failure: Callable[[ItemResult], None]
    mat2: str | None = None
    reveal_identity: bool = False  # open identity items only when the officer asks

    def __post_init__(self) -> None:
        self.opened_on = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z")

    def run(self) -> list[ItemResult]:
        """Open everything; return one result per manifest entry, in manifest order."""
        results: list[ItemResult] = [
            ItemResult(r.label, None, r.reason) for r in self.bundle.rejected
        ]
        for failed in results:
            self.on_failure(failed)
        items = self.bundle.items
        # Each item is hashed before it is decrypted (FORMAT.md §4); a worker thread hashes the
        # items in order, ahead of the decryption, on the other core: hashing is a third of the
        # work. Its results are only read here, so output order and names stay deterministic.
        pool = ThreadPoolExecutor(max_workers=1)
        try:
            checks = [pool.submit(self._verify, item) for item in items]
            for item, check in zip(items, checks, strict=True):
                result = self._open(item, check)
                if not result.ok:
                    self.on_failure(result)
                results.append(result)
        finally:
            pool.shutdown(cancel_futures=True)  # Ctrl-C waits for one hash at most
        self._complaints(results)
        results.sort(key=lambda r: r.item.position if r.item else -1)
        return results

    def _verify(self, item: Item) -> ItemError | None:
        """Check an item's size and hash (runs on the worker thread); return the failure."""
        try:
            self.bundle.verify(item)
        except ItemError as exc:
            return exc
        return None

    def _open(self, item: Item, check: Future[ItemError | None]) -> ItemResult:
        result = ItemResult(item.path, item)
        start = self.progress.done
        try:
            failure = check.result()
            self.progress(item.size)
            if failure is not None:
                raise failure
            if item.kind == "identity" and not self.reveal_identity:
                result.withheld = True  # checked, never decrypted
                self.progress(max(0, start + 2 * item.size - self.progress.done))
                return result
            with self.bundle.open_item(item) as stream:
                # age reads any object with read() and readline(); its signature says BinaryIO.
                self._decrypt(item, cast(BinaryIO, stream), result)
        except ItemError as exc:
            result.reason, result.detail = exc.reason, exc.detail
        except CryptoError as exc:
            result.reason = crypto_reason(exc)
        except OSError as exc:  # the partial file is already removed (PendingFile)
            result.reason, result.detail = write_reason(exc), exc.strerror or str(exc)
        # Keep the bar honest when an item stopped early or its plaintext was smaller.
        self.progress(max(0, start + 2 * item.size - self.progress.done))
        return result

    def _decrypt(self, item: Item, stream: BinaryIO, result: ItemResult) -> None:
        header, content = inner.open_inner(age.decrypt_chunks(stream, self.identities))
        if header.get("kind") != item.kind:
            raise ItemError("kind_mismatch")
        # The designation inside the ciphertext (decision 065) must be the case whose folder
        # the item sits in. Items stored before it was written carry none.
        case = header.get("case")
        if case is not None and (
            not isinstance(case, str) or case != item.source or slug(case) != item.folder
        ):
            raise ItemError("wrong_case")
        date = header.get("date")
        result.date = date if isinstance(date, str) else ""
        if item.kind == "identity":
            own = output.make_folder(output.make_folder(self.out / IDENTITY_FOLDER) / item.folder)
            path, _ = self._write(own, f"identity-{item.number}.txt", content)
            result.outputs.append(path.relative_to(self.out))
            result.size = path.stat().st_size
            return
        folder = output.make_folder(self.out / names.sanitise(item.folder, "source"))
        if item.kind == "file":
            self._file(item, header, content, folder, result)
        elif item.kind == "message":
            self._message(item, header, content, folder, result)
        else:
            path, _ = self._write(folder, f"reply-{item.number}.txt", content)
            result.outputs.append(path.relative_to(self.out))
            result.size = path.stat().st_size

    def _write(
        self,
        folder: Path,
        name: str,
        content: Iterator[bytes],
        sniffer: risk.Sniffer | None = None,
        keep: int = 0,
    ) -> tuple[Path, bytes]:
        """Stream content into `folder/name` (or a suffixed name); return it and its start."""
        kept = bytearray()
        with output.PendingFile(folder) as pending:
            for chunk in content:  # ends normally only once everything verified
                pending.write(chunk)
                self.progress(len(chunk))
                if sniffer is not None:
                    sniffer.feed(chunk)
                if keep and len(kept) <= keep:
                    kept += chunk[: keep + 1 - len(kept)]
            return pending.commit(names.sanitise(name, "item")), bytes(kept)

    def _file(
        self,
        item: Item,
        header: dict[str, Any],
        content: Iterator[bytes],
        folder: Path,
        result: ItemResult,
    ) -> None:
        files = output.make_folder(folder / FILES_FOLDER)
        original = header.get("filename")
        declared = header.get("content_type")
        result.original_name = original if isinstance(original, str) else ""
        result.content_type = declared if isinstance(declared, str) else ""
        sniffer = risk.Sniffer()
        name = names.sanitise(original, f"file-{item.number}")
        path, _ = self._write(files, name, content, sniffer)
        result.outputs.append(path.relative_to(self.out))
        result.size = path.stat().st_size
        result.risks = risk.by_name(path.name) | sniffer.finish(path)
        if self.mat2 is not None:
            cleaned = clean.clean(self.mat2, path)
            if cleaned.path is not None:
                result.cleaned = cleaned.path.relative_to(self.out)
            else:
                result.clean_problem = cleaned.problem

    def _message(
        self,
        item: Item,
        header: dict[str, Any],
        content: Iterator[bytes],
        folder: Path,
        result: ItemResult,
    ) -> None:
        path, start = self._write(
            folder, f"message-{item.number}.txt", content, keep=report.REPORT_LIMIT
        )
        result.outputs.append(path.relative_to(self.out))
        result.size = path.stat().st_size
        language = header.get("language")
        tip = report.Tip(
            item=item,
            date=result.date,
            language=language if isinstance(language, str) else "",
            fields=header.get("fields"),
            message=None if len(start) > report.REPORT_LIMIT else start.decode("utf-8", "replace"),
            message_file=path.name,
            bundle_name=self.bundle.path.name,
            opened_on=self.opened_on,
        )
        for name, text in (
            (f"report-{item.number}.html", report.tip_html(tip)),
            (f"report-{item.number}.txt", report.tip_text(tip)),
        ):
            written = output.write_file(folder, name, text.encode())
            result.outputs.append(written.relative_to(self.out))
        result.tip = dataclasses.replace(tip, message=None)  # the text stays on disk

    def _complaints(self, results: Sequence[ItemResult]) -> None:
        """Write each message's complaint report, once every item is open: its evidence
        section lists the files the same source sent. One message in memory at a time."""
        for result in results:
            if result.tip is None or not result.ok:
                continue
            message = self.out / result.outputs[0]
            try:
                filed = complaint.document(
                    report.with_message(result.tip, message), complaint.files_of(result, results)
                )
                for name, text in (
                    (f"complaint-{result.tip.item.number}.html", complaint.html(filed)),
                    (f"complaint-{result.tip.item.number}.txt", filed.plain()),
                ):
                    written = output.write_file(message.parent, name, text.encode())
                    result.outputs.append(written.relative_to(self.out))
            except OSError as exc:  # the message and its report are kept, complete
                result.reason, result.detail = write_reason(exc), exc.strerror or str(exc)
                self.on_failure(result)

    def write_index(self, results: Sequence[ItemResult], cleaning: str) -> Path:
        """Write index.html (everything opened and everything that failed) into `out`."""
        page = report.index_html(
            self.bundle.path.name,
            self.bundle.created,
            self.bundle.instance,
            self.opened_on,
            results,
            cleaning,
        )
        return output.write_file(self.out, "index.html", page.encode())
