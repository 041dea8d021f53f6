"""Shared pytest fixtures."""

from __future__ import annotations

import os
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


# --- Full matrix or quick run -----------------------------------------------
# Tests marked `slow` (the rest of the template option matrix, see test_contract.py)
# run only with CI_FULL=1, with an explicit `-m` expression, or when named by node id.


def _full_run(config: pytest.Config) -> bool:
    if os.environ.get("CI_FULL", "").strip().lower() in {"1", "true", "yes", "on"}:
        return True
    if config.getoption("markexpr", default=""):
        return True
    return any("::" in str(arg) for arg in config.args)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if _full_run(config):
        return
    kept: list[pytest.Item] = []
    slow: list[pytest.Item] = []
    for item in items:
        (slow if item.get_closest_marker("slow") else kept).append(item)
    if slow:
        config.hook.pytest_deselected(items=slow)
        items[:] = kept


# --- end full matrix or quick run -------------------------------------------


# --- Template store ---------------------------------------------------------
# `new-project` keeps a versioned template store in the user's data directory; the
# tests get one of their own (per xdist worker), so a run never writes into $HOME.


@pytest.fixture(scope="session", autouse=True)
def _private_template_store(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    saved = os.environ.get("NEW_PROJECT_DATA_DIR")
    os.environ["NEW_PROJECT_DATA_DIR"] = str(tmp_path_factory.mktemp("new-project-data"))
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("NEW_PROJECT_DATA_DIR", None)
        else:
            os.environ["NEW_PROJECT_DATA_DIR"] = saved


# --- end template store -----------------------------------------------------
