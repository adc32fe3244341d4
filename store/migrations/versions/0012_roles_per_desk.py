"""reviewer_desks: a role per membership; cases: a proposed conclusion or closure and who
approved it; audit_events: the desk an event concerns; desk_key_notices: member notices
(decisions 075-078).

Every existing membership becomes an officer's (what a reviewer was until now). A desk
without an active supervisor keeps working as before (decision 076), so nothing stops on
the day of the upgrade. Old audit rows keep desk_id NULL: the table refuses UPDATE, and the
chain hashes a row's desk only when it has one, so they verify as before.

Revision ID: 0012
Revises: 0011
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviewer_desks") as batch:
        batch.add_column(sa.Column("role", sa.String(32), nullable=False, server_default="officer"))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("proposed_status", sa.String(32), nullable=True))
        batch.add_column(sa.Column("proposed_conclusion", sa.String(32), nullable=True))
        batch.add_column(sa.Column("proposed_by", sa.String(64), nullable=True))
        batch.add_column(sa.Column("proposed_on", sa.Date, nullable=True))
        batch.add_column(sa.Column("approved_by", sa.String(64), nullable=True))
    with op.batch_alter_table("desk_key_notices") as batch:
        batch.add_column(
            sa.Column("member_change", sa.String(200), nullable=False, server_default="")
        )
    # Not batch: rebuilding the append-only table would copy it through its own triggers.
    op.add_column("audit_events", sa.Column("desk_id", sa.Integer, nullable=True))
    op.create_index("ix_audit_events_desk_id", "audit_events", ["desk_id"])


def downgrade() -> None:
    op.drop_index("ix_audit_events_desk_id", table_name="audit_events")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE audit_events DROP COLUMN desk_id")  # SQLite 3.35+
    else:
        op.drop_column("audit_events", "desk_id")
    with op.batch_alter_table("desk_key_notices") as batch:
        batch.drop_column("member_change")
    with op.batch_alter_table("cases") as batch:
        for name in ("approved_by", "proposed_on", "proposed_by", "proposed_conclusion"):
            batch.drop_column(name)
        batch.drop_column("proposed_status")
    with op.batch_alter_table("reviewer_desks") as batch:
        batch.drop_column("role")
