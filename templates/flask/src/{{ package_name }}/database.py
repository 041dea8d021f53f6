"""SQLite set up for concurrent use: WAL journal and a busy timeout on every connection."""

import sqlite3
from typing import Any

from sqlalchemy import Engine, event

# How long a connection waits for another writer before "database is locked" (then 503).
SQLITE_BUSY_TIMEOUT_MS = 5000


def on_connect(dbapi_connection: Any, connection_record: Any) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    cursor = dbapi_connection.cursor()
    try:
        # WAL lets readers work while one connection writes; the setting stays with the file.
        cursor.execute("PRAGMA journal_mode = WAL")
        cursor.execute(f"PRAGMA busy_timeout = {int(SQLITE_BUSY_TIMEOUT_MS)}")
    finally:
        cursor.close()


def configure_sqlite_connections() -> None:
    """Run `on_connect` for every new connection of every engine (once per process)."""
    if not event.contains(Engine, "connect", on_connect):
        event.listen(Engine, "connect", on_connect)
