"""Restore a backup (core.backup) on a fresh install, refusing a live instance unless forced.

The database comes first; then each blob is written under its own name and checked against
its row's size and hash; configuration and onion key files go back with their modes (and
owners, as root); a final repair leaves no row without its blob and no blob without its row.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from sqlalchemy import inspect, select

from core import integrity
from core.backup import (
    COPY_CHUNK,
    FORMAT,
    ROOT,
    BackupError,
    Counts,
    engine_name,
    libpq_url,
    sqlite_path,
)
from core.pipeline import background
from crypto import age
from crypto.keys import Identity
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.models import Desk, Reply, Reviewer, Source, Submission


class _ChunkReader(io.RawIOBase):
    """A readable over an iterator of byte chunks (age's verified plaintext)."""

    def __init__(self, chunks: Iterator[bytes]) -> None:
        self._chunks = chunks
        self._left = b""

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        while not self._left:
            try:
                self._left = next(self._chunks)
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._left))
        buffer[:size] = self._left[:size]
        self._left = self._left[size:]
        return size


class _Forward:
    """A read-only stream that can seek forward (by reading): tarfile's plain "r" mode
    reads members in order through it, without its stream mode's buffer copies."""

    def __init__(self, source: IO[bytes]) -> None:
        self._source = source
        self._position = 0

    def read(self, size: int = -1) -> bytes:
        data = self._source.read(size)
        self._position += len(data)
        return data

    def tell(self) -> int:
        return self._position

    def seek(self, position: int, whence: int = 0) -> int:
        if whence != 0 or position < self._position:
            raise BackupError("the archive is damaged (it goes backwards)")
        while self._position < position:
            if not self.read(min(position - self._position, COPY_CHUNK)):
                break
        return self._position


def is_live(url: str, blobs: BlobStore) -> bool:
    """Say whether an instance already holds data (desks, sources, reviewers or blobs)."""
    if blobs.names():
        return True
    engine = make_engine(url)
    try:
        if "desks" not in inspect(engine).get_table_names():
            return False
        with session_factory(engine)() as session:
            return any(
                session.scalar(select(model.id).limit(1)) is not None
                for model in (Desk, Source, Reviewer, Submission, Reply)
            )
    finally:
        engine.dispose()


def _safe_relative(name: str, prefix: str) -> PurePosixPath | None:
    """Return the path below `prefix/` of an archive member, refusing anything odd."""
    path = PurePosixPath(name)
    parts = path.parts
    if len(parts) < 3 or parts[0] != ROOT or parts[1] != prefix:
        return None
    if any(p in {"", ".", ".."} for p in parts) or path.is_absolute():
        raise BackupError("the archive holds an unsafe path")
    return PurePosixPath(*parts[2:])


def _restore_file(
    tar: tarfile.TarFile, member: tarfile.TarInfo, folder: Path, relative: PurePosixPath
) -> None:
    target = folder.joinpath(*relative.parts)
    if member.isdir():
        target.mkdir(mode=0o700, parents=True, exist_ok=True)
        os.chmod(target, member.mode & 0o7777)
    elif member.isfile():
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        source = tar.extractfile(member)
        if source is None:
            raise BackupError("the archive is damaged")
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_NOFOLLOW, 0o600)
        with os.fdopen(fd, "wb") as out:
            shutil.copyfileobj(source, out, COPY_CHUNK)
        os.chmod(target, member.mode & 0o7777)
    else:
        return
    if os.geteuid() == 0:
        os.chown(target, member.uid, member.gid)  # tor's key folder must stay tor's


def _load_database(url: str, dump: Path, member: str) -> None:
    kind = engine_name(url)
    wanted = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}.get(kind)
    if member != wanted:
        raise BackupError(f"this archive holds {member}; it cannot go into a {kind} database")
    if kind == "sqlite":
        path = sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # replaces every page, WAL files included
        finally:
            source.close()
            target.close()
        return
    libpq, env = libpq_url(url)
    result = subprocess.run(  # noqa: S603
        [
            shutil.which("pg_restore") or "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={libpq}",
            str(dump),
        ],
        env=env,
        capture_output=True,
        check=False,
    )
    if result.returncode != 0:
        raise BackupError(f"pg_restore failed: {result.stderr.decode(errors='replace')[-300:]}")


def restore(
    url: str,
    blobs: BlobStore,
    identities: Sequence[Identity],
    source: BinaryIO,
    instance_dir: Path | None = None,
    onion_dir: Path | None = None,
    force: bool = False,
    work_dir: Path | None = None,
) -> Counts:
    """Restore an archive into this (fresh) instance; refuse a live one unless `force`.

    The database comes first; then each blob is written under its own name and checked
    against its row's size and hash (a damaged one is counted and left out, and its row
    removed by the final check). Rows whose blob never arrived and blobs no row names are
    repaired at the end, so the restored instance is consistent.
    """
    if not force and is_live(url, blobs):
        raise BackupError("this instance already holds data; restore refuses without --force")
    # A second thread reads and decrypts ahead while this one unpacks and writes the blobs.
    chunks = background(lambda: age.decrypt_chunks(source, identities))
    reader = io.BufferedReader(_ChunkReader(chunks), COPY_CHUNK)
    expected: dict[str, tuple[int, str | None]] = {}
    seen_format = finished = False
    kind = engine_name(url)
    blob_count = blob_bytes = instance_files = onion_files = damaged = 0
    with (
        contextlib.closing(chunks),  # stops the reading thread if the restore fails
        tempfile.TemporaryDirectory(prefix="westrong-restore-", dir=work_dir) as work,
        tarfile.open(fileobj=_Forward(reader), mode="r:") as tar,  # type: ignore[call-overload]
    ):
        for member in tar:
            name = member.name
            if name == f"{ROOT}/FORMAT":
                data = tar.extractfile(member)
                meta = json.loads(data.read() if data else b"{}")
                if meta.get("format") != FORMAT:
                    raise BackupError("not a WE STRONG Drop backup (or a newer format)")
                seen_format = True
                continue
            if not seen_format:
                raise BackupError("not a WE STRONG Drop backup")
            if name in {f"{ROOT}/database.sqlite", f"{ROOT}/database.pgdump"}:
                dump = Path(work) / "database"
                data = tar.extractfile(member)
                if data is None:
                    raise BackupError("the archive is damaged")
                with open(dump, "wb") as out:
                    shutil.copyfileobj(data, out, COPY_CHUNK)
                _load_database(url, dump, name.rsplit("/", 1)[1])
                os.unlink(dump)
                engine = make_engine(url)
                migrate(engine)  # an older version's backup comes up to this version's schema
                with session_factory(engine)() as session:
                    expected = {n: (v[1], v[2]) for n, v in integrity.referenced(session).items()}
                engine.dispose()
                continue
            if name == f"{ROOT}/MANIFEST.json":
                finished = True
                continue
            if (relative := _safe_relative(name, "store")) is not None:
                if not member.isfile():
                    continue
                blob_name = relative.name
                data = tar.extractfile(member)
                row = expected.get(blob_name)
                if data is None or row is None or row[0] != member.size:
                    damaged += 1
                    continue
                digest = blobs.restore(blob_name, data, member.size, durable=False)
                if row[1] is not None and digest != row[1]:
                    blobs.secure_delete(blob_name)
                    damaged += 1
                    continue
                blob_count += 1
                blob_bytes += member.size
            elif (relative := _safe_relative(name, "instance")) is not None:
                if instance_dir is not None:
                    _restore_file(tar, member, instance_dir, relative)
                    instance_files += member.isfile()
            elif (relative := _safe_relative(name, "onion")) is not None and onion_dir:
                _restore_file(tar, member, onion_dir, relative)
                onion_files += member.isfile()
    if not finished:
        raise BackupError("the archive ended before its manifest: it is incomplete")
    blobs.sync()  # one flush for every restored blob, instead of two fsyncs each
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            integrity.check(session, blobs, repair=True, grace_seconds=0)
    finally:
        engine.dispose()
    return Counts(blob_count, blob_bytes, instance_files, onion_files, kind, damaged)
