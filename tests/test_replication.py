"""Past one machine, with PostgreSQL's own streaming replication: tips written through the apps
to a primary show up on a replica made by pg_basebackup -R; when the primary is lost, the
replica is promoted, the apps are pointed at it, and everything carries on with nothing lost
(the same codename signs in and sees its reply, a reviewer sees every tip, a new tip goes in).
The same steps, for operators, are in docs/DEPLOY.md."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import Engine, MetaData, select, text

import journalist_interface
import source_interface
from store.db import make_engine, migrate
from store.models import Submission
from store.roles import RoleNames, apply_roles
from tests import postgres as pg
from tests.conftest import IN_CI
from tests.factories import (
    DatabaseUrls,
    InstanceConfigs,
    add_person,
    case_ids,
    csrf,
    dispose_engines,
    make_configs,
    make_world,
    new_source,
    send_tip,
    sign_in,
    token_of,
)

DATABASE = "westrong"


@pytest.fixture
def primary() -> Iterator[pg.Server]:
    try:
        pg.bin_dir()
    except pg.PostgresMissing as exc:
        if IN_CI:
            pytest.fail(str(exc))
        pytest.skip(str(exc))
    with pg.throwaway() as server:
        server.psql(f"CREATE DATABASE {DATABASE}")
        engine = make_engine(server.url(DATABASE))
        migrate(engine)
        apply_roles(engine)
        engine.dispose()
        yield server


def _urls(server: pg.Server) -> DatabaseUrls:
    roles = RoleNames()
    return DatabaseUrls(
        owner=server.url(DATABASE),
        source=server.url(DATABASE, roles.source),
        reviewer=server.url(DATABASE, roles.reviewer),
        cli=server.url(DATABASE, roles.jobs),
    )


def _pointed_at(configs: InstanceConfigs, server: pg.Server) -> InstanceConfigs:
    """The same instance (secrets, store) with every process's database URL on `server`."""
    return InstanceConfigs({**configs.env, **_urls(server).env()})


def _rows(url: str) -> dict[str, list[tuple[object, ...]]]:
    engine = make_engine(url)
    try:
        meta = MetaData()
        meta.reflect(engine)
        with engine.connect() as conn:
            return {
                t.name: sorted(tuple(r) for r in conn.execute(select(t)))
                for t in meta.sorted_tables
            }
    finally:
        engine.dispose()


def _keys(
    server: pg.Server, table: str, rows: dict[str, list[tuple[object, ...]]]
) -> set[tuple[object, ...]]:
    """The primary keys of a table's rows (reflected on the server)."""
    engine = make_engine(server.url(DATABASE))
    try:
        meta = MetaData()
        meta.reflect(engine, only=[table])
    finally:
        engine.dispose()
    columns = list(meta.tables[table].columns)
    positions = [i for i, c in enumerate(columns) if c.primary_key]
    return {tuple(row[i] for i in positions) for row in rows[table]}


def _caught_up(primary: pg.Server, replica: pg.Server) -> bool:
    sent = primary.psql("SELECT pg_current_wal_lsn()").strip()
    done = replica.psql(f"SELECT pg_last_wal_replay_lsn() >= '{sent}'::pg_lsn").strip()
    return done == "t"


def _log_in(app_client: FlaskClient, codename: str) -> None:
    token = csrf(app_client.get("/login").get_data(as_text=True))
    response = app_client.post("/login", data={"csrf_token": token, "codename": codename})
    assert response.status_code == 303, response.get_data(as_text=True)[:300]


def _reply(world_client: FlaskClient, case: int, message: str) -> None:
    token = token_of(world_client, f"/cases/{case}")
    response = world_client.post(
        f"/cases/{case}/reply", data={"csrf_token": token, "message": message}
    )
    assert response.status_code == 303


def _read_only(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(conn.execute(text("SELECT pg_is_in_recovery()")).scalar_one())


def test_a_replica_takes_over_with_nothing_lost(primary: pg.Server, tmp_path: Path) -> None:
    configs = make_configs(tmp_path, database=_urls(primary))
    replica = primary.replica()
    try:
        world = make_world(configs)  # desks, reviewers, two tips through the source app
        source = world.source_app.test_client()
        codename = new_source(source)
        send_tip(source, "nacc", "ผู้อำนวยการรับเงินใต้โต๊ะ", files=2)
        officer = sign_in(world, "somchai")
        [*_, case] = sorted(case_ids(officer.get("/").get_data(as_text=True)))
        _reply(officer, case, "ได้รับเรื่องแล้ว")

        # The replica follows: every row of every table, read back from the standby.
        pg.wait_for(lambda: _caught_up(primary, replica))
        before = _rows(primary.url(DATABASE))
        assert _rows(replica.url(DATABASE)) == before
        assert len(before["submissions"]) == 2 * 2 + 3  # two tips of make_world, then ours
        standby = make_engine(replica.url(DATABASE))
        assert _read_only(standby)
        standby.dispose()

        # The primary is lost; the replica is promoted; the apps are pointed at it.
        primary.stop()
        replica.promote()
        pg.wait_for(lambda: not replica.in_recovery())
        moved = _pointed_at(configs, replica)
        source_app = source_interface.create_app(moved.source)
        reviewer_app = journalist_interface.create_app(moved.reviewer)
        assert _rows(replica.url(DATABASE)) == before

        # Same codename, same case, same reply; a new tip goes in.
        client = source_app.test_client()
        _log_in(client, codename)
        lookup = client.get("/lookup").get_data(as_text=True)
        assert "ได้รับเรื่องแล้ว" in lookup
        send_tip(client, "nacc", "หลักฐานเพิ่มเติม", files=1)
        world.reviewer_app, world.source_app, world.config = reviewer_app, source_app, moved
        officer = sign_in(world, "somchai", offset=1)  # its last code was used on the primary
        inbox = case_ids(officer.get("/").get_data(as_text=True))
        assert case in inbox
        assert officer.get(f"/cases/{case}").status_code == 200
        after = _rows(replica.url(DATABASE))
        for table in before:  # nothing lost: every row is still there (some were updated)
            assert _keys(replica, table, before) <= _keys(replica, table, after), table
        assert after["submissions"][: len(before["submissions"])] == before["submissions"]
        assert after["replies"] == before["replies"]
        assert after["audit_events"][: len(before["audit_events"])] == before["audit_events"]
        assert len(after["submissions"]) == len(before["submissions"]) + 2
        with moved.session() as s:  # every row still has its blob
            names = s.scalars(select(Submission.blob_name)).all()
        assert names
        assert all(moved.blobs.exists(name) for name in names)
        add_person(world, "new-officer", False, ["nacc"])  # sequences carry on after promotion
    finally:
        dispose_engines(DATABASE)
        replica.remove()
