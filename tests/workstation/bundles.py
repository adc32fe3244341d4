"""Write export bundles exactly as docs/FORMAT.md §4 says, with the real crypto (test helper).

The reviewer interface's exporter will produce these for real; until then this helper is the
reference writer: a ZIP of stored entries written as a stream (data descriptors, as a server
that never holds the bundle whole writes it), `manifest.json` first, one age file per item
holding the inner format of §2, encrypted to the desk's recipients.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crypto import age, labels
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from crypto.signing import SigningKey

FORMAT = "westrong-drop/bundle/v2"
# The test server's bundle signing key; the `desk` fixture pins its public half.
SIGNER = SigningKey(bytes(range(32)))
DATE = "2026-11-20"


@dataclass
class BundleItem:
    """One item: its manifest entry (tests may spoil it) and its age file (None: left out)."""

    entry: dict[str, Any]
    data: bytes | None
    zip_name: str | None = None  # the ZIP entry's name; the manifest path unless set

    @property
    def name(self) -> str:
        return self.zip_name if self.zip_name is not None else str(self.entry["path"])


def seal(kind: str, content: bytes, recipients: Sequence[Recipient], **header: Any) -> bytes:
    """Return an age file holding `content` in the inner format, as the server stores it."""
    out = io.BytesIO()
    writer = InnerWriter(age.encryptor(out, recipients), {"kind": kind, "date": DATE, **header})
    writer.write(content)
    writer.close()
    return out.getvalue()


def folder_of(designation: str) -> str:
    """Return the path segment the server uses for a designation ("brave otter" → brave-otter)."""
    return designation.replace(" ", "-")


def item(
    kind: str,
    designation: str,
    number: int,
    content: bytes,
    recipients: Sequence[Recipient],
    desk: str = "nacc",
    **header: Any,
) -> BundleItem:
    """Return a bundle item for one submission or reply (its inner header names its case
    unless `case=None` is given: an item stored before decision 065)."""
    header.setdefault("case", designation)
    if header["case"] is None:
        del header["case"]
    data = seal(kind, content, recipients, **header)
    entry = {
        "path": f"sources/{folder_of(designation)}/{number:04d}-{kind}.age",
        "source": designation,
        "desk": desk,
        "kind": kind,
        "date": DATE,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }
    return BundleItem(entry, data)


class _Stream(io.RawIOBase):
    """A write-only, unseekable file: zipfile then writes data descriptors, as a server does."""

    def __init__(self, target: io.BufferedWriter) -> None:
        self._target = target

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        return self._target.write(data)


def write_bundle(
    path: Path,
    items: Sequence[BundleItem],
    extra: dict[str, bytes] | None = None,
    manifest: dict[str, Any] | None = None,
    signer: SigningKey | None = SIGNER,
) -> Path:
    """Write a bundle signed by `signer` (None: unsigned); `extra` adds ZIP entries the
    manifest does not list."""
    top = {
        "format": FORMAT,
        "created": "2026-11-26",
        "instance": "WE STRONG Drop",
        "items": [i.entry for i in items],
    }
    if manifest is not None:
        top = manifest
    with open(path, "wb") as f, zipfile.ZipFile(_Stream(f), "w", zipfile.ZIP_STORED) as zf:
        data = json.dumps(top, ensure_ascii=False, indent=1).encode()
        zf.writestr("manifest.json", data)
        if signer is not None:
            zf.writestr("manifest.sig", signer.sign(labels.BUNDLE_SIGNATURE + data))
        for bundle_item in items:
            if bundle_item.data is not None:
                with zf.open(bundle_item.name, "w", force_zip64=True) as entry:
                    entry.write(bundle_item.data)
        for name, data in (extra or {}).items():
            zf.writestr(name, data)
    return path
