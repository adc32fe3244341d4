"""Migration 0014 on a populated database: every case keeps its row, with no authorship key
(it is set at the source's next sign-in, decision 095); the downgrade gives the old shape."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from store.blobs import BlobStore
from store.db import alembic_config, make_engine
from tests.store.test_migration_0004 import _populate


def test_0014_upgrade_and_downgrade_keep_every_case(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    _populate(engine, BlobStore(tmp_path / "store"))
    command.upgrade(config, "0013")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, designation FROM cases")).all()
    assert before
    command.upgrade(config, "0014")
    with engine.connect() as conn:
        cases = conn.execute(
            text(
                "SELECT id, designation, authorship_key, authorship_salt, authorship_challenge,"
                " authorship_proven_on FROM cases"
            )
        ).all()
    assert [(c.id, c.designation) for c in cases] == [tuple(c) for c in before]
    assert all(c[2:] == (None, None, None, None) for c in cases)
    command.downgrade(config, "0013")
    columns = {c["name"] for c in inspect(engine).get_columns("cases")}
    assert not columns & {"authorship_key", "authorship_salt", "authorship_challenge"}
    engine.dispose()
