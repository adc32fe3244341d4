"""Rows and blobs agree: find (and repair) blobs without rows, rows without blobs, stale
temporary files and rows without a recorded hash; check a blob before it is served.

Reports hold counts only, never names (a blob name is an identifier of someone's tip).
"""

from __future__ import annotations

import contextlib
import logging
import time
from dataclasses import dataclass

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from core.errors import Damaged
from store.blobs import BlobStore
from store.errors import StoreError
from store.models import PendingDeletion, Reply, Submission

log = logging.getLogger(__name__)

# A blob placed less than this long ago may belong to a request that has not committed its
# row yet (a long upload places each file as it ends): it is not an orphan yet.
DEFAULT_GRACE_SECONDS = 24 * 3600


@dataclass(frozen=True)
class Report:
    """What a check found (and, with repair, fixed): counts only."""

    blobs: int
    rows: int
    orphan_blobs: int
    missing_blobs: int
    damaged_blobs: int
    stale_temp_files: int
    missing_hashes: int
    queued_deletions: int
    repaired: bool

    @property
    def clean(self) -> bool:
        """Say whether nothing was out of order."""
        return not (
            self.orphan_blobs
            or self.missing_blobs
            or self.damaged_blobs
            or self.stale_temp_files
            or self.missing_hashes
        )

    def lines(self) -> list[str]:
        """Return the report as `name: count` lines."""
        verb = "repaired" if self.repaired else "found"
        return [
            f"blobs: {self.blobs}",
            f"rows: {self.rows}",
            f"orphan blobs (no row) {verb}: {self.orphan_blobs}",
            f"rows whose blob is missing {verb}: {self.missing_blobs}",
            f"rows whose blob does not match its size or hash {verb}: {self.damaged_blobs}",
            f"stale temporary files {verb}: {self.stale_temp_files}",
            f"rows without a recorded hash {verb}: {self.missing_hashes}",
            f"blobs waiting in the deletion queue: {self.queued_deletions}",
        ]


def referenced(
    session: Session,
) -> dict[str, tuple[type[Submission] | type[Reply], int, str | None, str]]:
    """Return blob name → (model, size, hash, column naming it) for every submission, every
    reply (the desk's copy) and every source's own copy of a reply."""
    found: dict[str, tuple[type[Submission] | type[Reply], int, str | None, str]] = {}
    for model in (Submission, Reply):
        rows = session.execute(
            select(model.blob_name, model.ciphertext_size, model.ciphertext_sha256)
        )
        for name, size, sha in rows:
            found[name] = (model, size, sha, "blob_name")
    copies = session.execute(
        select(
            Reply.source_blob_name, Reply.source_ciphertext_size, Reply.source_ciphertext_sha256
        ).where(Reply.source_blob_name.is_not(None))
    )
    for name, size, sha in copies:
        found[name] = (Reply, size or 0, sha, "source_blob_name")
    return found


def verify(blobs: BlobStore, name: str, size: int, sha256: str | None) -> None:
    """Raise Damaged unless the blob is there with its recorded size (and hash, if recorded):
    a download never answers with bytes that are not the stored ciphertext."""
    try:
        if blobs.size(name) != size or (sha256 is not None and blobs.sha256(name) != sha256):
            log.error("a stored blob does not match its row (size or SHA-256)")
            raise Damaged("stored file damaged")
    except StoreError:
        log.error("a row names a blob that is not in the store")
        raise Damaged("stored file missing") from None


def check(
    session: Session,
    blobs: BlobStore,
    repair: bool = False,
    deep: bool = False,
    grace_seconds: float = DEFAULT_GRACE_SECONDS,
) -> Report:
    """Compare rows and blobs; with `repair`, shred orphan blobs, delete rows whose blob is
    missing or damaged (they can never be served), remove stale temporary files and record
    missing hashes. `deep` hashes every blob (otherwise sizes only)."""
    stale = blobs.temp_files()
    if repair:
        stale = blobs.purge_temp()
    rows = referenced(session)
    queued = set(session.scalars(select(PendingDeletion.blob_name)))
    stored = blobs.names()
    cutoff = time.time() - grace_seconds
    orphans = []
    for name in stored - rows.keys() - queued:
        with contextlib.suppress(StoreError):
            if blobs.placed_at(name) <= cutoff:
                orphans.append(name)
    missing = [name for name in rows if name not in stored]
    damaged, unhashed = [], []
    for name, (model, size, sha, column) in rows.items():
        if name not in stored:
            continue
        try:
            if blobs.size(name) != size:
                damaged.append(name)
            elif sha is None:
                unhashed.append((model, name, column))
            elif deep and blobs.sha256(name) != sha:
                damaged.append(name)
        except StoreError:
            missing.append(name)
    if repair:
        for name in orphans:
            with contextlib.suppress(StoreError, OSError):
                blobs.secure_delete(name)
        for name in missing + damaged:
            model, column = rows[name][0], rows[name][3]
            if column == "source_blob_name":  # the reply stays, the source's copy is lost
                session.execute(
                    update(Reply)
                    .where(Reply.source_blob_name == name)
                    .values(
                        source_blob_name=None,
                        source_ciphertext_size=None,
                        source_ciphertext_sha256=None,
                    )
                )
            else:
                session.execute(delete(model).where(model.blob_name == name))
        for model, name, column in unhashed:
            digest = blobs.sha256(name)
            if column == "source_blob_name":
                session.execute(
                    update(Reply)
                    .where(Reply.source_blob_name == name)
                    .values(source_ciphertext_sha256=digest)
                )
            else:
                session.execute(
                    update(model).where(model.blob_name == name).values(ciphertext_sha256=digest)
                )
    return Report(
        blobs=len(stored),
        rows=len(rows),
        orphan_blobs=len(orphans),
        missing_blobs=len(missing),
        damaged_blobs=len(damaged),
        stale_temp_files=stale,
        missing_hashes=len(unhashed),
        queued_deletions=len(queued),
        repaired=repair,
    )
