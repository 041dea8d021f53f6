"""Database tables, as SQLAlchemy 2 typed models.

After changing a model, generate a migration (`litestar database make-migrations`) and
review it before committing.
"""

from advanced_alchemy.base import UUIDAuditBase
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

# Alembic compares this metadata with the database; every model module must be imported
# here (or be defined here) to be seen.
metadata = UUIDAuditBase.metadata


class Item(UUIDAuditBase):
    """A named thing. The base adds `id` (UUID), `created_at` and `updated_at`."""

    __tablename__ = "item"

    name: Mapped[str] = mapped_column(String(100), unique=True)
    description: Mapped[str | None] = mapped_column(String(500), default=None)
