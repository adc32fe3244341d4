"""cases: their own reply key; replies: the source's own copy (decision 067)

Existing cases keep NULL (their replies use the source's key, as before); existing replies
keep their one blob, shared by source and desk, with source_blob_name NULL (and its size
and SHA-256, which `manage.py check` and restore compare, NULL too): the server can
re-encrypt neither (it holds no secret key), so a source's delete of one only hides it.

Revision ID: 0011
Revises: 0010
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("reply_recipient", sa.String(100), nullable=True))
        batch.add_column(sa.Column("reply_salt", sa.LargeBinary(16), nullable=True))
    with op.batch_alter_table("replies") as batch:
        batch.add_column(sa.Column("source_blob_name", sa.String(64), nullable=True))
        batch.add_column(sa.Column("source_ciphertext_size", sa.Integer, nullable=True))
        batch.add_column(sa.Column("source_ciphertext_sha256", sa.String(64), nullable=True))
        batch.create_unique_constraint("uq_replies_source_blob_name", ["source_blob_name"])


def downgrade() -> None:
    with op.batch_alter_table("replies") as batch:
        batch.drop_constraint("uq_replies_source_blob_name", type_="unique")
        batch.drop_column("source_ciphertext_sha256")
        batch.drop_column("source_ciphertext_size")
        batch.drop_column("source_blob_name")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("reply_salt")
        batch.drop_column("reply_recipient")
