"""The PostgreSQL fixtures start a real, private, unprivileged server."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from urllib.parse import urlsplit

import postgres
import pytest
from postgres import PostgresServer, database_name

TESTS_DIR = Path(__file__).resolve().parent


def psql(url: str, sql: str) -> str:
    """Run SQL with the psql client against a URL, as a test author would."""
    bin_dir = postgres.postgres_binaries()
    assert bin_dir is not None
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    result = subprocess.run(
        [
            postgres._tool(bin_dir, "psql"),
            "--no-psqlrc",
            "--no-align",
            "--tuples-only",
            "--set",
            "ON_ERROR_STOP=1",
            url,
            "--command",
            sql,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_url_shape(postgres_server: PostgresServer, postgres_url: str) -> None:
    parts = urlsplit(postgres_url)
    assert parts.scheme == "postgresql"
    assert parts.hostname == "127.0.0.1"
    assert parts.port == postgres_server.port
    assert parts.username == postgres_server.user
    assert parts.password == postgres_server.password
    assert postgres_server.url(database_name(postgres_url)) == postgres_url


def test_create_insert_select(postgres_url: str) -> None:
    psql(postgres_url, "CREATE TABLE item (id serial PRIMARY KEY, name text NOT NULL)")
    psql(postgres_url, "INSERT INTO item (name) VALUES ('alpha'), ('beta')")
    assert psql(postgres_url, "SELECT name FROM item ORDER BY id").splitlines() == [
        "alpha",
        "beta",
    ]
    assert psql(postgres_url, "SELECT current_database()") == database_name(postgres_url)


def test_password_is_required(postgres_server: PostgresServer, postgres_url: str) -> None:
    parts = urlsplit(postgres_url)
    wrong = parts._replace(netloc=f"{parts.username}:wrong@{parts.hostname}:{parts.port}")
    bin_dir = postgres.postgres_binaries()
    assert bin_dir is not None
    result = subprocess.run(
        [postgres._tool(bin_dir, "psql"), "--no-psqlrc", wrong.geturl(), "-c", "SELECT 1"],
        env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode != 0
    assert "password authentication failed" in result.stderr


def test_fixture_database_is_separate_from_another(
    postgres_server: PostgresServer, postgres_url: str
) -> None:
    other_url = postgres_server.create_database()
    try:
        assert database_name(other_url) != database_name(postgres_url)
        psql(postgres_url, "CREATE TABLE only_here (x int)")
        assert psql(other_url, "SELECT to_regclass('only_here') IS NULL") == "t"
    finally:
        postgres_server.drop_database(database_name(other_url))


@pytest.mark.parametrize("run", ["first", "second"])
def test_each_test_starts_with_an_empty_database(postgres_url: str, run: str) -> None:
    tables = "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'"
    assert psql(postgres_url, tables) == "0"
    psql(postgres_url, f"CREATE TABLE left_by_{run} (x int)")


def test_create_and_drop_database_by_name(postgres_server: PostgresServer) -> None:
    exists = "SELECT count(*) FROM pg_database WHERE datname = 'named_one'"
    admin = postgres_server.url("postgres")
    url = postgres_server.create_database("named_one")
    assert database_name(url) == "named_one"
    assert psql(admin, exists) == "1"
    postgres_server.drop_database("named_one")
    assert psql(admin, exists) == "0"
    postgres_server.drop_database("named_one")  # dropping a missing database is fine


def _listening(port: int) -> list[str]:
    """Local addresses (hex, as in /proc/net/tcp*) listening on a TCP port."""
    found = []
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            local, _remote, state = line.split()[1:4]
            address, port_hex = local.rsplit(":", 1)
            if state == "0A" and int(port_hex, 16) == port:
                found.append(address)
    return found


def test_listens_only_on_loopback(postgres_server: PostgresServer, postgres_url: str) -> None:
    assert psql(postgres_url, "SHOW listen_addresses") == "127.0.0.1"
    if not Path("/proc/net/tcp").exists():
        pytest.skip("no /proc/net/tcp to inspect listening sockets")
    # 127.0.0.1 in /proc/net/tcp's little-endian hex; nothing on 0.0.0.0 or IPv6.
    assert _listening(postgres_server.port) == ["0100007F"]


def _uids(pid: int) -> list[int]:
    status = Path(f"/proc/{pid}/status").read_text()
    line = next(line for line in status.splitlines() if line.startswith("Uid:"))
    return [int(uid) for uid in line.split()[1:]]


def test_server_does_not_run_as_root(postgres_server: PostgresServer, postgres_url: str) -> None:
    if not Path("/proc/self/status").exists():
        pytest.skip("no /proc to inspect process owners")
    bin_dir = postgres.postgres_binaries()
    assert bin_dir is not None
    # Keep one connection busy so that its backend process can be inspected.
    sleeper = subprocess.Popen(
        [postgres._tool(bin_dir, "psql"), "--no-psqlrc", postgres_url, "-c", "SELECT pg_sleep(60)"],
        env={k: v for k, v in os.environ.items() if not k.startswith("PG")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        backend = ""
        deadline = time.monotonic() + 30
        while not backend and time.monotonic() < deadline:
            backend = psql(
                postgres_url,
                "SELECT pid FROM pg_stat_activity WHERE query = 'SELECT pg_sleep(60)'",
            )
            time.sleep(0.05)
        assert backend, "the busy connection never showed up"
        expected = postgres_server.data_dir.stat().st_uid
        assert expected != 0
        if os.geteuid() != 0:
            assert expected == os.geteuid()
        # The postmaster and a backend serving a connection: real, effective,
        # saved and filesystem uid are all the unprivileged owner of the data.
        for pid in (postgres_server.pid, int(backend)):
            assert set(_uids(pid)) == {expected}, pid
    finally:
        sleeper.terminate()
        sleeper.wait(timeout=30)


INNER_TESTS = """
import json
import os
from pathlib import Path

import postgres

RECORD = Path(os.environ["RECORD"])

if os.environ.get("HIDE_BINARIES"):
    postgres.postgres_binaries = lambda: None


def record(**data):
    with RECORD.open("a") as f:
        f.write(json.dumps(data) + "\\n")


def test_one(postgres_server, postgres_url):
    record(pid=postgres_server.pid, base=str(postgres_server.base_dir),
           admin=postgres_server.url("postgres"), url=postgres_url)


def test_two(postgres_server, postgres_url):
    record(url=postgres_url)
"""


def _run_inner_session(tmp_path: Path, **env: str) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run a separate pytest session that uses the real conftest fixtures."""
    (tmp_path / "test_inner.py").write_text(textwrap.dedent(INNER_TESTS))
    (tmp_path / "pytest.ini").write_text("[pytest]\n")
    record = tmp_path / "record.jsonl"
    python_path = os.pathsep.join(
        [str(TESTS_DIR), str(TESTS_DIR.parent), os.environ.get("PYTHONPATH", "")]
    )
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "conftest",
            "-p",
            "no:cacheprovider",
            "-p",
            "no:xdist",
            "-rs",
            "-q",
            str(tmp_path / "test_inner.py"),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": python_path, "RECORD": str(record), **env},
        capture_output=True,
        text=True,
        check=False,
        timeout=180,
    )
    return result, record


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_session_lifecycle_cleans_up(postgres_server: PostgresServer, tmp_path: Path) -> None:
    result, record = _run_inner_session(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    first, second = (json.loads(line) for line in record.read_text().splitlines())
    # Two tests, two different databases on the same server.
    assert database_name(first["url"]) != database_name(second["url"])
    assert urlsplit(first["url"]).port == urlsplit(second["url"]).port
    # The server of that session is gone and its files removed.
    assert not _alive(first["pid"])
    assert not Path(first["base"]).exists()
    # And it was a different server from this session's.
    assert urlsplit(first["admin"]).port != postgres_server.port


def test_skips_when_binaries_are_missing(tmp_path: Path) -> None:
    result, _record = _run_inner_session(tmp_path, HIDE_BINARIES="1", CI="")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 skipped" in result.stdout
    assert "PostgreSQL binaries (initdb, pg_ctl) not found" in result.stdout


def test_fails_under_ci_when_binaries_are_missing(tmp_path: Path) -> None:
    result, _record = _run_inner_session(tmp_path, HIDE_BINARIES="1", CI="true")
    assert result.returncode == 1, result.stdout + result.stderr
    assert "2 errors" in result.stdout, result.stdout
    assert "PostgreSQL binaries (initdb, pg_ctl) not found" in result.stdout
    assert "CI=true" in result.stdout
