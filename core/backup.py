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
from pathlib import Path
from typing import IO

from sqlalchemy import Connection, create_engine, select, text
from sqlalchemy.engine import URL, make_url

from core.errors import CoreError, Invalid
from core.pipeline import BackgroundWriter
from crypto import age
from crypto.keys import Recipient
from store.blobs import BlobStore
from store.errors import StoreError
from store.models import Reply, Submission

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


def engine_name(url: str) -> str:
    return make_url(url).get_backend_name()


def sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database or database == ":memory:":
        raise BackupError("an in-memory SQLite database cannot be backed up")
    return Path(database)


def libpq_url(url: str) -> tuple[str, dict[str, str]]:
    """Return a libpq connection URL (no password in it: that goes in the environment)."""
    parsed: URL = make_url(url)
    env = dict(os.environ)
    if parsed.password:
        env["PGPASSWORD"] = str(parsed.password)
    plain = parsed.set(drivername="postgresql", password=None)
    return plain.render_as_string(hide_password=False), env


# Every column that names a blob in the store.
BLOB_COLUMNS = (
    ("submissions", "blob_name"),
    ("replies", "blob_name"),
    ("replies", "source_blob_name"),
)


def _blob_names(conn: Connection) -> list[str]:
    names: list[str] = []
    for model in (Submission, Reply):
        names.extend(conn.scalars(select(model.blob_name)))
    names.extend(  # the sources' own copies of replies (decision 067)
        conn.scalars(select(Reply.source_blob_name).where(Reply.source_blob_name.is_not(None)))
    )
    return sorted(names)


@contextlib.contextmanager
def _snapshot(url: str, work: Path) -> Iterator[tuple[Path, str, list[str]]]:
    """Take a consistent snapshot: yield (dump file, member name, blob names it references)."""
    engine = engine_name(url)
    if engine == "sqlite":
        dump = work / "database.sqlite"
        source = sqlite3.connect(sqlite_path(url))
        target = sqlite3.connect(dump)
        try:
            source.backup(target)  # one step: a read transaction, writers keep going (WAL)
        finally:
            source.close()
        try:
            names = sorted(
                r[0]
                for table, column in BLOB_COLUMNS
                for r in target.execute(
                    f"SELECT {column} FROM {table} WHERE {column} IS NOT NULL"  # noqa: S608
                )
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
                libpq, env = libpq_url(url)
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


class _Position:
    """A write-only stream that knows its position: tarfile's plain "w" mode then writes
    straight through (its stream mode re-copies a growing buffer on every write)."""

    def __init__(self, out: BackgroundWriter) -> None:
        self._out = out
        self._position = 0

    def write(self, data: bytes) -> int:
        self._out.write(data)
        self._position += len(data)
        return len(data)

    def tell(self) -> int:
        return self._position


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
        # This thread reads and packs; a second one encrypts and writes (like `tar | age`).
        BackgroundWriter(encryptor, COPY_CHUNK) as encrypting,
        tarfile.open(fileobj=_Position(encrypting), mode="w:", format=tarfile.PAX_FORMAT) as tar,  # type: ignore[call-overload]
    ):
        tar.copybufsize = COPY_CHUNK
        meta = {"format": FORMAT, "engine": engine_name(url)}
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
