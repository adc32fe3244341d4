"""Engines and sessions: SQLite (WAL, foreign keys on, secure delete) by default, any
SQLAlchemy URL works."""

from __future__ import annotations

import errno
import logging
import sqlite3
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker

if TYPE_CHECKING:
    from alembic.config import Config as AlembicConfig

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
log = logging.getLogger(__name__)
# The tables whose deleted rows name a source or a case (PostgreSQL's VACUUM after a purge).
FORGETTING_TABLES = ("sources", "source_sessions", "cases", "submissions", "replies")


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # Zero deleted content in its page, whatever this SQLite library was built with (the
    # compile-time default differs between builds); see forget_deleted for the WAL.
    cursor.execute("PRAGMA secure_delete=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


_FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT}
SQLITE_FULL = 13
PG_DISK_FULL = "53100"


def is_disk_full(exc: BaseException) -> bool:
    """Say whether an error means the disk (store or database) has no room left."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _FULL_ERRNOS:
            return True
        if isinstance(current, sqlite3.Error) and (
            getattr(current, "sqlite_errorcode", None) == SQLITE_FULL
            or "database or disk is full" in str(current)
        ):
            return True
        if getattr(current, "sqlstate", None) == PG_DISK_FULL:
            return True
        orig = getattr(current, "orig", None)
        current = orig if isinstance(orig, BaseException) else current.__cause__
    return False


def make_engine(url: str, **pool: Any) -> Engine:
    """Create an engine; on SQLite, turn on foreign keys and write-ahead logging.

    SQLite's pool never makes a request wait: past the five kept connections, each request
    opens its own (well under a millisecond). It was made so while POST /submit held its
    connection for the whole streamed body (a pool of 5 + 10 let fifteen slow uploads per
    worker make every other page wait 30 s, measured with 25); the view now gives its
    connection back before the body (decision 101), and an unbounded pool still costs nothing.
    Some are kept rather than none: when the last connection closes, SQLite removes the WAL
    files, and on a full disk the next connection cannot create them again ("disk I/O
    error" instead of the full-disk page).

    `pool`: pool settings over these (a test makes a pool of one connection)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:  # a file, not memory
        engine = create_engine(url, **{"pool_size": 5, "max_overflow": -1, **pool})
    else:
        engine = create_engine(url, **pool)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def forget_deleted(engine: Engine, vacuum: bool = False) -> None:
    """Make committed deletions leave the database files, as far as the engine allows.

    SQLite keeps the old version of every changed page in the write-ahead log until a
    checkpoint: a TRUNCATE checkpoint copies the (zeroed, secure_delete) pages into the
    database and empties the -wal file. PostgreSQL keeps dead tuples until VACUUM (run when
    `vacuum`, e.g. after the retention purge) and old WAL segments until they are recycled
    (docs/THREAT_MODEL.md says what remains).
    """
    if engine.dialect.name == "sqlite":
        with engine.connect() as conn:
            busy, _log, _done = conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)").one()
        if busy:
            log.warning("the WAL checkpoint after a deletion could not finish (busy)")
    elif vacuum and engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            for table in FORGETTING_TABLES:
                conn.exec_driver_sql(f"VACUUM {table}")  # fixed table names


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory; callers open transactions with `session.begin()`."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> AlembicConfig:
    """Return an Alembic configuration that migrates this engine's database."""
    # Imported here: Alembic is a tenth of a second at every process start, and only
    # migrating processes need it.
    from alembic.config import Config as AlembicConfig

    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database schema to a revision (the latest by default)."""
    from alembic import command

    command.upgrade(alembic_config(engine), revision)
