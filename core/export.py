"""Export bundles: a ZIP (stored entries) of age files plus a signed manifest, streamed.

The ZIP is written to a buffer that is emptied after every chunk, so memory stays flat
whatever the bundle's size (docs/FORMAT.md §4). Entry times are fixed at the ZIP epoch:
a bundle says nothing about when the server wrote it. The manifest is signed with the
instance's Ed25519 key (`manifest.sig`, decision 065): anyone can encrypt a "tip" to a desk's
public key, only this server can list it in a manifest the workstation accepts.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from core.audit import Action, record
from core.cases import mark_seen
from crypto import labels
from crypto.signing import SigningKey
from store.blobs import BlobStore
from store.models import Case, Reviewer

FORMAT = "westrong-drop/bundle/v2"
SIGNATURE = "manifest.sig"
CHUNK = 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)


@dataclass(frozen=True)
class Item:
    """One age file to put in a bundle."""

    source: str  # the case's designation
    desk: str
    kind: str  # message, file or reply
    number: int
    blob_name: str
    date: dt.date


class _Pipe(io.RawIOBase):
    """A write-only, unseekable buffer the generator drains after each write."""

    def __init__(self) -> None:
        self._data = bytearray()

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._data += data
        return len(data)

    def take(self) -> bytes:
        data = bytes(self._data)
        self._data.clear()
        return data


def slug(designation: str) -> str:
    """Return the folder name of a case in a bundle."""
    return re.sub(r"[^a-z0-9]+", "-", designation.lower()).strip("-")[:100] or "case"


def _entry(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.compress_type = zipfile.ZIP_STORED
    info.external_attr = 0o600 << 16
    return info


def manifest_signature(signer: SigningKey, manifest: bytes) -> bytes:
    """Return the detached signature of a manifest's exact bytes (under its purpose label)."""
    return signer.sign(labels.BUNDLE_SIGNATURE + manifest)


def authorship_keys(case: Case) -> dict[str, str]:
    """Return the case's authorship key by designation, for the manifest (decision 095)."""
    return {case.designation: case.authorship_key} if case.authorship_key else {}


def stream(
    blobs: BlobStore,
    items: Sequence[Item],
    instance: str,
    signer: SigningKey,
    authorship: Mapping[str, str] | None = None,
) -> Iterator[bytes]:
    """Yield the bytes of a bundle holding these items, its manifest signed by `signer`;
    `authorship` gives each case's authorship key, listed under `cases`."""
    pipe = _Pipe()
    manifest = []
    with zipfile.ZipFile(pipe, "w", allowZip64=True) as archive:
        for item in items:
            path = f"sources/{slug(item.source)}/{item.number:04d}-{item.kind}.age"
            digest, size = hashlib.sha256(), 0
            with (
                blobs.open(item.blob_name) as src,
                archive.open(_entry(path), "w", force_zip64=True) as dst,
            ):
                while chunk := src.read(CHUNK):
                    digest.update(chunk)
                    size += len(chunk)
                    dst.write(chunk)
                    yield pipe.take()
            manifest.append(
                {
                    "path": path,
                    "source": item.source,
                    "desk": item.desk,
                    "kind": item.kind,
                    "date": item.date.isoformat(),
                    "size": size,
                    "sha256": digest.hexdigest(),
                }
            )
            yield pipe.take()
        document = {
            "format": FORMAT,
            "created": dt.datetime.now(dt.UTC).date().isoformat(),
            "instance": instance,
            "items": manifest,
        }
        if authorship:
            document["cases"] = [
                {"source": source, "authorship_key": key}
                for source, key in sorted(authorship.items())
            ]
        data = json.dumps(document, ensure_ascii=False, indent=1).encode("utf-8")
        archive.writestr(_entry("manifest.json"), data)
        archive.writestr(_entry(SIGNATURE), manifest_signature(signer, data))
    yield pipe.take()


def case_items(case: Case, unread_only: bool) -> list[Item]:
    """Return the items of a case's bundle: its submissions (only the unseen ones, if asked)
    and, for a full export, the desk's replies."""
    submissions = [s for s in case.submissions if not (unread_only and s.seen)]
    entries = [
        Item(case.designation, case.desk.slug, s.kind.value, s.id, s.blob_name, s.created_on)
        for s in submissions
    ]
    if not unread_only:
        entries += [
            Item(case.designation, case.desk.slug, "reply", r.id, r.blob_name, r.created_at.date())
            for r in case.replies
        ]
    return entries


def export_case(session: Session, actor: Reviewer, case: Case, unread_only: bool) -> list[Item]:
    """Return the items to stream for one case's bundle; mark its submissions seen; audit."""
    items = case_items(case, unread_only)
    numbers = {i.number for i in items if i.kind != "reply"}
    mark_seen(actor, [s for s in case.submissions if s.id in numbers])
    record(session, actor, Action.EXPORT, case, f"{len(items)} items")
    return items
