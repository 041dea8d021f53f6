"""Shared pytest fixtures."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path

import contract
import postgres as _postgres
import pytest

from generator.render import template_root

# Every Python this suite starts (the tool, a generated project's tools, tests, servers)
# runs from a fresh virtual environment. Under PYTHONDONTWRITEBYTECODE, which some machines
# and images set, each of those processes compiles its libraries from source again: about
# 1.5 s per `new-project` and 3 s per project command. Let them cache bytecode, as on a
# developer's machine (`__pycache__` is ignored by this repository and by every template).
os.environ.pop("PYTHONDONTWRITEBYTECODE", None)
# --- PostgreSQL -------------------------------------------------------------
# A real server (see tests/postgres.py): one per pytest process, so each
# pytest-xdist worker has its own; a fresh database per test.


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[_postgres.PostgresServer]:
    """A running PostgreSQL server for the whole session; skipped if not installed."""
    if _postgres.postgres_binaries() is None:
        reason = (
            "PostgreSQL binaries (initdb, pg_ctl) not found: install PostgreSQL "
            "or point PG_BIN at the directory that holds them"
        )
        if contract.under_ci():
            pytest.fail(f"{reason} (CI=true: a missing tool is a failure)", pytrace=False)
        pytest.skip(reason)
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
    if not _full_run(config):
        kept: list[pytest.Item] = []
        slow: list[pytest.Item] = []
        for item in items:
            (slow if item.get_closest_marker("slow") else kept).append(item)
        if slow:
            config.hook.pytest_deselected(items=slow)
            items[:] = kept
    items.sort(key=_longest_first)


def _longest_first(item: pytest.Item) -> int:
    """Contract cases (minutes each), then the other tests that generate and run projects,
    then the rest, each group in its collected order: with the long ones first, xdist's
    workers end on short tests, which they share out, instead of one worker ending on a
    contract case while the other is idle."""
    if item.get_closest_marker("projects") is None:
        return 2
    contract_case = isinstance(item, pytest.Function) and item.originalname == "test_contract"
    return 0 if contract_case else 1


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


# --- Template snapshot -------------------------------------------------------


@pytest.fixture(scope="session")
def template_source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """This worker's clean snapshot of the checkout's tracked files, a git repository with
    one commit, taken once: every test that renders from "the checkout" renders from it,
    so untracked folders (a project generated inside the checkout) never get in the way."""
    return contract.snapshot_template(template_root(), tmp_path_factory.mktemp("source") / "t")


# --- end template snapshot ---------------------------------------------------


# --- Contract progress and skipped steps -------------------------------------
# Each contract case reports its summary as a user property (see test_contract.py); the
# process that prints the run (the xdist controller, or the only process) shows one line
# per case as it finishes and, at the end, every step that was not run.

_reported: set[str] = set()
_skipped_steps: list[tuple[str, str, str]] = []  # (case, step, reason)


def _write_line(config: pytest.Config, line: str) -> None:
    reporter = config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None:
        reporter.write_line(line)
    else:  # -p no:terminal: still say where the run is
        print(line, file=sys.__stderr__, flush=True)


def _case_line(summary: dict[str, object]) -> str:
    failed = summary["failed"]
    skipped = summary["skipped"]
    assert isinstance(failed, list)
    assert isinstance(skipped, list)
    parts = [f"{summary['passed']} passed"]
    if failed:
        parts.append(f"{len(failed)} failed ({', '.join(map(str, failed))})")
    if skipped:
        parts.append(f"{len(skipped)} not run")
    return (
        f"contract {summary['template']}: {summary['case']}: {summary['steps']} steps, "
        f"{', '.join(parts)}, {summary['seconds']} s"
    )


@pytest.hookimpl(trylast=True)
def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when != "call" or report.nodeid in _reported:
        return
    summary = dict(report.user_properties).get(contract.CASE_PROPERTY)
    if not isinstance(summary, dict):
        return
    config = _session_config
    if config is None or hasattr(config, "workerinput"):
        return  # an xdist worker: the controller reports
    _reported.add(report.nodeid)
    skipped = summary.get("skipped", [])
    assert isinstance(skipped, list)
    _skipped_steps.extend((str(summary["case"]), str(step), str(why)) for step, why in skipped)
    _write_line(config, _case_line(summary))


_session_config: pytest.Config | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _session_config  # the logreport hook gets no config argument
    _session_config = config


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not _skipped_steps:
        return
    terminalreporter.section("contract steps not run", yellow=True)
    terminalreporter.write_line(
        f"{len(_skipped_steps)} contract steps skipped (under CI=true a missing tool fails "
        "the case):"
    )
    for case, step, why in _skipped_steps:
        terminalreporter.write_line(f"  {case}: {step}: {why}")


# --- end contract progress and skipped steps ---------------------------------
