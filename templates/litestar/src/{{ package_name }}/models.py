"""Database tables, as SQLAlchemy 2 typed models.

After changing a model, generate a migration (`litestar database make-migrations`) and
review it before committing.
"""

from advanced_alchemy.base import IdentityBase
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

# Alembic compares this metadata with the database; every model module must be imported
# here (or be defined here) to be seen.
metadata = IdentityBase.metadata


class Item(IdentityBase):
    """A named thing. The base adds `id`: a 64-bit integer the database assigns."""

    __tablename__ = "items"

    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(String(1000), default=None)
    quantity: Mapped[int] = mapped_column(default=0, server_default="0")
