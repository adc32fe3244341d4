"""Migration 0006 on a populated database: every reply keeps its row, blob and flags, gains
`source_could_not_open` = false, and the downgrade gives the old shape back."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from store.blobs import BlobStore
from store.db import alembic_config, make_engine
from tests.store.test_migration_0004 import _populate, _read


def test_0006_upgrade_and_downgrade_keep_every_reply(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    blobs = BlobStore(tmp_path / "store")
    names = _populate(engine, blobs)
    command.upgrade(config, "0004")
    with engine.begin() as conn:
        conn.execute(text("UPDATE replies SET deleted_by_source = 1"))
    command.upgrade(config, "0006")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, blob_name, deleted_by_source, source_could_not_open FROM replies")
        ).all()
    assert [(r.id, bool(r.deleted_by_source), bool(r.source_could_not_open)) for r in rows] == [
        (1, True, False)
    ]
    assert _read(blobs, rows[0].blob_name) == names[rows[0].blob_name]
    command.downgrade(config, "0005")
    columns = {c["name"] for c in inspect(engine).get_columns("replies")}
    assert "source_could_not_open" not in columns
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM replies")).scalar() == 1
