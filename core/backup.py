"""Back up an instance into one age-encrypted tar stream, and restore it on a fresh install.

The archive (docs/decisions/050) opens with the stock tools: `age -d -i KEY FILE | tar x`.
Inside, under `westrong-backup/`: `FORMAT` (JSON: version, engine), the database
(`database.sqlite`, SQLite's online backup, or `database.pgdump`, `pg_dump -Fc`), the
configuration folder (`instance/`) and onion service keys (`onion/`) when configured, every
blob a row of the snapshot names (`store/ab/ab….age`), and `MANIFEST.json` last (counts).

Consistency while the instance keeps running: the database snapshot is taken first, and only
the blobs its rows name are copied; blobs placed after it are left out (their rows are not
in it). The store's lock keeps the deletion queue from shredding a blob the snapshot still
names until the copy is done. Everything streams (tar → age → file): memory stays flat.
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
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import IO, BinaryIO

from sqlalchemy import Connection, create_engine, inspect, select, text
from sqlalchemy.engine import URL, make_url

from core import integrity
from core.errors import CoreError, Invalid
from crypto import age
from crypto.keys import Identity, Recipient
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.errors import StoreError
from store.models import Desk, Reply, Reviewer, Source, Submission

FORMAT = "westrong-drop/backup/v1"
ROOT = "westrong-backup"
COPY_CHUNK = 1024 * 1024


class BackupError(CoreError):
    """A backup or restore could not be carried out (the message says why)."""


@dataclass(frozen=True)
class Counts:
    """What an archive holds (or what a restore brought back)."""

    blobs: int
    blob_bytes: int
    instance_files: int
    onion_files: int
    engine: str
    damaged: int = 0


# --- the database ------------------------------------------------------------------------


def _engine_name(url: str) -> str:
    return make_url(url).get_backend_name()


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def _libpq(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URL (no password in it: that goes in the environment)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


def _blob_names(conn: Connection) -> list[str]:
    names: list[str] = []
    for model in (Submission, Reply):
        names.extend(conn.scalars(select(model.blob_name)))
    return sorted(names)


@contextlib.contextmanager
def _snapshot(url: str, work: Path) -> Iterator[tuple[Path, str, list[str]]]:
    """Take a consistent snapshot: yield (dump file, member name, blob names it references)."""
    engine = _engine_name(url)
    if engine == "sqlite":
        dump = work / "database.sqlite"
        source = sqlite3.connect(_sqlite_path(url))
        target = sqlite3.connect(dump)
        try:
            source.backup(target)  # one step: a read transaction, writers keep going (WAL)
        finally:
            source.close()
        try:
            names = sorted(
                r[0]
                for table in ("submissions", "replies")
                for r in target.execute(f"SELECT blob_name FROM {table}")  # noqa: S608
            )
        finally:
            target.close()
        yield dump, "database.sqlite", names
    elif engine == "postgresql":
        dump = work / "database.pgdump"
        pg = create_engine(url, isolation_level="REPEATABLE READ")
        try:
            with pg.connect() as conn, conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                names = _blob_names(conn)
                libpq, env = _libpq(url)
                subprocess.run(  # noqa: S603 (fixed program, our own arguments)
                    [
                        shutil.which("pg_dump") or "pg_dump",
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        f"--file={dump}",
                        "--no-owner",
                        f"--dbname={libpq}",
                    ],
                    env=env,
                    check=True,
                    capture_output=True,
                )
        except subprocess.CalledProcessError as exc:
            detail = exc.stderr.decode(errors="replace")[-300:]
            raise BackupError(f"pg_dump failed: {detail}") from None
        finally:
            pg.dispose()
        yield dump, "database.pgdump", names
    else:
        raise BackupError(f"cannot back up a {engine} database")


# --- writing ---------------------------------------------------------------------------


def _info(name: str, size: int, mode: int = 0o600) -> tarfile.TarInfo:
    info = tarfile.TarInfo(f"{ROOT}/{name}")
    info.size, info.mode, info.mtime = size, mode, 0  # no times: they would date tips
    return info


def _add_bytes(tar: tarfile.TarFile, name: str, data: bytes) -> None:
    tar.addfile(_info(name, len(data)), io.BytesIO(data))


def _add_tree(tar: tarfile.TarFile, folder: Path | None, prefix: str) -> int:
    """Add a folder's files (modes and owners kept, times not); return how many."""
    if folder is None or not folder.is_dir():
        return 0
    count = 0
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        info = tar.gettarinfo(str(path), f"{ROOT}/{prefix}/{relative}")
        info.mtime = 0
        if path.is_symlink() or not (path.is_file() or path.is_dir()):
            continue
        if path.is_file():
            with open(path, "rb") as f:
                tar.addfile(info, f)
            count += 1
        else:
            tar.addfile(info)
    return count


def write(
    url: str,
    blobs: BlobStore,
    recipients: Sequence[Recipient],
    out: IO[bytes],
    instance_dir: Path | None = None,
    onion_dir: Path | None = None,
    work_dir: Path | None = None,
) -> Counts:
    """Write the encrypted archive to `out` (the caller makes the file atomic)."""
    if not recipients:
        raise Invalid("a backup needs an age recipient")
    encryptor = age.encryptor(out, recipients)
    blob_count = blob_bytes = damaged = 0
    with (
        tempfile.TemporaryDirectory(prefix="westrong-backup-", dir=work_dir) as work,
        blobs.locked(exclusive=True),
        _snapshot(url, Path(work)) as (dump, member, names),
        tarfile.open(fileobj=encryptor, mode="w|", format=tarfile.PAX_FORMAT) as tar,  # type: ignore[call-overload]
    ):
        meta = {"format": FORMAT, "engine": _engine_name(url)}
        _add_bytes(tar, "FORMAT", json.dumps(meta).encode())
        with open(dump, "rb") as f:
            tar.addfile(_info(member, os.fstat(f.fileno()).st_size), f)
        os.unlink(dump)
        instance_files = _add_tree(tar, instance_dir, "instance")
        onion_files = _add_tree(tar, onion_dir, "onion")
        for name in names:
            try:
                blob = blobs.open(name)
            except StoreError:  # a row without its blob: counted and reported
                damaged += 1
                continue
            with blob:
                size = os.fstat(blob.fileno()).st_size
                tar.addfile(_info(f"store/{name[:2]}/{name}", size), blob)
            blob_count += 1
            blob_bytes += size
        counts = Counts(
            blob_count, blob_bytes, instance_files, onion_files, meta["engine"], damaged
        )
        _add_bytes(tar, "MANIFEST.json", json.dumps(vars(counts)).encode())
    encryptor.close()
    return counts


def write_file(
    url: str,
    blobs: BlobStore,
    recipients: Sequence[Recipient],
    path: Path,
    instance_dir: Path | None = None,
    onion_dir: Path | None = None,
) -> Counts:
    """Write the archive to `path` atomically (a `.part` file renamed once complete)."""
    part = path.with_name(path.name + ".part")
    fd = os.open(part, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        with os.fdopen(fd, "wb", buffering=COPY_CHUNK) as out:
            counts = write(url, blobs, recipients, out, instance_dir, onion_dir)
            out.flush()
            os.fsync(out.fileno())
        os.replace(part, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(part)
        raise
    return counts


# --- restoring ---------------------------------------------------------------------------


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
    engine_name = _engine_name(url)
    wanted = {"sqlite": "database.sqlite", "postgresql": "database.pgdump"}.get(engine_name)
    if member != wanted:
        raise BackupError(
            f"this archive holds {member}; it cannot go into a {engine_name} database"
        )
    if engine_name == "sqlite":
        path = _sqlite_path(url)
        path.parent.mkdir(parents=True, exist_ok=True)
        source = sqlite3.connect(dump)
        target = sqlite3.connect(path)
        try:
            source.backup(target)  # replaces every page, WAL files included
        finally:
            source.close()
            target.close()
        return
    libpq, env = _libpq(url)
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
    reader = io.BufferedReader(_ChunkReader(age.decrypt_chunks(source, identities)), COPY_CHUNK)
    expected: dict[str, tuple[int, str | None]] = {}
    seen_format = finished = False
    engine_name = _engine_name(url)
    blob_count = blob_bytes = instance_files = onion_files = damaged = 0
    with (
        tempfile.TemporaryDirectory(prefix="westrong-restore-", dir=work_dir) as work,
        tarfile.open(fileobj=reader, mode="r|") as tar,
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
    os.sync()  # one flush for every restored blob, instead of two fsyncs each
    engine = make_engine(url)
    try:
        with session_factory(engine)() as session, session.begin():
            integrity.check(session, blobs, repair=True, grace_seconds=0)
    finally:
        engine.dispose()
    return Counts(blob_count, blob_bytes, instance_files, onion_files, engine_name, damaged)
