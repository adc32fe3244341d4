"""Store fixtures, on each engine: a migrated database, a session inside a transaction, and a
blank database for migrations."""

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session

from store.db import make_engine, migrate, session_factory
from tests.factories import DatabaseUrls, dispose_engines


@pytest.fixture
def engine(tmp_path: Path, database: DatabaseUrls | None) -> Iterator[Engine]:
    url = database.owner if database else f"sqlite:///{tmp_path / 'test.db'}"
    engine = make_engine(url)
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with session_factory(engine)() as session, session.begin():
        yield session


@pytest.fixture
def blank_engine(
    request: pytest.FixtureRequest, tmp_path: Path, engine_kind: str
) -> Iterator[Engine]:
    """An empty database (no schema yet), connected as its owner."""
    if engine_kind == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'blank.db'}")
        yield engine
        engine.dispose()
        return
    cluster = request.getfixturevalue("postgres")
    name = cluster.empty()
    engine = make_engine(cluster.server.url(name))
    try:
        yield engine
    finally:
        engine.dispose()
        dispose_engines(name)
        cluster.drop(name)
