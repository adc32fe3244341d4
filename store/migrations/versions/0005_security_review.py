"""security review (issue 9): audit references, an append-only chained audit log

Revision ID: 0005
Revises: 0004

Upgrade:
- every case gets a random audit reference, and the audit log names cases by it instead of
  their designation (rows of a case already deleted get one random reference per former
  designation, so they still group but name nothing);
- the audit log keeps the actor's username (filled from the reviewers that still exist), loses
  its foreign key to reviewers (deleting one must not touch the log), gets the hash chain over
  the existing rows and its head row, and triggers that refuse UPDATE and DELETE (and, on
  PostgreSQL, TRUNCATE);
- `desk_key_notices`: a desk's recipients change, waiting for each member's acknowledgement;
- `reviewers.totp_secret` widens to hold a sealed secret. The migration cannot seal existing
  secrets itself (it has no key): `manage.py migrate` seals them right after, with the
  command line's `totp_public_key`.

A later migration that rebuilds `audit_events` in SQLite's batch mode drops its triggers with
the old table: it must create them again (tests/store/test_audit_log.py checks them at head).

Downgrade refuses while any TOTP secret is sealed (only the reviewer interface could open
it; reset those reviewers' 2FA on the old version instead). Otherwise: the notices go (the
changes stay in the audit log); the triggers, the chain and the actor column go; the audit
log gets designations back for the cases that still exist; rows of deleted cases keep no name.
"""

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Sequence
from types import SimpleNamespace
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref() -> str:
    return secrets.token_hex(8)


GENESIS = "0" * 64
APPEND_ONLY = "audit_events is append-only"

SQLITE_TRIGGERS = {
    "audit_events_no_update": "BEFORE UPDATE",
    "audit_events_no_delete": "BEFORE DELETE",
}
POSTGRESQL_FUNCTION = f"""
CREATE FUNCTION audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '{APPEND_ONLY}' USING ERRCODE = 'insufficient_privilege';
END
$$
"""
POSTGRESQL_TRIGGERS = {
    "audit_events_no_change": "BEFORE UPDATE OR DELETE ON audit_events FOR EACH ROW",
    "audit_events_no_truncate": "BEFORE TRUNCATE ON audit_events FOR EACH STATEMENT",
}


def upgrade() -> None:
    """Apply every schema change of the security review."""
    _upgrade_audit_refs()
    _upgrade_audit_chain()
    _upgrade_desk_notices()
    with op.batch_alter_table("reviewers") as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=64), type_=sa.String(length=200)
        )


def downgrade() -> None:
    """Undo them, in the reverse order."""
    reviewers = sa.table("reviewers", sa.column("totp_secret"))
    sealed = sa.select(sa.func.count()).where(reviewers.c.totp_secret.like("totp1:%"))
    if op.get_bind().execute(sealed).scalar():
        raise RuntimeError("sealed TOTP secrets cannot go back to the clear (see the docstring)")
    with op.batch_alter_table("reviewers") as batch_op:
        batch_op.alter_column(
            "totp_secret", existing_type=sa.String(length=200), type_=sa.String(length=64)
        )
    _downgrade_desk_notices()
    _downgrade_audit_chain()
    _downgrade_audit_refs()


def _moment(at: dt.datetime) -> str:
    utc = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _row_hash(previous: str, row: Any) -> str:
    """A frozen copy of core.audit.row_hash (a migration must not change with the code)."""
    content = [
        "westrong-audit-v1",
        previous,
        _moment(row.at),
        row.reviewer_id,
        row.actor,
        row.action,
        row.case_ref,
        row.detail,
    ]
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _upgrade_audit_chain() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_constraint("fk_audit_events_reviewer_id_reviewers", type_="foreignkey")
        batch_op.add_column(sa.Column("actor", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("row_hash", sa.String(length=64), nullable=True))
    reviewers = sa.table("reviewers", sa.column("id"), sa.column("username"))
    names = dict(conn.execute(sa.select(reviewers.c.id, reviewers.c.username)).tuples().all())
    events = sa.table(
        "audit_events",
        sa.column("id"),
        sa.column("at", sa.DateTime(timezone=True)),
        sa.column("reviewer_id"),
        sa.column("actor"),
        sa.column("action"),
        sa.column("case_ref"),
        sa.column("detail"),
        sa.column("row_hash"),
    )
    previous, count = GENESIS, 0
    for row in conn.execute(sa.select(events).order_by(events.c.id)).all():
        actor = names.get(row.reviewer_id) if row.reviewer_id is not None else None
        filled = SimpleNamespace(**{**row._asdict(), "actor": actor, "detail": row.detail or ""})
        previous, count = _row_hash(previous, filled), count + 1
        conn.execute(
            events.update()
            .where(events.c.id == row.id)
            .values(actor=actor, detail=filled.detail, row_hash=previous)
        )
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.alter_column("row_hash", existing_type=sa.String(length=64), nullable=False)
    head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("rows", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    op.bulk_insert(head, [{"id": 1, "rows": count, "last_hash": previous}])
    if conn.dialect.name == "postgresql":
        op.execute(POSTGRESQL_FUNCTION)
        for name, when in POSTGRESQL_TRIGGERS.items():
            op.execute(f"CREATE TRIGGER {name} {when} EXECUTE FUNCTION audit_events_append_only()")
    else:
        for name, when in SQLITE_TRIGGERS.items():
            op.execute(
                f"CREATE TRIGGER {name} {when} ON audit_events "
                f"BEGIN SELECT RAISE(ABORT, '{APPEND_ONLY}'); END"
            )


def _downgrade_audit_chain() -> None:
    conn = op.get_bind()
    if conn.dialect.name == "postgresql":
        for name in POSTGRESQL_TRIGGERS:
            op.execute(f"DROP TRIGGER {name} ON audit_events")
        op.execute("DROP FUNCTION audit_events_append_only()")
    else:
        for name in SQLITE_TRIGGERS:
            op.execute(f"DROP TRIGGER {name}")
    op.drop_table("audit_head")
    reviewers = sa.table("reviewers", sa.column("id"))
    events = sa.table("audit_events", sa.column("reviewer_id"))
    # The old foreign key needs every reviewer_id to name a reviewer that still exists.
    gone = events.c.reviewer_id.not_in(sa.select(reviewers.c.id))
    conn.execute(events.update().where(gone).values(reviewer_id=None))
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("row_hash")
        batch_op.drop_column("actor")
        batch_op.create_foreign_key(
            "fk_audit_events_reviewer_id_reviewers",
            "reviewers",
            ["reviewer_id"],
            ["id"],
            ondelete="SET NULL",
        )


def _upgrade_audit_refs() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("cases") as batch_op:
        batch_op.add_column(sa.Column("audit_ref", sa.String(length=32), nullable=True))
    cases = sa.table("cases", sa.column("id"), sa.column("designation"), sa.column("audit_ref"))
    ref_of: dict[str, str] = {}
    for row in conn.execute(sa.select(cases.c.id, cases.c.designation)).all():
        ref_of[row.designation] = _ref()
        conn.execute(
            cases.update().where(cases.c.id == row.id).values(audit_ref=ref_of[row.designation])
        )
    with op.batch_alter_table("cases") as batch_op:
        batch_op.alter_column("audit_ref", existing_type=sa.String(length=32), nullable=False)
        batch_op.create_unique_constraint(op.f("uq_cases_audit_ref"), ["audit_ref"])
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.add_column(sa.Column("case_ref", sa.String(length=32), nullable=True))
    events = sa.table(
        "audit_events", sa.column("id"), sa.column("case_designation"), sa.column("case_ref")
    )
    named = sa.select(events.c.id, events.c.case_designation).where(
        events.c.case_designation.is_not(None)
    )
    for row in conn.execute(named).all():
        ref = ref_of.setdefault(row.case_designation, _ref())  # a deleted case: random
        conn.execute(events.update().where(events.c.id == row.id).values(case_ref=ref))
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("case_designation")
        batch_op.create_index(op.f("ix_audit_events_case_ref"), ["case_ref"], unique=False)


def _downgrade_audit_refs() -> None:
    conn = op.get_bind()
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_index(op.f("ix_audit_events_case_ref"))
        batch_op.add_column(sa.Column("case_designation", sa.String(length=100), nullable=True))
    cases = sa.table("cases", sa.column("designation"), sa.column("audit_ref"))
    events = sa.table("audit_events", sa.column("case_designation"), sa.column("case_ref"))
    for row in conn.execute(sa.select(cases.c.designation, cases.c.audit_ref)).all():
        conn.execute(
            events.update()
            .where(events.c.case_ref == row.audit_ref)
            .values(case_designation=row.designation)
        )
    with op.batch_alter_table("audit_events") as batch_op:
        batch_op.drop_column("case_ref")
    with op.batch_alter_table("cases") as batch_op:
        batch_op.drop_constraint(op.f("uq_cases_audit_ref"), type_="unique")
        batch_op.drop_column("audit_ref")


def _upgrade_desk_notices() -> None:
    op.create_table(
        "desk_key_notices",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("desk_id", sa.Integer(), nullable=False),
        sa.Column("changed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("changed_by", sa.String(length=64), nullable=True),
        sa.Column("old_fingerprints", sa.Text(), nullable=False),
        sa.Column("new_fingerprints", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["reviewer_id"],
            ["reviewers.id"],
            name=op.f("fk_desk_key_notices_reviewer_id_reviewers"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["desk_id"],
            ["desks.id"],
            name=op.f("fk_desk_key_notices_desk_id_desks"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_desk_key_notices")),
    )
    op.create_index(
        op.f("ix_desk_key_notices_reviewer_id"), "desk_key_notices", ["reviewer_id"], unique=False
    )


def _downgrade_desk_notices() -> None:
    op.drop_index(op.f("ix_desk_key_notices_reviewer_id"), table_name="desk_key_notices")
    op.drop_table("desk_key_notices")
