"""The database engine, opened per worker process, and the session a route works in."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from quart import Quart, current_app
from sqlalchemy import event
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

# How long a SQLite writer waits for another one to finish before giving up (answered 503).
SQLITE_BUSY_TIMEOUT_MS = 5000


def create_engine(
    database_url: str, sqlite_busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS
) -> AsyncEngine:
    # pre_ping replaces pooled connections the server closed meanwhile (restarts, idle timeouts).
    engine = create_async_engine(database_url, pool_pre_ping=True)
    if engine.dialect.name == "sqlite":

        @event.listens_for(engine.sync_engine, "connect")
        def _configure_sqlite(connection: Any, _record: Any) -> None:
            # WAL lets readers work while one process writes; the busy timeout makes a
            # writer wait for the lock instead of failing at once.
            cursor = connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute(f"PRAGMA busy_timeout={int(sqlite_busy_timeout_ms)}")
            cursor.close()

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker[AsyncSession]:
    # Objects stay readable after commit, so a route can commit and then return them.
    return async_sessionmaker(engine, class_=AsyncSession, expire_on_commit=False)


async def open_database(app: Quart, database_url: str) -> None:
    engine = create_engine(database_url)
    app.extensions["engine"] = engine
    app.extensions["sessionmaker"] = create_sessionmaker(engine)


async def close_database(app: Quart) -> None:
    engine: AsyncEngine | None = app.extensions.pop("engine", None)
    if engine is not None:
        await engine.dispose()


@asynccontextmanager
async def session_scope() -> AsyncIterator[AsyncSession]:
    """A session for the request being served, closed when the block ends."""
    sessionmaker: async_sessionmaker[AsyncSession] = current_app.extensions["sessionmaker"]
    async with sessionmaker() as session:
        yield session
