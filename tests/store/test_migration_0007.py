"""Migration 0007 on a populated database: rows and blobs stay, closed cases get their closing
day (what retention counted from before), hashes start empty, and the downgrade goes back."""

from pathlib import Path

from alembic import command
from sqlalchemy import text

from store.blobs import BlobStore
from store.db import alembic_config, make_engine


def test_upgrade_keeps_rows_and_dates_closed_cases_then_downgrades(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0004")
    blobs = BlobStore(tmp_path / "store")
    with blobs.writer() as writer:
        writer.write(b"ciphertext")
        name = writer.commit()
    rows = [
        "INSERT INTO desks (id, slug, name_th, name_en, active) VALUES (1, 'nacc', 'a', 'b', 1), "
        "(2, 'uni', 'c', 'd', 1)",
        "INSERT INTO sources (id, lookup_id, reply_recipient, pending, created_on, "
        "last_activity_on) VALUES (1, 'L1', 'age1a', 0, '2025-01-01', '2025-01-05')",
        "INSERT INTO cases (id, source_id, desk_id, designation, last_activity_on, status, "
        "received_on, starred) VALUES (1, 1, 1, 'brave otter', '2025-01-05', 'closed', "
        "'2025-01-01', 0), (2, 1, 2, 'quiet heron', '2025-02-01', 'triage', '2025-02-01', 0)",
        "INSERT INTO submissions (id, case_id, kind, blob_name, ciphertext_size, created_on, "
        f"seen) VALUES (1, 1, 'message', '{name}', 10, '2025-01-01', 1)",
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))  # fixed test data
    command.upgrade(cfg, "0007")
    with engine.connect() as conn:
        cases = conn.execute(text("SELECT id, closed_on, hold_reason FROM cases ORDER BY id")).all()
        item = conn.execute(
            text("SELECT blob_name, ciphertext_size, ciphertext_sha256 FROM submissions")
        ).one()
        queue = conn.execute(text("SELECT count(*) FROM pending_deletions")).scalar()
    assert [(c.id, str(c.closed_on) if c.closed_on else None, c.hold_reason) for c in cases] == [
        (1, "2025-01-05", None),
        (2, None, None),
    ]
    assert tuple(item) == (name, 10, None)
    assert queue == 0
    assert blobs.exists(name)
    command.downgrade(cfg, "0006")
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM submissions")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 2
