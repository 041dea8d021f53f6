"""A throwaway PostgreSQL server for the test suite.

``start_postgres()`` runs ``initdb`` into a fresh temporary directory and starts
``postgres`` on a free port of 127.0.0.1, with password (scram-sha-256) auth for
a superuser role, so that tests get plain ``postgresql://user:pass@host:port/db``
URLs. PostgreSQL refuses to run as root: when this process is root, the server
runs as a dedicated unprivileged system user (created on first use, reused
afterwards); otherwise it runs as the current user.

Databases are created and dropped with the ``createdb``/``dropdb``/``psql``
binaries over TCP, so no Python driver is needed.

This module has no pytest dependency; the fixtures live in ``conftest.py``.
"""

from __future__ import annotations

import atexit
import contextlib
import fcntl
import os
import pwd
import re
import secrets
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

__all__ = [
    "PostgresError",
    "PostgresServer",
    "database_name",
    "postgres_binaries",
    "start_postgres",
]

# The system user that owns the data directory and runs the server when we are root.
# Override with NEW_PROJECT_PG_OS_USER (e.g. to reuse an existing "postgres" account).
DEFAULT_OS_USER = "newproject-pg"
# The superuser role created by initdb; tests connect as this role.
DB_SUPERUSER = "postgres"

HOST = "127.0.0.1"
START_TIMEOUT = 60.0
STOP_TIMEOUT = 30.0
DIR_PREFIX = "new-project-pg-"
SHM_MIN_FREE = 1 << 30
STALE_AFTER = 15 * 60.0

# Settings for a disposable server: durability off, small footprint, quiet log.
FAST_SETTINGS: dict[str, str] = {
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "shared_buffers": "32MB",
    "max_connections": "100",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
    "logging_collector": "off",
    "jit": "off",
}

_REQUIRED = ("initdb", "pg_ctl", "postgres")


class PostgresError(RuntimeError):
    """The server could not be set up, started or used."""


def postgres_binaries() -> Path | None:
    """The directory holding ``initdb``/``postgres``/``pg_ctl``, or None if missing.

    Checked in order: ``$PG_BIN``, the directory of ``initdb`` on ``PATH`` (with
    symlinks resolved, so Debian's /usr/local/bin links lead to the real
    bin directory that also has psql and createdb), then the newest
    /usr/lib/postgresql/*/bin.
    """
    candidates: list[Path] = []
    if env := os.environ.get("PG_BIN"):
        candidates.append(Path(env))
    if found := shutil.which("initdb"):
        candidates.append(Path(found).resolve().parent)
        candidates.append(Path(found).parent)
    versions = sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda p: _version_key(p.parent.name),
        reverse=True,
    )
    candidates.extend(versions)
    for directory in candidates:
        if all(os.access(directory / name, os.X_OK) for name in _REQUIRED):
            return directory
    return None


def database_name(url: str) -> str:
    """The database name in a ``postgresql://...`` URL."""
    return unquote(urlsplit(url).path.lstrip("/"))


def _version_key(name: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", name))


def _tool(bin_dir: Path, name: str) -> str:
    """A client binary: next to initdb if present, else from PATH."""
    candidate = bin_dir / name
    if os.access(candidate, os.X_OK):
        return str(candidate)
    found = shutil.which(name)
    if found is None:
        raise PostgresError(f"{name} not found in {bin_dir} or on PATH")
    return found


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def _clean_env() -> dict[str, str]:
    """The current environment without PG* variables that could redirect our tools."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    return env


@dataclass(frozen=True)
class _RunAs:
    """How to run the server binaries: as whom, and with which command prefix."""

    name: str
    uid: int
    gid: int
    prefix: tuple[str, ...]

    def command(self, *args: str, die_with_parent: bool = False) -> list[str]:
        prefix = list(self.prefix)
        if die_with_parent and prefix:
            # Parent-death signal: if this Python process dies without cleaning up
            # (SIGKILL, crash), the server gets SIGINT = fast shutdown.
            prefix[1:1] = ["--pdeathsig", "INT"]
        elif die_with_parent and (setpriv := shutil.which("setpriv")):
            prefix = [setpriv, "--pdeathsig", "INT"]
        return [*prefix, *args]


def _ensure_os_user(name: str) -> pwd.struct_passwd:
    """The unprivileged system user, created if it does not exist yet.

    Several pytest-xdist workers may get here at once. useradd's own locking is
    not enough: two concurrent ``useradd`` runs were seen to both succeed, the
    second rewriting the first one's entry with a different uid. So creation is
    serialised with a lock file, and the user looked up again under the lock.
    """
    with contextlib.suppress(KeyError):
        return pwd.getpwnam(name)
    useradd = shutil.which("useradd")
    if useradd is None:
        raise PostgresError(
            f"running as root and user {name!r} does not exist; useradd not found "
            f"to create it (set NEW_PROJECT_PG_OS_USER to an existing unprivileged user)"
        )
    # /run is root's own (we are root here); a world-writable dir would let anyone hold the lock.
    run = Path("/run")
    lock_dir = run if run.is_dir() else Path(tempfile.gettempdir())
    lock_path = lock_dir / f"{DIR_PREFIX}useradd.lock"
    fd = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        with contextlib.suppress(KeyError):
            return pwd.getpwnam(name)
        result = subprocess.run(
            [
                useradd,
                "--system",
                "--no-create-home",
                "--home-dir",
                "/nonexistent",
                "--shell",
                "/usr/sbin/nologin",
                "--user-group",
                "--comment",
                "new-project test PostgreSQL",
                name,
            ],
            capture_output=True,
            text=True,
            check=False,
        )
        try:
            return pwd.getpwnam(name)
        except KeyError:
            output = (result.stderr or result.stdout).strip()
            raise PostgresError(f"could not create system user {name!r}: {output}") from None
    finally:
        os.close(fd)


def _run_as() -> _RunAs:
    if os.geteuid() != 0:
        entry = pwd.getpwuid(os.geteuid())
        return _RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, ())
    name = os.environ.get("NEW_PROJECT_PG_OS_USER", DEFAULT_OS_USER)
    entry = _ensure_os_user(name)
    if entry.pw_uid == 0:
        raise PostgresError(f"NEW_PROJECT_PG_OS_USER={name!r} is root; PostgreSQL refuses that")
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        raise PostgresError("running as root needs setpriv (util-linux) to drop privileges")
    prefix = (
        setpriv,
        "--reuid",
        str(entry.pw_uid),
        "--regid",
        str(entry.pw_gid),
        "--clear-groups",
    )
    return _RunAs(entry.pw_name, entry.pw_uid, entry.pw_gid, prefix)


@dataclass
class PostgresServer:
    """A running throwaway server. Use :func:`start_postgres` to get one."""

    host: str
    port: int
    user: str
    password: str = field(repr=False)
    os_user: str
    base_dir: Path
    data_dir: Path
    socket_dir: Path
    log_file: Path
    bin_dir: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    _stopped: bool = field(default=False, repr=False)

    @property
    def pid(self) -> int:
        """The postmaster's process id."""
        return self.process.pid

    def url(self, database: str) -> str:
        """``postgresql://user:password@127.0.0.1:port/database``."""
        return (
            f"postgresql://{quote(self.user, safe='')}:{quote(self.password, safe='')}"
            f"@{self.host}:{self.port}/{quote(database, safe='')}"
        )

    def _client_env(self) -> dict[str, str]:
        env = _clean_env()
        env["PGPASSWORD"] = self.password
        env["PGCONNECT_TIMEOUT"] = "10"
        return env

    def _client_args(self) -> list[str]:
        return ["--host", self.host, "--port", str(self.port), "--username", self.user]

    def _client(self, args: list[str], what: str) -> str:
        self._check_running()
        result = subprocess.run(
            args,
            env=self._client_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
        if result.returncode != 0:
            raise PostgresError(f"{what} failed ({result.returncode}): {result.stderr.strip()}")
        return result.stdout

    def create_database(self, name: str | None = None) -> str:
        """Create a fresh database (a unique name if None) and return its URL."""
        if name is None:
            name = f"test_{os.getpid()}_{secrets.token_hex(4)}"
        self._client(
            [
                _tool(self.bin_dir, "createdb"),
                *self._client_args(),
                "--maintenance-db",
                "postgres",
                "--",
                name,
            ],
            f"createdb {name!r}",
        )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop a database, closing any connections still open to it."""
        self._client(
            [
                _tool(self.bin_dir, "dropdb"),
                *self._client_args(),
                "--maintenance-db",
                "postgres",
                "--if-exists",
                "--force",
                "--",
                name,
            ],
            f"dropdb {name!r}",
        )

    def psql(self, database: str, sql: str) -> str:
        """Run SQL through ``psql`` (unaligned, tuples only) and return its output."""
        return self._client(
            [
                _tool(self.bin_dir, "psql"),
                "--no-psqlrc",
                "--no-align",
                "--tuples-only",
                "--set",
                "ON_ERROR_STOP=1",
                "--dbname",
                self.url(database),
                "--command",
                sql,
            ],
            "psql",
        )

    def _check_running(self) -> None:
        if self._stopped:
            raise PostgresError("the server has been stopped")
        if self.process.poll() is not None:
            raise PostgresError(
                f"the server exited with {self.process.returncode}:\n{self.log_tail()}"
            )

    def log_tail(self, lines: int = 30) -> str:
        try:
            text = self.log_file.read_text(errors="replace")
        except OSError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def stop(self) -> None:
        """Fast shutdown (like ``pg_ctl stop -m fast``), then remove all files. Idempotent."""
        if self._stopped:
            return
        self._stopped = True
        atexit.unregister(self.stop)
        _terminate(self.process)
        shutil.rmtree(self.base_dir, ignore_errors=True)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    # SIGINT is PostgreSQL's fast shutdown; SIGQUIT its immediate shutdown.
    for sig, timeout in ((signal.SIGINT, STOP_TIMEOUT), (signal.SIGQUIT, 10.0)):
        with contextlib.suppress(ProcessLookupError):
            process.send_signal(sig)
        try:
            process.wait(timeout=timeout)
            return
        except subprocess.TimeoutExpired:
            continue
    process.kill()
    process.wait()


def _default_parent() -> Path:
    """Where server directories go: RAM-backed /dev/shm when it is roomy, else the temp dir.

    On a disk, CREATE DATABASE takes ~0.25 s even with fsync off; on tmpfs ~0.03 s, and
    initdb is about three times faster. A server needs ~60 MB; Docker's default
    /dev/shm is only 64 MB, hence the free-space check.
    """
    if env := os.environ.get("NEW_PROJECT_PG_TMPDIR"):
        return Path(env)
    shm = Path("/dev/shm")  # noqa: S108 - only a parent; mkdtemp makes a private dir in it
    with contextlib.suppress(OSError):
        if (
            shm.is_dir()
            and os.access(shm, os.W_OK | os.X_OK)
            and shm.stat().st_mode & 0o1777 == 0o1777
            and shutil.disk_usage(shm).free >= SHM_MIN_FREE
        ):
            return shm
    return Path(tempfile.gettempdir())


def _remove_stale(parent: Path, owner: int) -> None:
    """Remove directories left by sessions that were killed before they could clean up.

    Only ours, without a running server (a live one keeps data/postmaster.pid), and
    not brand new (one being set up has no postmaster.pid yet). After a SIGKILL the
    parent-death signal stops the server, but nothing is left to remove its files.
    """
    cutoff = time.time() - STALE_AFTER
    for path in parent.glob(f"{DIR_PREFIX}*"):
        with contextlib.suppress(OSError):
            info = path.lstat()
            if not stat.S_ISDIR(info.st_mode):
                continue
            if info.st_uid != owner or info.st_mtime > cutoff:
                continue
            pid_file = path / "data" / "postmaster.pid"
            if pid_file.exists() and _pid_alive(int(pid_file.read_text().split()[0])):
                continue
            shutil.rmtree(path, ignore_errors=True)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _make_base_dir(base_dir: Path | None, run_as: _RunAs) -> Path:
    parent = base_dir if base_dir is not None else _default_parent()
    parent.mkdir(parents=True, exist_ok=True)
    if base_dir is None:
        _remove_stale(parent, run_as.uid)
    path = Path(tempfile.mkdtemp(prefix=DIR_PREFIX, dir=parent))
    path.chmod(0o700)
    if os.geteuid() == 0:
        os.chown(path, run_as.uid, run_as.gid)
    probe = subprocess.run(
        run_as.command("test", "-w", str(path), "-a", "-x", str(path)),
        capture_output=True,
        check=False,
    )
    if probe.returncode != 0:
        shutil.rmtree(path, ignore_errors=True)
        raise PostgresError(
            f"user {run_as.name!r} cannot use {path}: a parent directory is not "
            f"traversable by it; pass a base_dir under a world-traversable directory"
        )
    return path


def _initdb(bin_dir: Path, run_as: _RunAs, base: Path, data_dir: Path, password: str) -> None:
    pwfile = base / "pwfile"
    pwfile.write_text(password + "\n")
    pwfile.chmod(0o600)
    if os.geteuid() == 0:
        os.chown(pwfile, run_as.uid, run_as.gid)
    try:
        result = subprocess.run(
            run_as.command(
                str(bin_dir / "initdb"),
                "--pgdata",
                str(data_dir),
                "--username",
                DB_SUPERUSER,
                "--pwfile",
                str(pwfile),
                "--auth",
                "scram-sha-256",
                "--encoding",
                "UTF8",
                "--locale",
                "C",
                "--no-sync",
            ),
            cwd=base,
            env=_clean_env(),
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
    finally:
        pwfile.unlink(missing_ok=True)
    if result.returncode != 0:
        output = (result.stdout + result.stderr).strip()
        raise PostgresError(f"initdb failed ({result.returncode}):\n{output}")


def _wait_ready(server: PostgresServer, deadline: float) -> None:
    pg_isready = _tool(server.bin_dir, "pg_isready")
    while True:
        if server.process.poll() is not None:
            raise PostgresError(
                f"postgres exited with {server.process.returncode} during start-up:\n"
                f"{server.log_tail()}"
            )
        result = subprocess.run(
            [pg_isready, "--quiet", *server._client_args(), "--dbname", "postgres"],
            env=server._client_env(),
            capture_output=True,
            check=False,
        )
        if result.returncode == 0:
            return
        if time.monotonic() > deadline:
            raise PostgresError(
                f"postgres did not accept connections within {START_TIMEOUT:.0f}s:\n"
                f"{server.log_tail()}"
            )
        time.sleep(0.05)


def start_postgres(base_dir: Path | None = None) -> PostgresServer:
    """Initialise and start a fresh server; stop it with ``.stop()``.

    Files go into a new directory under ``base_dir``, which must be traversable by
    the server's user. The default is ``$NEW_PROJECT_PG_TMPDIR``, else /dev/shm when
    it has room, else the system temp dir. The server is also
    stopped at interpreter exit and, if this process dies abruptly, by a
    parent-death signal.
    """
    bin_dir = postgres_binaries()
    if bin_dir is None:
        raise PostgresError("PostgreSQL binaries (initdb, pg_ctl, postgres) not found")
    run_as = _run_as()
    base = _make_base_dir(base_dir, run_as)
    try:
        data_dir = base / "data"
        socket_dir = base / "run"
        socket_dir.mkdir(mode=0o700)
        if os.geteuid() == 0:
            os.chown(socket_dir, run_as.uid, run_as.gid)
        password = secrets.token_urlsafe(18)
        _initdb(bin_dir, run_as, base, data_dir, password)
        return _launch(bin_dir, run_as, base, data_dir, socket_dir, password)
    except BaseException:
        shutil.rmtree(base, ignore_errors=True)
        raise


def _launch(
    bin_dir: Path,
    run_as: _RunAs,
    base: Path,
    data_dir: Path,
    socket_dir: Path,
    password: str,
) -> PostgresServer:
    log_file = base / "postgres.log"
    last_error: PostgresError | None = None
    # The free port can be taken by someone else between probing and binding
    # (other xdist workers do exactly this), so retry on a bind failure.
    for _attempt in range(5):
        port = _free_port()
        settings = {
            **FAST_SETTINGS,
            "listen_addresses": HOST,
            "port": str(port),
            "unix_socket_directories": str(socket_dir),
            "unix_socket_permissions": "0700",
        }
        args = [str(bin_dir / "postgres"), "-D", str(data_dir)]
        for key, value in settings.items():
            args += ["-c", f"{key}={value}"]
        with log_file.open("ab") as log:
            process = subprocess.Popen(
                run_as.command(*args, die_with_parent=True),
                cwd=base,
                env=_clean_env(),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = PostgresServer(
            host=HOST,
            port=port,
            user=DB_SUPERUSER,
            password=password,
            os_user=run_as.name,
            base_dir=base,
            data_dir=data_dir,
            socket_dir=socket_dir,
            log_file=log_file,
            bin_dir=bin_dir,
            process=process,
        )
        try:
            _wait_ready(server, time.monotonic() + START_TIMEOUT)
        except PostgresError as error:
            _terminate(process)
            log_text = server.log_tail(200)
            if "could not bind" in log_text or "Address already in use" in log_text:
                last_error = error
                log_file.unlink(missing_ok=True)
                continue
            raise
        except BaseException:
            _terminate(process)
            raise
        atexit.register(server.stop)
        return server
    assert last_error is not None
    raise last_error
