"""The database engine (one connection pool per server process) and its sessions."""

from typing import Any

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
    # Objects stay readable after commit, so a handler can commit and then answer with them.
    return async_sessionmaker(engine, expire_on_commit=False)
