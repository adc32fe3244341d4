"""Read an export bundle (FORMAT.md §4): a ZIP holding `manifest.json`, its signature
`manifest.sig` and one age file per item.

Everything in a bundle is hostile until checked: the manifest is validated item by item (a
bad item fails alone), each item's path must match the format's pattern, and an item's bytes
are hashed against the manifest before anything decrypts them. Entries are read as streams,
so a bundle of any size needs constant memory. Zip entries the manifest does not list are
ignored. Nothing is trusted before `check_signature` has verified the manifest's exact bytes
against the server key pinned at set-up (decision 065).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import struct
import zipfile
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any, Protocol

from crypto import labels
from crypto.errors import SignatureError
from crypto.signing import SIGNATURE_SIZE, VerifyKey
from workstation.errors import WorkstationError, read_reason

FORMAT = "westrong-drop/bundle/v2"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
KINDS = ("message", "file", "reply", "identity")
_MAX_MANIFEST = 64 * 1024 * 1024  # about 200,000 items; bounds memory on a hostile bundle
_PATH = re.compile(
    r"sources/([a-z0-9-]{1,100})/([0-9]{4,})-(message|file|reply|identity)\.age", re.ASCII
)
_SHA256 = re.compile(r"[0-9a-f]{64}", re.ASCII)
_BLOCK = 1024 * 1024
# What a damaged or hostile ZIP can raise while an entry is read.
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError)

_LOCAL_HEADER = struct.Struct("<4s2B4HL2L2H")  # APPNOTE 4.3.7, as zipfile reads it
_LOCAL_SIGNATURE = b"PK\x03\x04"
_ENCRYPTED = 0x1
_UTF8_NAME = 0x800

Progress = Callable[[int], None]


class Readable(Protocol):
    """What an item's bytes are read through: enough for age's header parser and payload."""

    def read(self, size: int = -1, /) -> bytes: ...

    def readline(self, limit: int = -1, /) -> bytes: ...


class BundleError(WorkstationError):
    """The bundle as a whole cannot be read; `reason` names the message to show."""


class ItemError(WorkstationError):
    """One item cannot be opened; `reason` names the message to show. Other items go on."""


@dataclass(frozen=True)
class Item:
    """One valid manifest entry. `source`, `desk` and `date` are for display only."""

    position: int
    path: str
    folder: str  # the path's source segment: [a-z0-9-]{1,100}, safe as a folder name
    number: str  # the path's sequence digits
    kind: str
    source: str
    desk: str
    date: str
    size: int
    sha256: str


@dataclass(frozen=True)
class Rejected:
    """A manifest entry that fails validation; it is reported and never opened."""

    position: int
    label: str  # an untrusted rendering of what the entry named; print via names.printable
    reason: str


def slug(designation: str) -> str:
    """Return the folder name the server gives a case's designation (core/export.py's rule)."""
    return re.sub(r"[^a-z0-9]+", "-", designation.lower()).strip("-")[:100] or "case"


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _check(position: int, entry: object) -> Item | Rejected:
    label = f"#{position + 1}"
    if not isinstance(entry, dict):
        return Rejected(position, label, "manifest_entry")
    label = str(entry.get("path", label))
    path = entry.get("path")
    match = _PATH.fullmatch(path) if isinstance(path, str) else None
    if match is None or not isinstance(path, str):
        return Rejected(position, str(label), "bad_path")
    kind = entry.get("kind")
    if kind != match.group(3):
        return Rejected(position, path, "manifest_entry")
    size = entry.get("size")
    digest = entry.get("sha256")
    if isinstance(size, bool) or not isinstance(size, int) or size < 0:
        return Rejected(position, path, "manifest_entry")
    if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
        return Rejected(position, path, "manifest_entry")
    return Item(
        position=position,
        path=path,
        folder=match.group(1),
        number=match.group(2),
        kind=kind,
        source=_text(entry.get("source")) or match.group(1),
        desk=_text(entry.get("desk")),
        date=_text(entry.get("date")),
        size=size,
        sha256=digest,
    )


def parse_manifest(data: bytes) -> tuple[dict[str, Any], list[Item], list[Rejected]]:
    """Parse and check a manifest; return its top level, valid items and rejected entries."""
    try:
        manifest = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise BundleError("bad_manifest") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BundleError("unsupported_bundle")
    entries = manifest.get("items")
    if not isinstance(entries, list):
        raise BundleError("bad_manifest")
    items: list[Item] = []
    rejected: list[Rejected] = []
    seen: set[str] = set()
    for position, entry in enumerate(entries):
        checked = _check(position, entry)
        if isinstance(checked, Item) and checked.path in seen:
            checked = Rejected(position, checked.path, "duplicate")
        if isinstance(checked, Item):
            seen.add(checked.path)
            items.append(checked)
        else:
            rejected.append(checked)
    return manifest, items, rejected


class _StoredEntry:
    """The bytes of one stored ZIP entry, read straight from the bundle on their own handle.

    Why not zipfile's reader: it checks a CRC-32 of every byte, which the manifest's SHA-256
    and age's authentication make redundant, and it costs a tenth of the opening time. Its own
    file handle also lets one item be hashed while another decrypts. Unbuffered: the age
    reader asks for whole 64 KiB chunks, so a buffer would only add a copy.
    """

    def __init__(self, path: Path, info: zipfile.ZipInfo) -> None:
        self._file = open(path, "rb", buffering=0)  # noqa: SIM115 (closed by close())
        try:
            self._file.seek(info.header_offset)
            fields = _LOCAL_HEADER.unpack(self._file.read(_LOCAL_HEADER.size))
            name = self._file.read(fields[10])
            encoding = "utf-8" if fields[3] & _UTF8_NAME else "cp437"
            # The same check zipfile makes: a local header must belong to its directory entry.
            if fields[0] != _LOCAL_SIGNATURE or name.decode(encoding) != info.orig_filename:
                raise ItemError("damaged", "local header does not match the directory")
            self._file.seek(fields[11], 1)
        except (struct.error, UnicodeDecodeError):
            self._file.close()
            raise ItemError("damaged", "local header is unreadable") from None
        except BaseException:
            self._file.close()
            raise
        self._left = info.file_size

    def read(self, size: int = -1, /) -> bytes:
        """Read at most `size` bytes (all that is left if negative)."""
        size = self._left if size < 0 else min(size, self._left)
        try:
            data = self._file.read(size)
        except OSError as exc:
            raise ItemError(read_reason(exc), exc.strerror or str(exc)) from None
        self._left -= len(data)
        return data

    def readline(self, limit: int = -1, /) -> bytes:
        """Read up to and including a newline, at most `limit` bytes."""
        limit = self._left if limit < 0 else min(limit, self._left)
        try:
            line = self._file.readline(limit)
        except OSError as exc:
            raise ItemError(read_reason(exc), exc.strerror or str(exc)) from None
        self._left -= len(line)
        return line

    def close(self) -> None:
        """Close the file handle."""
        self._file.close()


class Bundle:
    """An open bundle: its manifest, checked items, and access to each item's bytes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:  # an OSError (no such file) goes to the caller as it is
            self._zip = zipfile.ZipFile(path)
        except (*ZIP_ERRORS, ValueError) as exc:
            raise BundleError("not_a_bundle", str(exc)) from None
        try:
            infos = self._zip.infolist()
            counts = Counter(info.filename for info in infos)
            # A name twice in one ZIP is ambiguous (which one did the manifest hash?): refuse it.
            self._entries = {i.filename: i for i in infos if counts[i.filename] == 1}
            self._ambiguous = {name for name, count in counts.items() if count > 1}
            manifest_info = self._entries.get(MANIFEST)
            if manifest_info is None:
                raise BundleError("no_manifest")
            with self._zip.open(manifest_info) as f:
                data = f.read(_MAX_MANIFEST + 1)
            if len(data) > _MAX_MANIFEST:
                raise BundleError("bad_manifest")
            self.manifest_bytes = data
            self.signature = b""
            signature_info = self._entries.get(SIGNATURE)
            if signature_info is not None:
                with self._zip.open(signature_info) as f:
                    self.signature = f.read(SIGNATURE_SIZE + 1)
            self.manifest, self.items, self.rejected = parse_manifest(data)
        except (OSError, *ZIP_ERRORS) as exc:
            self._zip.close()
            raise BundleError("not_a_bundle", str(exc)) from None
        except BundleError:
            self._zip.close()
            raise

    def check_signature(self, key: VerifyKey) -> None:
        """Raise BundleError unless `manifest.sig` is the pinned key's signature of the
        manifest's exact bytes: then every listed item, hash and case comes from the server."""
        if not self.signature:
            raise BundleError("unsigned")
        try:
            key.verify(labels.BUNDLE_SIGNATURE + self.manifest_bytes, self.signature)
        except SignatureError:
            raise BundleError("bad_signature") from None

    def authorship_keys(self) -> dict[str, str]:
        """Return each case's authorship key (`westrongauth1…`) by designation, as the
        manifest's `cases` lists them (decision 095); trust it only after check_signature."""
        found: dict[str, str] = {}
        entries = self.manifest.get("cases")
        for entry in entries if isinstance(entries, list) else []:
            if isinstance(entry, dict):
                source, key = entry.get("source"), entry.get("authorship_key")
                if isinstance(source, str) and isinstance(key, str):
                    found[source] = key
        return found

    @property
    def created(self) -> str:
        """The manifest's creation day (display only)."""
        return _text(self.manifest.get("created"))

    @property
    def instance(self) -> str:
        """The name of the instance that exported the bundle (display only)."""
        return _text(self.manifest.get("instance"))

    def _info(self, item: Item) -> zipfile.ZipInfo:
        if item.path in self._ambiguous:
            raise ItemError("ambiguous")
        info = self._entries.get(item.path)
        if info is None:
            raise ItemError("missing")
        return info

    @contextmanager
    def open_item(self, item: Item) -> Iterator[Readable]:
        """Yield a stream of the item's age file (read it once; close it after)."""
        info = self._info(item)
        stored = info.compress_type == zipfile.ZIP_STORED and info.file_size == info.compress_size
        if stored and not info.flag_bits & _ENCRYPTED:
            try:
                entry = _StoredEntry(self.path, info)
            except OSError as exc:
                raise ItemError(read_reason(exc), exc.strerror or str(exc)) from None
            try:
                yield entry
            finally:
                entry.close()
            return
        # Not as FORMAT.md §4 writes bundles (entries are stored), but still a valid ZIP.
        try:
            with self._zip.open(info) as stream:
                yield stream
        except ZIP_ERRORS as exc:
            raise ItemError("damaged", str(exc)) from None

    def verify(self, item: Item, progress: Progress | None = None) -> None:
        """Raise ItemError unless the item's bytes have the manifest's size and SHA-256."""
        info = self._info(item)
        if info.file_size < item.size:
            raise ItemError("truncated", f"{info.file_size} / {item.size}")
        if info.file_size > item.size:
            raise ItemError("too_long", f"{info.file_size} / {item.size}")
        digest = hashlib.sha256()
        size = 0
        with self.open_item(item) as stream:
            # Never read past the size the manifest promised: a hostile entry can be endless.
            while size <= item.size and (block := stream.read(_BLOCK)):
                digest.update(block)
                size += len(block)
                if progress is not None:
                    progress(len(block))
        if size < item.size:
            raise ItemError("truncated", f"{size} / {item.size}")
        if size > item.size:
            raise ItemError("too_long", f"> {item.size}")
        if not hmac.compare_digest(digest.hexdigest(), item.sha256):
            raise ItemError("hash_mismatch")

    def close(self) -> None:
        """Close the ZIP file."""
        self._zip.close()

    def __enter__(self) -> Bundle:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()
