"""Engines and sessions: SQLite (WAL, foreign keys on) by default, any SQLAlchemy URL works."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import NullPool

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """Create an engine; on SQLite, turn on foreign keys and write-ahead logging.

    SQLite gets no connection pool: a request holds its connection until it ends, and a
    source's upload over Tor lasts minutes, so a pool of 5 + 10 let fifteen slow uploads
    per worker make every other page wait 30 s for a connection (measured with 25; opening
    a SQLite file per request costs well under a millisecond)."""
    if url.startswith("sqlite:///") and ":memory:" not in url:  # a file, not memory
        engine = create_engine(url, poolclass=NullPool)
    else:
        engine = create_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Return a session factory; callers open transactions with `session.begin()`."""
    return sessionmaker(engine, expire_on_commit=False)


def alembic_config(engine: Engine) -> AlembicConfig:
    """Return an Alembic configuration that migrates this engine's database."""
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.attributes["engine"] = engine
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    """Upgrade the database schema to a revision (the latest by default)."""
    command.upgrade(alembic_config(engine), revision)
