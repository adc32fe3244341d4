"""cases per desk: a source is the codename identity, a case is one source at one desk

Revision ID: 0004
Revises: 0003

Upgrade: every (source, desk) pair that has submissions, and every non-pending source's own
desk, becomes a case. The case at the source's own desk keeps the source's designation and
workflow; a case made from tips that the old model misfiled under another desk's case gets a
fresh random designation (never derived from the first one, so the two desks cannot link them)
and starts at "received" with its own 7-day clock. Submissions and replies keep their blobs.

Downgrade is lossy where a source has cases at several desks: the source takes its first case's
designation and workflow; the other cases' submissions stay with the source (with their desk),
but their designations and workflow fields are dropped.
"""

import datetime as dt
import secrets
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

STATUS = sa.Enum(
    "received",
    "acknowledged",
    "triage",
    "assessment",
    "referred",
    "investigating",
    "concluded",
    "closed",
    name="casestatus",
    native_enum=False,
    length=32,
)
CONCLUSION = sa.Enum(
    "substantiated",
    "unsubstantiated",
    "out_of_scope",
    "insufficient_information",
    name="conclusion",
    native_enum=False,
    length=32,
)
WORKFLOW = (
    "status",
    "received_on",
    "acknowledge_due_on",
    "acknowledged_on",
    "feedback_due_on",
    "conclusion",
    "external_reference",
    "category",
    "province",
    "assignee_id",
    "starred",
)


def _date(value: object) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def upgrade() -> None:
    op.create_table(
        "cases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source_id", sa.Integer(), nullable=False),
        sa.Column("desk_id", sa.Integer(), nullable=False),
        sa.Column("designation", sa.String(length=100), nullable=False),
        sa.Column("last_activity_on", sa.Date(), nullable=False),
        sa.Column("status", STATUS, nullable=False),
        sa.Column("received_on", sa.Date(), nullable=False),
        sa.Column("acknowledge_due_on", sa.Date(), nullable=True),
        sa.Column("acknowledged_on", sa.Date(), nullable=True),
        sa.Column("feedback_due_on", sa.Date(), nullable=True),
        sa.Column("conclusion", CONCLUSION, nullable=True),
        sa.Column("external_reference", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=64), nullable=True),
        sa.Column("province", sa.String(length=64), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("starred", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"],
            ["reviewers.id"],
            name=op.f("fk_cases_assignee_id_reviewers"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["desk_id"], ["desks.id"], name=op.f("fk_cases_desk_id_desks"), ondelete="RESTRICT"
        ),
        sa.ForeignKeyConstraint(
            ["source_id"],
            ["sources.id"],
            name=op.f("fk_cases_source_id_sources"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_cases")),
        sa.UniqueConstraint("designation", name=op.f("uq_cases_designation")),
        sa.UniqueConstraint("source_id", "desk_id", name="uq_cases_source_desk"),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_cases_acknowledge_due_on"), ["acknowledge_due_on"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_cases_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index("ix_cases_desk_status", ["desk_id", "status"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_cases_feedback_due_on"), ["feedback_due_on"], unique=False
        )
        batch_op.create_index("ix_cases_last_activity", ["last_activity_on"], unique=False)
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("case_id", sa.Integer(), nullable=True))

    _move_data_up()

    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_source_seen")
        batch_op.drop_index(batch_op.f("ix_submissions_source_id"))
        batch_op.drop_constraint("fk_submissions_source_id_sources", type_="foreignkey")
        batch_op.drop_constraint("fk_submissions_desk_id_desks", type_="foreignkey")
        batch_op.drop_column("source_id")
        batch_op.drop_column("desk_id")
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_submissions_case_id_cases"), "cases", ["case_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_submissions_case_id"), ["case_id"], unique=False)
        batch_op.create_index("ix_submissions_case_seen", ["case_id", "seen"], unique=False)
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replies_source_id"))
        batch_op.drop_constraint("fk_replies_source_id_sources", type_="foreignkey")
        batch_op.drop_column("source_id")
        batch_op.alter_column("case_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_replies_case_id_cases"), "cases", ["case_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_index(batch_op.f("ix_replies_case_id"), ["case_id"], unique=False)
    with op.batch_alter_table("sources", schema=None) as batch_op:
        for index in ("acknowledge_due_on", "assignee_id", "feedback_due_on"):
            batch_op.drop_index(batch_op.f(f"ix_sources_{index}"))
        batch_op.drop_index("ix_sources_desk_status")
        batch_op.drop_index("ix_sources_last_activity")
        batch_op.drop_constraint("fk_sources_assignee_id_reviewers", type_="foreignkey")
        batch_op.drop_constraint("fk_sources_desk_id_desks", type_="foreignkey")
        batch_op.drop_constraint("uq_sources_designation", type_="unique")
        for column in ("designation", "desk_id", *WORKFLOW):
            batch_op.drop_column(column)
        batch_op.create_index(
            batch_op.f("ix_sources_last_activity_on"), ["last_activity_on"], unique=False
        )


def _tables() -> tuple[sa.Table, sa.Table, sa.Table, sa.Table]:
    meta = sa.MetaData()
    sources = sa.Table("sources", meta, autoload_with=op.get_bind())
    cases = sa.Table("cases", meta, autoload_with=op.get_bind())
    submissions = sa.Table("submissions", meta, autoload_with=op.get_bind())
    replies = sa.Table("replies", meta, autoload_with=op.get_bind())
    return sources, cases, submissions, replies


def _move_data_up() -> None:
    conn = op.get_bind()
    sources, cases, submissions, replies = _tables()
    taken = {row.designation for row in conn.execute(sa.select(sources.c.designation))}
    filed = conn.execute(
        sa.select(
            submissions.c.source_id,
            submissions.c.desk_id,
            sa.func.min(submissions.c.created_on).label("first"),
            sa.func.max(submissions.c.created_on).label("last"),
        ).group_by(submissions.c.source_id, submissions.c.desk_id)
    ).all()
    by_source = {row.id: row for row in conn.execute(sa.select(sources))}
    pairs = {(r.source_id, r.desk_id): (r.first, r.last) for r in filed}
    for source in by_source.values():
        if not source.pending and source.desk_id is not None:
            day = source.received_on or source.created_on
            pairs.setdefault((source.id, source.desk_id), (day, source.last_activity_on))
    for (source_id, desk_id), (first, last) in sorted(pairs.items()):
        source = by_source[source_id]
        row: dict[str, object] = {"source_id": source_id, "desk_id": desk_id}
        if desk_id == source.desk_id:
            row.update({c: getattr(source, c) for c in WORKFLOW})
            row["designation"] = source.designation
            row["received_on"] = source.received_on or _date(first)
            row["last_activity_on"] = source.last_activity_on
        else:  # misfiled by the old model: its own new case at the desk it was sent to
            designation = f"moved-{secrets.token_hex(4)}"
            while designation in taken:
                designation = f"moved-{secrets.token_hex(4)}"
            taken.add(designation)
            received = _date(first)
            row.update(
                designation=designation,
                status="received",
                received_on=received,
                acknowledge_due_on=received + dt.timedelta(days=7),
                last_activity_on=_date(last),
                starred=False,
            )
        conn.execute(cases.insert().values(**row))
    case_of = {
        (r.source_id, r.desk_id): r.id
        for r in conn.execute(sa.select(cases.c.id, cases.c.source_id, cases.c.desk_id))
    }
    for (source_id, desk_id), case_id in case_of.items():
        conn.execute(
            submissions.update()
            .where(submissions.c.source_id == source_id, submissions.c.desk_id == desk_id)
            .values(case_id=case_id)
        )
        if by_source[source_id].desk_id == desk_id:
            conn.execute(
                replies.update().where(replies.c.source_id == source_id).values(case_id=case_id)
            )


def downgrade() -> None:
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sources_last_activity_on"))
        batch_op.add_column(sa.Column("designation", sa.String(length=100), nullable=True))
        batch_op.add_column(sa.Column("desk_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("status", STATUS, nullable=True))
        batch_op.add_column(sa.Column("received_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("acknowledge_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("feedback_due_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("conclusion", CONCLUSION, nullable=True))
        batch_op.add_column(sa.Column("external_reference", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("category", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("province", sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("starred", sa.Boolean(), nullable=True))
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("desk_id", sa.Integer(), nullable=True))
    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.add_column(sa.Column("source_id", sa.Integer(), nullable=True))

    _move_data_down()

    with op.batch_alter_table("replies", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_replies_case_id"))
        batch_op.drop_constraint("fk_replies_case_id_cases", type_="foreignkey")
        batch_op.drop_column("case_id")
        batch_op.alter_column("source_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_replies_source_id_sources", "sources", ["source_id"], ["id"], ondelete="CASCADE"
        )
        batch_op.create_index(batch_op.f("ix_replies_source_id"), ["source_id"], unique=False)
    with op.batch_alter_table("submissions", schema=None) as batch_op:
        batch_op.drop_index("ix_submissions_case_seen")
        batch_op.drop_index(batch_op.f("ix_submissions_case_id"))
        batch_op.drop_constraint("fk_submissions_case_id_cases", type_="foreignkey")
        batch_op.drop_column("case_id")
        batch_op.alter_column("source_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("desk_id", existing_type=sa.Integer(), nullable=False)
        batch_op.create_foreign_key(
            "fk_submissions_source_id_sources", "sources", ["source_id"], ["id"],
            ondelete="CASCADE",
        )  # fmt: skip
        batch_op.create_foreign_key(
            "fk_submissions_desk_id_desks", "desks", ["desk_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_index(batch_op.f("ix_submissions_source_id"), ["source_id"], unique=False)
        batch_op.create_index("ix_submissions_source_seen", ["source_id", "seen"], unique=False)
    with op.batch_alter_table("sources", schema=None) as batch_op:
        batch_op.alter_column("designation", existing_type=sa.String(length=100), nullable=False)
        batch_op.alter_column("status", existing_type=STATUS, nullable=False)
        batch_op.alter_column("starred", existing_type=sa.Boolean(), nullable=False)
        batch_op.create_unique_constraint("uq_sources_designation", ["designation"])
        batch_op.create_foreign_key(
            "fk_sources_desk_id_desks", "desks", ["desk_id"], ["id"], ondelete="RESTRICT"
        )
        batch_op.create_foreign_key(
            "fk_sources_assignee_id_reviewers", "reviewers", ["assignee_id"], ["id"],
            ondelete="SET NULL",
        )  # fmt: skip
        for index in ("acknowledge_due_on", "assignee_id", "feedback_due_on"):
            batch_op.create_index(batch_op.f(f"ix_sources_{index}"), [index], unique=False)
        batch_op.create_index("ix_sources_desk_status", ["desk_id", "status"], unique=False)
        batch_op.create_index("ix_sources_last_activity", ["last_activity_on"], unique=False)
    op.drop_table("cases")


def _move_data_down() -> None:
    conn = op.get_bind()
    sources, cases, submissions, replies = _tables()
    first: dict[int, sa.Row[Any]] = {}
    for case in conn.execute(sa.select(cases).order_by(cases.c.id)):
        first.setdefault(case.source_id, case)
        conn.execute(
            submissions.update()
            .where(submissions.c.case_id == case.id)
            .values(source_id=case.source_id, desk_id=case.desk_id)
        )
        conn.execute(
            replies.update().where(replies.c.case_id == case.id).values(source_id=case.source_id)
        )
    for source in conn.execute(sa.select(sources.c.id)):
        own = first.get(source.id)
        values: dict[str, object]
        if own is None:  # pending: no case yet
            values = {
                "designation": f"pending-{secrets.token_hex(6)}",
                "status": "received",
                "starred": False,
            }
        else:
            values = {c: getattr(own, c) for c in WORKFLOW}
            values.update(designation=own.designation, desk_id=own.desk_id)
        conn.execute(sources.update().where(sources.c.id == source.id).values(**values))
