"""Migration 0011 on a populated database: every case and reply keeps its rows and blobs;
old cases get no reply key of their own (they keep the source's), old replies no source copy;
the downgrade gives the old shape back."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from store.blobs import BlobStore
from store.db import alembic_config, make_engine
from tests.store.test_migration_0004 import _populate, _read


def test_0011_upgrade_and_downgrade_keep_every_case_and_reply(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    blobs = BlobStore(tmp_path / "store")
    names = _populate(engine, blobs)
    command.upgrade(config, "0004")
    with engine.connect() as conn:
        before_cases = conn.execute(text("SELECT id, designation FROM cases")).all()
        before_replies = conn.execute(text("SELECT id, blob_name FROM replies")).all()
    assert before_cases
    assert before_replies
    command.upgrade(config, "0011")
    with engine.connect() as conn:
        cases = conn.execute(
            text("SELECT id, designation, reply_recipient, reply_salt FROM cases")
        ).all()
        replies = conn.execute(text("SELECT id, blob_name, source_blob_name FROM replies")).all()
    assert [(c.id, c.designation) for c in cases] == [tuple(c) for c in before_cases]
    assert all(c.reply_recipient is None and c.reply_salt is None for c in cases)
    assert [(r.id, r.blob_name) for r in replies] == [tuple(r) for r in before_replies]
    assert all(r.source_blob_name is None for r in replies)
    for reply in replies:
        assert _read(blobs, reply.blob_name) == names[reply.blob_name]
    command.downgrade(config, "0004")
    assert "source_blob_name" not in {c["name"] for c in inspect(engine).get_columns("replies")}
    assert "reply_salt" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM replies")).scalar() == len(replies)
