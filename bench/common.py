"""What the benchmarks share: the tools, a clean environment, commands, timing, results."""

from __future__ import annotations

import contextlib
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent
if str(REPO_ROOT) not in sys.path:
    sys.path.insert(0, str(REPO_ROOT))  # devtools/, shared with the test suite

from devtools import processes  # noqa: E402 - after the path above
from devtools.processes import (  # noqa: E402
    NotReady,
    free_port,
    stop_process_group,
    wait_until_ready,
)

__all__ = ["NotReady", "free_port", "stop_process_group", "wait_until_ready"]
APPS_DIR = BENCH_DIR / "apps"
# The folder every benchmark renders into: Copier derives the project name from it, so
# new-project and bare Copier get the same answers.
PROJECT_DIR_NAME = "bench-demo"

# Besides what the test suite drops: the benchmarks choose the uv cache (warm or cold)
# and the template store themselves.
_BENCH_LEAKY = re.compile(r"^(UV_CACHE_DIR|NEW_PROJECT_DATA_DIR)$")


class BenchError(Exception):
    """A benchmark could not run; the message says why and how to fix it."""


@dataclass(frozen=True)
class Tools:
    """The commands measured, all from the interpreter that runs the benchmarks."""

    python: str
    new_project: str
    copier: str
    uv: str
    uv_dir: Path  # holds only a link to the real uv: first on PATH for `uv run ...` commands
    wrk: str | None

    @classmethod
    def discover(cls, scratch: Path) -> Tools:
        here = Path(sys.executable).parent
        new_project = _sibling_or_path("new-project", here)
        copier = _sibling_or_path("copier", here)
        if new_project is None or copier is None:
            raise BenchError(
                f"new-project and copier must be installed for {sys.executable}: run "
                "`uv sync` in the repository and start the benchmarks with "
                "`uv run python bench/run.py`."
            )
        uv = find_uv()
        uv_dir = scratch / "bin"
        uv_dir.mkdir(parents=True, exist_ok=True)
        (uv_dir / "uv").symlink_to(uv)
        return cls(
            python=sys.executable,
            new_project=new_project,
            copier=copier,
            uv=str(uv_dir / "uv"),
            uv_dir=uv_dir,
            wrk=shutil.which("wrk"),
        )


def _sibling_or_path(name: str, directory: Path) -> str | None:
    # The console script next to this interpreter, not a version manager's shim (whose own
    # start-up would be measured too).
    sibling = directory / name
    return str(sibling) if sibling.is_file() else shutil.which(name)


def find_uv() -> Path:
    """The real uv binary: $UV (set by `uv run`), next to this interpreter, or on PATH."""
    candidates = [os.environ.get("UV"), str(Path(sys.executable).parent / "uv")]
    found = shutil.which("uv")
    if found and "shims" in Path(found).parts and shutil.which("pyenv"):
        # A pyenv shim picks an interpreter per directory; ask pyenv for the binary.
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            real = subprocess.run(
                ["pyenv", "which", "uv"], capture_output=True, text=True, check=True, timeout=30
            )
            candidates.append(real.stdout.strip())
    candidates.append(found)
    for candidate in candidates:
        if candidate and Path(candidate).is_file() and os.access(candidate, os.X_OK):
            return Path(candidate).resolve()
    raise BenchError("uv not found: install it with `python3 -m pip install uv`.")


@dataclass
class Row:
    """One line of the results table."""

    benchmark: str
    subject: str
    measured: str
    baseline: str
    ratio: float | None
    goal: str
    met: bool | None  # None: no goal, or not measured
    note: str = ""


@dataclass
class Section:
    """What one benchmark produced: table rows and the raw figures behind them."""

    name: str
    rows: list[Row] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0
    error: str | None = None


@dataclass
class Context:
    """Settings and state shared by the benchmarks of one run."""

    tools: Tools
    scratch: Path
    frameworks: list[str]
    quick: bool
    base_env: dict[str, str]
    # Generated projects that have been synced with the warm cache, by framework.
    projects: dict[str, Path] = field(default_factory=dict)

    def env(self, **extra: str) -> dict[str, str]:
        return {**self.base_env, **extra}

    def workdir(self, *parts: str) -> Path:
        """A new empty directory under the scratch directory."""
        path = self.scratch.joinpath(*parts)
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def run(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 600,
    ) -> subprocess.CompletedProcess[str]:
        """Run a command; raise BenchError with the end of its output if it fails."""
        label = " ".join(args)
        try:
            result = subprocess.run(
                list(args),
                cwd=cwd,
                env=dict(env) if env is not None else self.base_env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise BenchError(f"`{label}` took more than {timeout:.0f} s") from None
        if result.returncode != 0:
            output = tail(result.stdout + result.stderr)
            raise BenchError(f"`{label}` exited with {result.returncode}\n{output}")
        return result

    def timed(
        self,
        args: Sequence[str],
        *,
        cwd: Path | None = None,
        env: Mapping[str, str] | None = None,
        timeout: float = 600,
    ) -> Timing:
        before = _children_cpu()
        started = time.perf_counter()
        result = self.run(args, cwd=cwd, env=env, timeout=timeout)
        return Timing(time.perf_counter() - started, _children_cpu() - before, result)


@dataclass
class Timing:
    """One command's wall-clock time and the CPU time (user + system) it and its children
    used: on a shared machine the CPU time moves far less with the load than the wall."""

    wall: float
    cpu: float
    result: subprocess.CompletedProcess[str]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def clean_environ(scratch: Path, uv_dir: Path) -> dict[str, str]:
    """The environment every measured command gets: the caller's, minus what would leak
    into a generated project, with uv first on PATH and the tool's data kept in scratch."""
    env = processes.clean_environ(also=_BENCH_LEAKY)
    env["PATH"] = f"{uv_dir}{os.pathsep}{env.get('PATH', '')}"
    env["UV_NO_PROGRESS"] = "1"
    env["NO_COLOR"] = "1"
    env.pop("FORCE_COLOR", None)
    # The versioned template store of this run, so that the user's own is not touched.
    env["NEW_PROJECT_DATA_DIR"] = str(scratch / "new-project-data")
    return env


def path_without_uv(path: str) -> str:
    """PATH minus every directory that holds a `uv`, so that the generator finds none and
    leaves the lock step to the caller."""
    kept = [d for d in path.split(os.pathsep) if d and not (Path(d) / "uv").exists()]
    return os.pathsep.join(kept)


def tail(text: str, lines: int = 30) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def seconds(value: float) -> str:
    if value != value:  # NaN: not measured
        return "-"
    if value < 1:
        return f"{value * 1000:.0f} ms"
    return f"{value:.1f} s" if value < 120 else f"{value / 60:.1f} min"


def ratio_text(value: float | None) -> str:
    return "-" if value is None or value != value else f"{value:.2f}x"


def http_get(url: str, timeout: float = 10) -> tuple[int, bytes]:
    if not url.startswith("http://127.0.0.1:"):
        raise ValueError(f"only loopback URLs are fetched, not {url}")
    request = urllib.request.Request(url)  # noqa: S310 - loopback HTTP only, checked above
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return int(response.status), bytes(response.read())
    except urllib.error.HTTPError as error:
        return int(error.code), bytes(error.read())


@contextlib.contextmanager
def set_aside(path: Path) -> Iterator[None]:
    """Move a file out of the way for the duration (the dev .env is not deployed)."""
    aside = path.with_name(path.name + ".bench-aside")
    moved = path.exists()
    if moved:
        path.rename(aside)
    try:
        yield
    finally:
        if moved:
            aside.rename(path)


def load_average() -> float | None:
    try:
        return os.getloadavg()[0]
    except OSError:
        return None
