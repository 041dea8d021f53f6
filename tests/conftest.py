"""Shared pytest fixtures."""

from __future__ import annotations

from collections.abc import Iterator

import postgres as _postgres
import pytest

# --- PostgreSQL -------------------------------------------------------------
# A real server (see tests/postgres.py): one per pytest process, so each
# pytest-xdist worker has its own; a fresh database per test.


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[_postgres.PostgresServer]:
    """A running PostgreSQL server for the whole session; skipped if not installed."""
    if _postgres.postgres_binaries() is None:
        pytest.skip(
            "PostgreSQL binaries (initdb, pg_ctl) not found: install PostgreSQL "
            "or point PG_BIN at the directory that holds them"
        )
    server = _postgres.start_postgres()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def postgres_url(postgres_server: _postgres.PostgresServer) -> Iterator[str]:
    """``postgresql://user:password@127.0.0.1:port/db`` of a fresh database, dropped after."""
    url = postgres_server.create_database()
    try:
        yield url
    finally:
        postgres_server.drop_database(_postgres.database_name(url))


# --- end PostgreSQL ---------------------------------------------------------
