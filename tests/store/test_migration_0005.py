"""Migration 0005 on a populated database: cases get audit references, the audit log names
cases by them (a deleted case's rows name nothing), keeps actors, gets a valid hash chain and
refuses changes; the downgrade brings the old shape back."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic import command
from sqlalchemy import Engine, inspect, text
from sqlalchemy.exc import DBAPIError

from core import audit
from store.db import alembic_config, make_engine, session_factory


def _populate(engine: Engine) -> None:
    rows = [
        "INSERT INTO desks (id, slug, name_th, name_en, active) "
        "VALUES (1, 'nacc', 'ป.ป.ช.', 'NACC', 1)",
        "INSERT INTO reviewers (id, username, passphrase_hash, totp_secret, is_admin, active, "
        "failed_logins, created_at) VALUES (1, 'nok', 'h', 'JBSWY3DPEHPK3PXP', 0, 1, 0, "
        "'2026-11-01 00:00:00')",
        "INSERT INTO reviewer_desks (reviewer_id, desk_id) VALUES (1, 1)",
        "INSERT INTO sources (id, lookup_id, reply_recipient, pending, created_on, "
        "last_activity_on) VALUES (1, 'L1', 'age1a', 0, '2026-11-01', '2026-11-01')",
        "INSERT INTO cases (id, source_id, desk_id, designation, last_activity_on, status, "
        "received_on, starred) VALUES (1, 1, 1, 'brave otter', '2026-11-01', 'received', "
        "'2026-11-01', 0)",
        "INSERT INTO audit_events (id, at, reviewer_id, action, case_designation, detail) VALUES "
        "(1, '2026-11-01 10:00:00.000000', 1, 'status', 'brave otter', 'received -> triage'), "
        "(2, '2026-11-01 11:00:00.000000', 1, 'export', 'gone heron', '2 items'), "
        "(3, '2026-11-01 12:00:00.000000', NULL, 'delete_source', 'gone heron', 'retention'), "
        "(4, '2026-11-01 13:00:00.000000', NULL, 'login_failed', NULL, 'unknown account')",
    ]
    with engine.begin() as conn:
        for statement in rows:
            conn.execute(text(statement))


@pytest.fixture
def populated(tmp_path: Path) -> Engine:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    command.upgrade(alembic_config(engine), "0004")
    _populate(engine)
    return engine


def test_upgrade_names_cases_by_reference_and_chains_the_log(populated: Engine) -> None:
    command.upgrade(alembic_config(populated), "0005")
    with populated.connect() as conn:
        ref = conn.execute(text("SELECT audit_ref FROM cases")).scalar_one()
        events = conn.execute(
            text("SELECT id, actor, reviewer_id, case_ref, detail FROM audit_events ORDER BY id")
        ).all()
    assert len(ref) == 16
    assert "desk_key_notices" in inspect(populated).get_table_names()
    assert [(e.id, e.actor, e.reviewer_id) for e in events] == [
        (1, "nok", 1),
        (2, "nok", 1),
        (3, None, None),
        (4, None, None),
    ]
    assert events[0].case_ref == ref
    # The deleted case's two rows still group, under a reference that names nothing.
    assert events[1].case_ref == events[2].case_ref
    assert events[1].case_ref not in (None, ref)
    assert events[3].case_ref is None
    # Today's code reads today's schema: the chain made by 0005 verifies after every later
    # migration (0012 added a column that the hash covers only where it is set).
    command.upgrade(alembic_config(populated), "head")
    with session_factory(populated)() as session:
        report = audit.verify(session)
    assert (report.intact, report.rows) == (True, 4)
    with pytest.raises(DBAPIError, match="append-only"), populated.begin() as conn:
        conn.execute(text("UPDATE audit_events SET detail = '' WHERE id = 1"))
    with session_factory(populated)() as session, session.begin():
        audit.record(session, None, audit.Action.PURGE, detail="after the upgrade")
    with session_factory(populated)() as session:
        assert audit.verify(session).rows == 5


def test_downgrade_brings_the_old_shape_back(populated: Engine) -> None:
    cfg = alembic_config(populated)
    command.upgrade(cfg, "0005")
    command.downgrade(cfg, "0004")
    with populated.connect() as conn:
        events = conn.execute(
            text("SELECT id, reviewer_id, case_designation FROM audit_events ORDER BY id")
        ).all()
        conn.execute(text("UPDATE audit_events SET detail = '' WHERE id = 4"))  # no trigger
    assert [tuple(e) for e in events] == [
        (1, 1, "brave otter"),
        (2, 1, None),  # a deleted case's name is not brought back: the upgrade forgot it
        (3, None, None),
        (4, None, None),
    ]
    tables = inspect(populated).get_table_names()
    assert "audit_head" not in tables
    assert "desk_key_notices" not in tables
    assert "audit_ref" not in {c["name"] for c in inspect(populated).get_columns("cases")}
    foreign = inspect(populated).get_foreign_keys("audit_events")
    assert [f["referred_table"] for f in foreign] == ["reviewers"]
