"""Migration 0012 on a populated database: every membership becomes an officer's, the audit
chain still verifies (old rows have no desk), and the downgrade gives the old shape back."""

import hashlib
import json
from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.orm import Session

from core import audit
from store.db import alembic_config, make_engine
from store.models import AUDIT_GENESIS, AuditEvent


def test_0012_makes_every_member_an_officer_and_keeps_the_chain(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    config = alembic_config(engine)
    command.upgrade(config, "0011")
    with Session(engine) as s, s.begin():
        s.execute(text("INSERT INTO desks (id, slug, name_th, name_en, active) "
                       "VALUES (1, 'nacc', 'ป.ป.ช.', 'NACC', 1)"))  # fmt: skip
        s.execute(text("INSERT INTO reviewers (id, username, passphrase_hash, totp_secret, "
                       "is_admin, active, failed_logins, created_at) VALUES "
                       "(1, 'somchai', 'x', 'y', 0, 1, 0, '2026-01-01 00:00:00')"))  # fmt: skip
        s.execute(text("INSERT INTO reviewer_desks (reviewer_id, desk_id) VALUES (1, 1)"))
    command.upgrade(config, "0012")
    with engine.connect() as conn:
        roles = conn.execute(text("SELECT reviewer_id, desk_id, role FROM reviewer_desks")).all()
    assert [tuple(r) for r in roles] == [(1, 1, "officer")]
    with Session(engine) as s, s.begin():
        audit.record(s, None, audit.Action.DESK_SAVED, detail="nacc")  # no desk: as before
        audit.record(s, None, audit.Action.DESK_SAVED, detail="nacc", desk_id=1)
    with Session(engine) as s:
        old, new = s.query(AuditEvent).order_by(AuditEvent.id).all()
        assert (old.desk_id, new.desk_id) == (None, 1)
        # the row without a desk hashes exactly as the format did before 0012
        before = [audit.FORMAT, AUDIT_GENESIS, audit._moment(old.at), None, None,
                  "desk_saved", None, "nacc"]  # fmt: skip
        canonical = json.dumps(before, ensure_ascii=False, separators=(",", ":"))
        assert old.row_hash == hashlib.sha256(canonical.encode()).hexdigest()
        assert audit.verify(s).intact
        # changing the new row's desk breaks the chain
        event = s.query(AuditEvent).order_by(AuditEvent.id.desc()).first()
        assert event is not None
        event.desk_id = 2
        assert audit.row_hash(old.row_hash, event) != event.row_hash
    command.downgrade(config, "0011")
    assert "role" not in {c["name"] for c in inspect(engine).get_columns("reviewer_desks")}
    assert "desk_id" not in {c["name"] for c in inspect(engine).get_columns("audit_events")}
    with engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM reviewer_desks")).scalar() == 1
        assert conn.execute(text("SELECT count(*) FROM audit_events")).scalar() == 2
