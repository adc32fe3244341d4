"""Migration 0013 on a populated database: every reviewer keeps their row, with no digest
address and Thai as the digest's language; every case without a file number of the desk's
own; the downgrade gives the old shape back."""

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from store.blobs import BlobStore
from store.db import alembic_config, make_engine
from tests.store.test_migration_0004 import _populate


def test_0013_upgrade_and_downgrade_keep_every_reviewer(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0003")
    _populate(engine, BlobStore(tmp_path / "store"))
    command.upgrade(config, "0012")
    with engine.connect() as conn:
        before = conn.execute(text("SELECT id, username FROM reviewers ORDER BY id")).all()
    assert before
    command.upgrade(config, "0013")
    with engine.connect() as conn:
        rows = conn.execute(
            text("SELECT id, username, email, digest_language, digest_through FROM reviewers")
        ).all()
    assert [(r.id, r.username) for r in rows] == [tuple(r) for r in before]
    assert all((r.email, r.digest_language, r.digest_through) == (None, "th", None) for r in rows)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases WHERE file_number IS NULL")).scalar()
    command.downgrade(config, "0012")
    assert "email" not in {c["name"] for c in inspect(engine).get_columns("reviewers")}
    assert "file_number" not in {c["name"] for c in inspect(engine).get_columns("cases")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reviewers")).scalar() == len(before)
