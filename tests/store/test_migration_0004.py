"""Migration 0004 on a populated database (SQLite and PostgreSQL): every source, submission,
reply and blob is still reachable after the upgrade, a misfiled tip gets its own case at its
own desk, and the downgrade brings back the old shape (lossy only where a source has cases at
several desks)."""

import datetime as dt
from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, text

from store.blobs import BlobStore
from store.db import alembic_config

DAY = dt.date(2026, 11, 2)


def _populate(engine: Engine, blobs: BlobStore) -> dict[str, str]:
    """Two desks; source 1 reported to desk 1 and later (misfiled) to desk 2; source 2 is
    pending. Return blob name → what it belongs to."""
    names = {}
    for label in ("s1-msg", "s1-file", "s1-to-desk2", "reply"):
        with blobs.writer() as writer:
            writer.write(label.encode())
            names[writer.commit()] = label
    by_label = {v: k for k, v in names.items()}
    rows = [
        "INSERT INTO desks (id, slug, name_th, name_en, active) VALUES "
        "(1, 'nacc', 'ป.ป.ช.', 'NACC', TRUE), (2, 'uni', 'ศูนย์', 'Centre', TRUE)",
        "INSERT INTO reviewers (id, username, passphrase_hash, totp_secret, is_admin, active, "
        "failed_logins, created_at) VALUES "
        "(1, 'nok', 'h', 's', FALSE, TRUE, 0, '2026-11-01 00:00:00+00')",
        "INSERT INTO sources (id, lookup_id, reply_recipient, designation, pending, created_on, "
        "last_activity_on, desk_id, status, received_on, acknowledge_due_on, acknowledged_on, "
        "feedback_due_on, external_reference, category, province, assignee_id, starred) VALUES "
        "(1, 'L1', 'age1a', 'brave otter', FALSE, '2026-11-01', '2026-11-03', 1, 'acknowledged', "
        "'2026-11-01', '2026-11-08', '2026-11-02', '2027-02-02', 'REF-1', 'bribery', 'TH-10', "
        "1, TRUE), "
        "(2, 'L2', 'age1b', 'quiet heron', TRUE, '2026-11-03', '2026-11-03', NULL, 'received', "
        "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE)",
        "INSERT INTO submissions (id, source_id, desk_id, kind, blob_name, ciphertext_size, "
        "created_on, seen) VALUES "
        f"(1, 1, 1, 'message', '{by_label['s1-msg']}', 6, '2026-11-01', TRUE), "
        f"(2, 1, 1, 'file', '{by_label['s1-file']}', 7, '2026-11-01', FALSE), "
        f"(3, 1, 2, 'message', '{by_label['s1-to-desk2']}', 11, '2026-11-03', FALSE)",
        "INSERT INTO submission_seen (submission_id, reviewer_id) VALUES (1, 1)",
        "INSERT INTO replies (id, source_id, reviewer_id, blob_name, ciphertext_size, "
        f"created_at, deleted_by_source) VALUES (1, 1, 1, '{by_label['reply']}', 5, "
        "'2026-11-02 10:00:00+00', FALSE)",
        "INSERT INTO reviewer_desks (reviewer_id, desk_id) VALUES (1, 1)",
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))  # fixed test data; blob names are ours
    return names


@pytest.fixture
def populated(blank_engine: Engine, tmp_path: Path) -> tuple[Engine, BlobStore, dict[str, str]]:
    engine = blank_engine
    command.upgrade(alembic_config(engine), "0003")
    blobs = BlobStore(tmp_path / "store")
    return engine, blobs, _populate(engine, blobs)


def _read(blobs: BlobStore, name: str) -> str:
    with blobs.open(name) as f:
        return f.read().decode()


def test_upgrade_moves_every_row_and_keeps_every_blob(
    populated: tuple[Engine, BlobStore, dict[str, str]],
) -> None:
    engine, blobs, names = populated
    command.upgrade(alembic_config(engine), "0004")
    with engine.connect() as conn:
        sources = conn.execute(text("SELECT id, lookup_id, pending FROM sources")).all()
        cases = {
            r.desk_id: r
            for r in conn.execute(
                text(
                    "SELECT id, source_id, desk_id, designation, status, assignee_id, "
                    "external_reference, category, starred, received_on, acknowledge_due_on "
                    "FROM cases"
                )
            )
        }
        items = conn.execute(text("SELECT id, case_id, blob_name, seen FROM submissions")).all()
        replies = conn.execute(text("SELECT case_id, blob_name FROM replies")).all()
        seen = conn.execute(text("SELECT submission_id FROM submission_seen")).all()
    assert sorted((s.id, s.lookup_id, bool(s.pending)) for s in sources) == [
        (1, "L1", False),
        (2, "L2", True),
    ]
    own, moved = cases[1], cases[2]
    assert (own.source_id, own.designation, own.status) == (1, "brave otter", "acknowledged")
    assert (own.assignee_id, own.external_reference, own.category, bool(own.starred)) == (
        1,
        "REF-1",
        "bribery",
        True,
    )
    # The misfiled tip: its own case at desk 2, a designation unrelated to the first one.
    assert moved.source_id == 1
    assert moved.status == "received"
    assert "otter" not in moved.designation
    assert str(moved.received_on) == "2026-11-03"
    assert str(moved.acknowledge_due_on) == "2026-11-10"
    case_of = {i.id: i.case_id for i in items}
    assert case_of == {1: own.id, 2: own.id, 3: moved.id}
    assert [r.case_id for r in replies] == [own.id]
    assert [s.submission_id for s in seen] == [1]  # the batch rebuild cascaded nothing
    for item in [*items, *replies]:
        assert _read(blobs, item.blob_name) == names[item.blob_name]
    assert len(items) + len(replies) == len(names)


def test_downgrade_brings_the_old_shape_back(
    populated: tuple[Engine, BlobStore, dict[str, str]],
) -> None:
    engine, blobs, names = populated
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0004")
    command.downgrade(cfg, "0003")
    with engine.connect() as conn:
        source = conn.execute(
            text("SELECT designation, desk_id, status, assignee_id FROM sources WHERE id = 1")
        ).one()
        items = conn.execute(
            text("SELECT id, source_id, desk_id, blob_name FROM submissions ORDER BY id")
        ).all()
        replies = conn.execute(text("SELECT source_id, blob_name FROM replies")).all()
    assert tuple(source) == ("brave otter", 1, "acknowledged", 1)
    # Lossy but nothing lost: the desk-2 tip keeps its desk, only its case's fields go.
    assert [(i.id, i.source_id, i.desk_id) for i in items] == [(1, 1, 1), (2, 1, 1), (3, 1, 2)]
    assert [r.source_id for r in replies] == [1]
    for item in [*items, *replies]:
        assert _read(blobs, item.blob_name) == names[item.blob_name]
