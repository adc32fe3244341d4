"""reviewers: an optional email address for the content-free daily digest (decision 080);
cases: the desk's own file number, searchable in the inbox (decision 084)

`digest_language` is the language the digest is written in; `digest_through` is the last
day whose new cases a digest has counted (day precision, like every date of a source's
activity): the next digest counts the days after it, so none repeats or misses a report.

Revision ID: 0013
Revises: 0012
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("reviewers") as batch:
        batch.add_column(sa.Column("email", sa.String(254), nullable=True))
        batch.add_column(
            sa.Column("digest_language", sa.String(2), nullable=False, server_default="th")
        )
        batch.add_column(sa.Column("digest_through", sa.Date, nullable=True))
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("file_number", sa.String(100), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("file_number")
    with op.batch_alter_table("reviewers") as batch:
        batch.drop_column("digest_through")
        batch.drop_column("digest_language")
        batch.drop_column("email")
