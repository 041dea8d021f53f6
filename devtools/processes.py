"""Running a generated project's commands and servers: a clean environment, a free port,
waiting until a server answers, and stopping it with every process it started."""

from __future__ import annotations

import contextlib
import os
import re
import signal
import socket
import subprocess
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

from generator.catalog import TEMPLATES

# Variables of the calling environment that must not leak into a generated project's run
# (a `uv run` of this repository exports VIRTUAL_ENV, for one), including every
# framework's own prefix (DJANGO_SETTINGS_MODULE, FLASK_APP, ...).
LEAKY = re.compile(
    r"^(VIRTUAL_ENV|UV_PROJECT_ENVIRONMENT|UV_PYTHON|PYTHONPATH|PYTHONHOME|CONDA_PREFIX"
    r"|PYTEST_.*|_PYTEST_.*|COV_.*|COVERAGE_.*|DATABASE_URL|SECRET_KEY|DEBUG"
    r"|ALLOWED_HOSTS|WEB_CONCURRENCY|PYENV_VERSION"
    + "".join(f"|{re.escape(name.upper())}_.*" for name in sorted(TEMPLATES))
    + r")$"
)


def clean_environ(
    source: Mapping[str, str] | None = None, *, also: re.Pattern[str] | None = None
) -> dict[str, str]:
    """`source` (default os.environ) without the variables that would leak into a
    generated project, and without those `also` matches."""
    items = (source if source is not None else os.environ).items()
    return {
        key: value
        for key, value in items
        if not LEAKY.match(key) and not (also is not None and also.match(key))
    }


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def stop_process_group(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the group the process leads, then SIGKILL what is left; never leaves a
    server (or one of its workers) behind. The process must have been started with
    `start_new_session=True`."""
    for sig, wait in ((signal.SIGTERM, 15.0), (signal.SIGKILL, 10.0)):
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; workers of the group may linger a moment.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        return


class NotReady(Exception):
    """The server exited, or did not answer in time; the message says which."""


Answer = TypeVar("Answer")


def wait_until_ready(
    process: subprocess.Popen[bytes],
    probe: Callable[[], Answer],
    timeout: float,
    *,
    interval: float = 0.25,
) -> Answer:
    """Call `probe` until it returns (an OSError means "not listening yet"); raise
    NotReady when the process exits first or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        if process.poll() is not None:
            raise NotReady(f"exited with {process.returncode} before answering")
        with contextlib.suppress(OSError):
            return probe()
        if time.monotonic() > deadline:
            raise NotReady(f"did not answer within {timeout:.0f}s")
        time.sleep(interval)


def run_until_exit(
    command: str, cwd: Path, env: Mapping[str, str], timeout: float
) -> tuple[int | None, str]:
    """A command line as a user pastes it (a shell runs it), no input: its exit code and
    its output (stdout and stderr together). The code is None if it was still running
    after `timeout` seconds; it is stopped then, with every process it started."""
    process = subprocess.Popen(  # noqa: S602 - a documented or printed command line
        command,
        shell=True,
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        output, _ = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        stop_process_group(process)
        output, _ = process.communicate()
        return None, output.decode(errors="replace")
    return process.returncode, output.decode(errors="replace")


def run_command_line(command: str, cwd: Path, env: Mapping[str, str], timeout: float) -> str:
    """`run_until_exit`'s output, or an AssertionError with the exit code (or the timeout)
    and the output's end."""
    code, output = run_until_exit(command, cwd, env, timeout)
    ended = f"was still running after {timeout:.0f} s" if code is None else f"exited with {code}"
    assert code == 0, f"`{command}` (in {cwd}) {ended}\n{output[-4000:]}"
    return output
