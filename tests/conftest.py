"""Fixtures shared by every test (helpers live in tests/factories.py and tests/tools.py).

Tests that use the `engine_kind` fixture (through `database` and `config`, or the store's
`engine` and `blank_engine`) run once per database engine: ids `sqlite` and `postgresql`
(docs/decisions/045-tests-on-both-engines.md).
PostgreSQL is one throwaway server for the whole run, on a Unix socket in a temporary folder;
each test gets its own database, copied from a migrated template, and the apps connect to it
as their own least-privilege roles. `@pytest.mark.engines("sqlite")` keeps a test to some.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.factories import (
    DatabaseUrls,
    InstanceConfigs,
    dispose_all_engines,
    dispose_engines,
    make_configs,
)
from tests.tools import IN_CI, require_tool

ENGINES = ("sqlite", "postgresql")

__all__ = ["IN_CI", "require_tool"]  # older tests import them from here


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "engines(*names): run only on these database engines")
    # Connections a test left in a pool are closed by the server when its database is
    # dropped; psycopg would warn about each when the pool is garbage-collected.
    config.addinivalue_line(
        "filterwarnings",
        "ignore:<psycopg.Connection object at .* was deleted while still open:ResourceWarning",
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "engine_kind" in metafunc.fixturenames:
        marker = metafunc.definition.get_closest_marker("engines")
        names = list(marker.args) if marker else list(ENGINES)
        metafunc.parametrize("engine_kind", names, indirect=True, ids=names)


@pytest.fixture(autouse=True)
def _closed_pools() -> Iterator[None]:
    yield
    dispose_all_engines()


@pytest.fixture
def engine_kind(request: pytest.FixtureRequest) -> str:
    """The database engine this run of the test uses: "sqlite" or "postgresql"."""
    kind: str = request.param
    return kind


@pytest.fixture(scope="session")
def postgres() -> Iterator[object]:
    """The run's throwaway PostgreSQL server with a migrated template database."""
    from tests import postgres as pg

    try:
        pg.bin_dir()
    except pg.PostgresMissing as exc:
        if IN_CI:
            pytest.fail(str(exc))
        pytest.skip(f"{exc}: the PostgreSQL runs are skipped (CI fails instead)")
    with pg.throwaway() as server:
        cluster = pg.TestCluster(server)
        try:
            yield cluster
        finally:
            cluster.close()


@pytest.fixture
def database(request: pytest.FixtureRequest, engine_kind: str) -> Iterator[DatabaseUrls | None]:
    """The test's database: None for a migrated SQLite copy (made by `make_configs`), or a
    fresh PostgreSQL database with a URL per role."""
    if engine_kind == "sqlite":
        yield None
        return
    from store.roles import RoleNames
    from tests import postgres as pg

    cluster: pg.TestCluster = request.getfixturevalue("postgres")
    name = cluster.fresh()
    roles = RoleNames()
    urls = DatabaseUrls(
        owner=cluster.server.url(name),
        source=cluster.server.url(name, roles.source),
        reviewer=cluster.server.url(name, roles.reviewer),
        cli=cluster.server.url(name, roles.jobs),
    )
    try:
        yield urls
    finally:
        dispose_engines(name)
        cluster.drop(name)


@pytest.fixture
def config(tmp_path: Path, database: DatabaseUrls | None) -> InstanceConfigs:
    """A testing instance: a migrated database (SQLite or PostgreSQL) and a store."""
    return make_configs(tmp_path, database=database)
