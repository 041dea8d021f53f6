"""The database: one Advanced Alchemy config, used by the app, the CLI and the tests."""

from pathlib import Path
from typing import Any

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
)
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from .settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

# How long a statement waits for a locked SQLite file, or for a PostgreSQL connection,
# before the request answers 503.
BUSY_TIMEOUT_SECONDS = 5.0


def _use_wal(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets readers work while one writer writes; the setting is kept in the file.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.close()


def create_engine(url: str, **options: Any) -> AsyncEngine:
    """The engine, with SQLite set up for concurrent use and bounded waits everywhere."""
    backend = make_url(url).get_backend_name()
    connect_args = dict(options.pop("connect_args", {}))
    # aiosqlite: the busy timeout; asyncpg: the connection timeout. Both in seconds.
    connect_args.setdefault("timeout", BUSY_TIMEOUT_SECONDS)
    engine = create_async_engine(url, connect_args=connect_args, **options)
    if backend == "sqlite":
        event.listen(engine.sync_engine, "connect", _use_wal)
    return engine


def alchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """How to connect, how sessions behave, and where the migrations live."""
    return SQLAlchemyAsyncConfig(
        connection_string=settings.database_url,
        create_engine_callable=create_engine,
        # Each request gets a session (the `db_session` dependency), closed when the
        # response is sent. The services commit their own writes, inside the handler, so
        # that a failed commit is answered like any other database error.
        # Keep loaded objects readable after the commit, when the response is serialised.
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Tables come from migrations (`litestar database upgrade`), never from create_all.
        create_all=False,
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            script_config=str(MIGRATIONS_DIR / "alembic.ini"),
        ),
    )
