"""Migration 0010 on a populated database: the first-feedback and closing days are filled in
from the audit log and the replies (reviewers' actions only), the monthly statistics table
appears, and the downgrade gives back 0004's shape with every case intact."""

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text

from store.db import alembic_config, make_engine

ROWS = [
    "INSERT INTO desks (id, slug, name_th, name_en, active) "
    "VALUES (1, 'nacc', 'ป.ป.ช.', 'NACC', 1)",
    "INSERT INTO reviewers (id, username, passphrase_hash, totp_secret, is_admin, active, "
    "failed_logins, created_at) VALUES (1, 'nok', 'h', 's', 0, 1, 0, '2026-10-01 00:00:00')",
    "INSERT INTO sources (id, lookup_id, reply_recipient, pending, created_on, last_activity_on) "
    "VALUES (1, 'L1', 'age1a', 0, '2026-10-01', '2026-10-01'), "
    "(2, 'L2', 'age1b', 0, '2026-10-02', '2026-10-02'), "
    "(3, 'L3', 'age1c', 0, '2026-10-03', '2026-10-03')",
    # 1: acknowledged, replied to (a reply before acknowledgement does not count), concluded
    # then closed; 2: acknowledged and referred; 3: received only.
    "INSERT INTO cases (id, source_id, desk_id, designation, last_activity_on, status, "
    "received_on, acknowledge_due_on, acknowledged_on, feedback_due_on, conclusion, "
    "external_reference, starred) VALUES "
    "(1, 1, 1, 'brave otter', '2026-10-01', 'closed', '2026-10-01', '2026-10-08', "
    "'2026-10-03', '2027-01-03', 'substantiated', NULL, 0), "
    "(2, 2, 1, 'quiet heron', '2026-10-02', 'referred', '2026-10-02', '2026-10-09', "
    "'2026-10-04', '2027-01-04', NULL, 'REF-9', 0), "
    "(3, 3, 1, 'green lotus', '2026-10-03', 'received', '2026-10-03', '2026-10-10', "
    "NULL, NULL, NULL, NULL, 0)",
    "INSERT INTO replies (id, case_id, reviewer_id, blob_name, ciphertext_size, created_at, "
    "deleted_by_source) VALUES (1, 1, 1, 'b1', 5, '2026-10-02 09:00:00', 0), "
    "(2, 1, 1, 'b2', 5, '2026-10-20 09:00:00', 0)",
    "INSERT INTO audit_events (id, at, reviewer_id, action, case_designation, detail) VALUES "
    "(1, '2026-10-03 08:00:00', 1, 'status', 'brave otter', 'received -> acknowledged'), "
    "(2, '2026-11-05 08:00:00', 1, 'status', 'brave otter', 'investigating -> concluded'), "
    "(3, '2026-11-09 08:00:00', 1, 'status', 'brave otter', 'concluded -> closed'), "
    "(4, '2026-10-04 08:00:00', 1, 'status', 'quiet heron', 'received -> acknowledged'), "
    "(5, '2026-10-11 08:00:00', 1, 'status', 'quiet heron', 'triage -> referred')",
]


@pytest.fixture
def populated(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    command.upgrade(alembic_config(engine), "0004")
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))  # fixed test data
    return engine


def test_upgrade_fills_in_the_workflow_days_from_reviewers_actions(populated: Engine) -> None:
    command.upgrade(alembic_config(populated), "0010")
    with populated.connect() as conn:
        rows = {
            r.id: (r.first_feedback_on, r.closed_on, r.status)
            for r in conn.execute(
                text("SELECT id, first_feedback_on, closed_on, status FROM cases")
            )
        }
        assert conn.execute(text("SELECT count(*) FROM monthly_statistics")).scalar() == 0
    # The closing day is the first end status of the last stretch: concluded on 11-05.
    assert rows[1] == ("2026-10-20", "2026-11-05", "closed")
    assert rows[2] == ("2026-10-11", None, "referred")
    assert rows[3] == (None, None, "received")


def test_downgrade_gives_back_0004(populated: Engine) -> None:
    config = alembic_config(populated)
    command.upgrade(config, "0010")
    command.downgrade(config, "0004")
    columns = {c["name"] for c in inspect(populated).get_columns("cases")}
    assert "first_feedback_on" not in columns
    assert "closed_on" not in columns
    assert "monthly_statistics" not in inspect(populated).get_table_names()
    with populated.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM cases")).scalar() == 3
