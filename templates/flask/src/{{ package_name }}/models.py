"""Database models: typed SQLAlchemy 2 classes. Change one, then `flask db migrate`."""

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from .extensions import Base


# Models subclass Base rather than db.Model: the same tables and session (Flask-SQLAlchemy
# builds db.Model from Base), but a class that type checkers can follow.
class Item(Base):
    __tablename__ = "items"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    description: Mapped[str] = mapped_column(Text, default="")
