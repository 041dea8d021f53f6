"""Database models: typed SQLAlchemy 2 classes. Change one, then `flask db migrate`."""

from sqlalchemy import BigInteger, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import Base

# A 64-bit key on PostgreSQL. SQLite's rowid is 64-bit already, and only a column declared
# exactly INTEGER becomes it (and gets its ids assigned).
BigId = BigInteger().with_variant(Integer(), "sqlite")


# Models subclass Base rather than db.Model: the same tables and session (Flask-SQLAlchemy
# builds db.Model from Base), but a class that type checkers can follow.
class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str | None] = mapped_column(Text, default=None)
    quantity: Mapped[int] = mapped_column(default=0, server_default=text("0"))
