"""statistics: the first-feedback and closing days of a case, and the stored monthly tables

Revision ID: 0010
Revises: 0007

Adds `cases.first_feedback_on`, fills `cases.closed_on` (0007) (reviewer-written workflow dates the
desk metrics and the public statistics measure) and `monthly_statistics` (one closed month's
published figures, computed once). Existing cases are back-filled from what the database
already records about reviewers' actions: the audit log's status changes (their day) and the
replies' days. Nothing a source wrote is read. Downgrade drops the two columns and the table.
"""

import datetime as dt
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

ENDS = ("concluded", "closed")
FEEDBACK_MOVES = ("referred", "concluded", "closed")


def _day(value: object) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return dt.date.fromisoformat(str(value)[:10])


def upgrade() -> None:
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("first_feedback_on", sa.Date(), nullable=True))
    op.create_table(
        "monthly_statistics",
        sa.Column("month", sa.String(length=7), nullable=False),
        sa.Column("computed_on", sa.Date(), nullable=False),
        sa.Column("k", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("month", name=op.f("pk_monthly_statistics")),
    )
    _backfill()


def _backfill() -> None:
    conn = op.get_bind()
    cases = conn.execute(sa.text("SELECT id, audit_ref, status, acknowledged_on FROM cases")).all()
    moves: dict[str, list[tuple[dt.date, str]]] = {}
    for row in conn.execute(
        sa.text(
            "SELECT case_ref, at, detail FROM audit_events "
            "WHERE action = 'status' AND case_ref IS NOT NULL ORDER BY at, id"
        )
    ):
        new = str(row.detail).rsplit("-> ", 1)[-1].strip()
        moves.setdefault(row.case_ref, []).append((_day(row.at), new))
    replied: dict[int, list[dt.date]] = {}
    for row in conn.execute(sa.text("SELECT case_id, created_at FROM replies")):
        replied.setdefault(row.case_id, []).append(_day(row.created_at))
    for case in cases:
        history = moves.get(case.audit_ref, [])
        closed = None  # as the workflow keeps it: the first end status since a reopening
        for day, new in history:
            if new in ENDS and closed is None:
                closed = day
            elif new not in ENDS:
                closed = None
        if case.status not in ENDS:
            closed = None
        candidates = [day for day, new in history if new in FEEDBACK_MOVES]
        if case.acknowledged_on is not None:
            acknowledged = _day(case.acknowledged_on)
            candidates += [d for d in replied.get(case.id, []) if d >= acknowledged]
        feedback = min(candidates) if candidates and case.acknowledged_on is not None else None
        if closed is not None or feedback is not None:
            conn.execute(
                sa.text("UPDATE cases SET closed_on = :c, first_feedback_on = :f WHERE id = :i"),
                {"c": closed, "f": feedback, "i": case.id},
            )


def downgrade() -> None:
    op.drop_table("monthly_statistics")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("first_feedback_on")
