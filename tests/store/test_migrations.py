"""The Alembic chain: every migration upgrades and downgrades, and head matches the models."""

from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine, inspect, text

from store.db import alembic_config, make_engine, migrate
from store.models import Base

REVISIONS = [
    r.revision
    for r in ScriptDirectory.from_config(alembic_config(make_engine("sqlite://"))).walk_revisions()
]


def test_head_matches_models(blank_engine: Engine) -> None:
    engine = blank_engine
    migrate(engine)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


@pytest.mark.parametrize("revision", REVISIONS)
def test_each_migration_upgrades_and_downgrades(blank_engine: Engine, revision: str) -> None:
    engine = blank_engine
    cfg = alembic_config(engine)
    command.upgrade(cfg, revision)
    command.downgrade(cfg, "-1")
    command.upgrade(cfg, "heads")
    assert "sources" in inspect(engine).get_table_names()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1


def test_no_column_can_hold_network_or_browser_identifiers() -> None:
    banned = ("ip", "addr", "agent", "referer", "referrer", "codename", "user_agent")
    for table in Base.metadata.tables.values():
        for column in table.columns:
            parts = column.name.split("_")
            assert not any(b in parts for b in banned), f"{table.name}.{column.name}"


def test_source_dates_are_days_not_times() -> None:
    sources = Base.metadata.tables["sources"]
    submissions = Base.metadata.tables["submissions"]
    for table in (sources, submissions):
        for column in table.columns:
            assert column.type.python_type is not __import__("datetime").datetime, column.name
