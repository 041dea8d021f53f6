"""Items with 64-bit integer ids, a quantity, and names that need not be unique.

The `item` table (UUID ids, unique names) becomes `items`: rows are copied in the order
they were created and get new integer ids; the UUIDs and timestamps are not kept.

Revision ID: 7c3e9a41b2d0
Revises: 26d11d5836b1
Create Date: 2026-11-30 10:00:00
"""

from collections.abc import Sequence
from datetime import UTC, datetime
from uuid import uuid4

import advanced_alchemy.types
import sqlalchemy as sa
from alembic import op

revision: str = "7c3e9a41b2d0"
down_revision: str | None = "26d11d5836b1"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "items",
        sa.Column(
            "id",
            sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
            sa.Identity(always=False, start=1, increment=1),
            nullable=False,
        ),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("quantity", sa.Integer(), server_default="0", nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_items")),
    )
    op.execute(
        "INSERT INTO items (name, description, quantity) "
        "SELECT name, description, 0 FROM item ORDER BY created_at, id"
    )
    op.drop_table("item")


def downgrade() -> None:
    # The old table needs UUIDs, timestamps, unique names and descriptions of at most
    # 500 characters: checked and made here, row by row.
    connection = op.get_bind()
    rows = connection.execute(sa.text("SELECT name, description FROM items ORDER BY id")).all()
    names = [row.name for row in rows]
    if len(set(names)) != len(names):
        raise RuntimeError(
            "Cannot downgrade: the old `item` table needs unique names; rename or delete "
            "the items that share a name first."
        )
    if any(len(row.description or "") > 500 for row in rows):
        raise RuntimeError(
            "Cannot downgrade: the old `item` table holds descriptions of at most 500 "
            "characters; shorten the longer ones first."
        )
    # The same columns the first migration made (see 26d11d5836b1).
    item = op.create_table(
        "item",
        sa.Column("id", advanced_alchemy.types.GUID(length=16), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("description", sa.String(length=500), nullable=True),
        sa.Column("sa_orm_sentinel", sa.Integer(), nullable=True),
        sa.Column("created_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.Column("updated_at", advanced_alchemy.types.DateTimeUTC(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_item")),
        sa.UniqueConstraint("name", name=op.f("uq_item_name")),
    )
    if rows:
        now = datetime.now(UTC)
        op.bulk_insert(
            item,
            [
                {
                    "id": uuid4(),
                    "name": row.name,
                    "description": row.description,
                    "created_at": now,
                    "updated_at": now,
                }
                for row in rows
            ],
        )
    op.drop_table("items")
