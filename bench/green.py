"""Time to green: generate a project, lock it, `uv sync`, and its tests passing.

Per template, with the warm uv cache of this machine (what a user has after the first
project) and with a cold one (a fresh, empty UV_CACHE_DIR: everything is downloaded from
the package index). The warm projects are kept for the served benchmark.

Each step is timed on its own: `new-project DEST --defaults` runs with no uv on its PATH,
so it renders, writes the store's answers and makes the first commit but leaves the lock
to the next step, `uv lock` as the generator runs it; then `uv sync --locked` and the
project's tests. With a warm cache the tests are where the time goes, so the warm row
also says where the test run's own time goes: the interpreter and plugins before pytest
starts its clock, the collection (`pytest --collect-only`), and the coverage measurement
(the same run with `--no-cov`).
"""

from __future__ import annotations

import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common import (
    PROJECT_DIR_NAME,
    BenchError,
    Context,
    Row,
    Section,
    path_without_uv,
    seconds,
)

GOAL_WARM = 5.0  # seconds, with a warm cache
STEPS = ("generate", "lock", "uv_sync", "pytest")
_PREPARED = re.compile(r"Prepared (\d+) packages?")
_PASSED = re.compile(r"(\d+) passed")
# pytest's own clock, on its last line: "196 passed in 16.89s" (or "... in 1.2s (0:00:01)").
_PYTEST_SECONDS = re.compile(r" in ([0-9.]+)s\b")
_COLLECTED = re.compile(r"collected in ([0-9.]+)s")
PYTEST = ("pytest", "-q", "-p", "no:cacheprovider")


@dataclass
class Green:
    generate: float
    lock: float
    uv_sync: float
    prepared: int  # packages uv downloaded or built
    pytest: float = 0.0
    # CPU time (user + system) of each step: what the step costs on an idle machine.
    cpu: dict[str, float] = field(default_factory=dict)
    tests_passed: int = 0
    repeated: bool = False  # the first warm attempt found packages missing from the cache
    # Where the test run's time goes (warm only): pytest's own clock, its collection, and
    # the wall time of the same run without coverage.
    pytest_clock: float = 0.0
    collection: float = 0.0
    pytest_without_coverage: float = 0.0
    profile_error: str = ""

    @property
    def total(self) -> float:
        return self.generate + self.lock + self.uv_sync + self.pytest


def run(ctx: Context, *, cold: bool = True) -> Section:
    section = Section("time to green")
    for framework in ctx.frameworks:
        for kind in ("warm", "cold") if cold else ("warm",):
            try:
                figures = _green(ctx, framework, kind)
            except BenchError as error:
                section.rows.append(_failed(framework, kind, str(error)))
                continue
            section.data[f"{framework}-{kind}"] = {**asdict(figures), "total": figures.total}
            section.rows.append(_row(framework, kind, figures))
    return section


def project(ctx: Context, framework: str) -> Path:
    """A generated project of `framework`, synced with the warm cache (made if needed)."""
    if framework not in ctx.projects:
        _green(ctx, framework, "warm", test=False)
    return ctx.projects[framework]


def _green(ctx: Context, framework: str, kind: str, *, test: bool = True) -> Green:
    figures = _attempt(ctx, framework, kind, test=test)
    # The warm figure means something only if the cache held every package already: uv
    # then prepares (builds) the project itself and nothing else.
    if kind == "warm" and figures.prepared > 1:
        figures = _attempt(ctx, framework, kind, test=test, attempt=2)
        figures.repeated = True
    return figures


def _attempt(ctx: Context, framework: str, kind: str, *, test: bool, attempt: int = 1) -> Green:
    tools = ctx.tools
    dest = ctx.workdir("green", f"{framework}-{kind}-{attempt}") / PROJECT_DIR_NAME
    env = ctx.env()
    cache = ctx.scratch / "uv-cold-cache" / framework
    if kind == "cold":
        shutil.rmtree(cache, ignore_errors=True)
        env["UV_CACHE_DIR"] = str(cache)
    try:
        generate = ctx.timed(
            [tools.new_project, str(dest), "--framework", framework, "--defaults"],
            env={**env, "PATH": path_without_uv(env["PATH"])},
        )
        # As the generator runs it (generator/lock.py) when uv is on its PATH.
        lock = ctx.timed([tools.uv, "lock", "--quiet", "--no-progress"], cwd=dest, env=env)
        sync = ctx.timed([tools.uv, "sync", "--locked"], cwd=dest, env=env, timeout=900)
        prepared = _PREPARED.search(sync.result.stderr)
        figures = Green(
            generate.wall, lock.wall, sync.wall, int(prepared.group(1)) if prepared else 0
        )
        figures.cpu = {"generate": generate.cpu, "lock": lock.cpu, "uv_sync": sync.cpu}
        if test:
            tested = ctx.timed([tools.uv, "run", *PYTEST], cwd=dest, env=env)
            figures.pytest = tested.wall
            figures.cpu["pytest"] = tested.cpu
            summary = _last_line(tested.result.stdout)
            passed = _PASSED.search(summary)
            figures.tests_passed = int(passed.group(1)) if passed else 0
            if kind == "warm":
                try:
                    _profile_tests(ctx, dest, env, figures, summary)
                except BenchError as error:  # the green figure stands without its profile
                    figures.profile_error = str(error).splitlines()[0]
    finally:
        if kind == "cold":
            shutil.rmtree(cache, ignore_errors=True)
    if kind == "warm":
        ctx.projects[framework] = dest
    else:
        shutil.rmtree(dest.parent, ignore_errors=True)
    return figures


def _profile_tests(
    ctx: Context, dest: Path, env: dict[str, str], figures: Green, summary: str
) -> None:
    """Where the test run's time goes: pytest's own clock (the rest of the wall time is
    uv, the interpreter and the plugins starting), collection, and coverage."""
    tools = ctx.tools
    clock = _PYTEST_SECONDS.search(summary)
    figures.pytest_clock = float(clock.group(1)) if clock else 0.0
    collected = ctx.run([tools.uv, "run", *PYTEST, "--collect-only", "--no-cov"], cwd=dest, env=env)
    found = _COLLECTED.search(_last_line(collected.stdout))
    figures.collection = float(found.group(1)) if found else 0.0
    plain = ctx.timed([tools.uv, "run", *PYTEST, "--no-cov"], cwd=dest, env=env)
    figures.pytest_without_coverage = plain.wall


def _last_line(output: str) -> str:
    lines = output.strip().splitlines()
    return lines[-1] if lines else ""


def _row(framework: str, kind: str, figures: Green) -> Row:
    note = (
        f"generate {seconds(figures.generate)} + lock {seconds(figures.lock)} + uv sync "
        f"{seconds(figures.uv_sync)} + pytest {seconds(figures.pytest)} "
        f"({figures.tests_passed} passed); CPU time "
        + " + ".join(seconds(figures.cpu.get(step, 0.0)) for step in STEPS)
        + f" = {seconds(sum(figures.cpu.values()))}"
    )
    if figures.pytest_clock:
        start_up = figures.pytest - figures.pytest_clock
        coverage = figures.pytest - figures.pytest_without_coverage
        note += (
            f"; of pytest: start-up {seconds(start_up)}, collection "
            f"{seconds(figures.collection)}, coverage {seconds(coverage)}"
        )
    if figures.profile_error:
        note += f"; the test run's profile failed: {figures.profile_error}"
    if figures.repeated:
        note += "; repeated: the first attempt found the cache incomplete"
    warm = kind == "warm"
    return Row(
        benchmark=f"time to green ({kind} cache)",
        subject=framework,
        measured=seconds(figures.total),
        baseline="",
        ratio=None,
        goal=f"< {GOAL_WARM:g} s" if warm else "",
        met=figures.total < GOAL_WARM if warm else None,
        note=note,
    )


def _failed(framework: str, kind: str, error: str) -> Row:
    goal = f"< {GOAL_WARM:g} s" if kind == "warm" else ""
    return Row(f"time to green ({kind} cache)", framework, "failed", "", None, goal, False, error)
