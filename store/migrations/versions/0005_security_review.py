"""security review (issue 9): audit references instead of designations

Revision ID: 0005
Revises: 0004

Upgrade: every case gets a random audit reference, and the audit log names cases by it instead
of their designation (rows of a case already deleted get one random reference per former
designation, so they still group but name nothing).

Downgrade: the audit log gets designations back for the cases that still exist; rows of
deleted cases keep no name (as before, nothing is lost that the upgrade kept).
"""

import secrets
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _ref() -> str:
    return secrets.token_hex(8)


def upgrade() -> None:
    """Apply every schema change of the security review."""
    _upgrade_audit_refs()


def downgrade() -> None:
    """Undo them, in the reverse order."""
    _downgrade_audit_refs()


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
