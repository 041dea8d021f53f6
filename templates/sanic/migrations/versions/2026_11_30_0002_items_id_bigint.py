"""Make items.id a 64-bit key.

On SQLite an INTEGER PRIMARY KEY already is one (the rowid), so only other databases
change. On PostgreSQL the sequence behind the column grows to 64 bits as well.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30 00:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        return
    op.alter_column(
        "items", "id", existing_type=sa.Integer(), type_=sa.BigInteger(), existing_nullable=False
    )
    if dialect == "postgresql":
        op.execute("ALTER SEQUENCE IF EXISTS items_id_seq AS bigint")


def downgrade() -> None:
    dialect = op.get_context().dialect.name
    if dialect == "sqlite":
        return
    if dialect == "postgresql":
        op.execute("ALTER SEQUENCE IF EXISTS items_id_seq AS integer")
    op.alter_column(
        "items", "id", existing_type=sa.BigInteger(), type_=sa.Integer(), existing_nullable=False
    )
