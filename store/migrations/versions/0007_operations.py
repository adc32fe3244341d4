"""operations: blob hashes, case closing day and holds, the deletion queue

Revision ID: 0007
Revises: 0006

Adds the SHA-256 of each stored ciphertext (NULL on existing rows: `manage.py check --repair`
fills them in from the store), the day a case was closed (existing closed cases take their
last activity day, what retention counted from before), a legal hold on cases, and the
durable deletion queue. Downgrade drops them (a queued blob then becomes an orphan that
`manage.py check --repair` shreds).
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "pending_deletions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("blob_name", sa.String(length=64), nullable=False),
        sa.Column("queued_on", sa.Date(), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pending_deletions")),
        sa.UniqueConstraint("blob_name", name=op.f("uq_pending_deletions_blob_name")),
    )
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closed_on", sa.Date(), nullable=True))
        batch_op.add_column(sa.Column("hold_reason", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("held_on", sa.Date(), nullable=True))
    for table in ("submissions", "replies"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.add_column(sa.Column("ciphertext_sha256", sa.String(length=64), nullable=True))
    op.execute("UPDATE cases SET closed_on = last_activity_on WHERE status = 'closed'")


def downgrade() -> None:
    for table in ("replies", "submissions"):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_column("ciphertext_sha256")
    with op.batch_alter_table("cases", schema=None) as batch_op:
        batch_op.drop_column("held_on")
        batch_op.drop_column("hold_reason")
        batch_op.drop_column("closed_on")
    op.drop_table("pending_deletions")
