"""Items: 64-bit ids on PostgreSQL, an optional (nullable) description, a quantity.

Revision ID: 0002
Revises: 0001
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        # The column and the sequence that feeds it (created `AS integer` with the table).
        op.alter_column("items", "id", type_=sa.BigInteger(), existing_type=sa.Integer())
        op.execute("ALTER SEQUENCE IF EXISTS items_id_seq AS bigint")
    with op.batch_alter_table("items") as batch:
        batch.alter_column("description", existing_type=sa.Text(), nullable=True)
        batch.add_column(
            sa.Column("quantity", sa.Integer(), server_default=sa.text("0"), nullable=False)
        )
    # An empty description meant "none" before it could be null.
    op.execute("UPDATE items SET description = NULL WHERE description = ''")


def downgrade() -> None:
    op.execute("UPDATE items SET description = '' WHERE description IS NULL")
    with op.batch_alter_table("items") as batch:
        batch.drop_column("quantity")
        batch.alter_column("description", existing_type=sa.Text(), nullable=False)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER SEQUENCE IF EXISTS items_id_seq AS integer")
        op.alter_column("items", "id", type_=sa.Integer(), existing_type=sa.BigInteger())
