"""cases: a per-case authorship key, the desk's challenge and the day it was proven (decision
095). Existing cases keep NULL until their source next signs in (the server holds no secret
to derive a key with before then). Identity items (decision 096) are a new submission kind:
the kind column is a plain string without a CHECK, so it needs no change.

Revision ID: 0014
Revises: 0013
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("authorship_key", sa.String(100), nullable=True))
        batch.add_column(sa.Column("authorship_salt", sa.LargeBinary(16), nullable=True))
        batch.add_column(sa.Column("authorship_challenge", sa.String(32), nullable=True))
        batch.add_column(sa.Column("authorship_proven_on", sa.Date, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("authorship_proven_on")
        batch.drop_column("authorship_challenge")
        batch.drop_column("authorship_salt")
        batch.drop_column("authorship_key")
