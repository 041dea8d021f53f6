"""Time to green: generate a project, `uv sync`, and its tests passing.

Per template, with the warm uv cache of this machine (what a user has after the first
project) and with a cold one (a fresh, empty UV_CACHE_DIR: everything is downloaded from
the package index). The warm projects are kept for the served benchmark.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import asdict, dataclass, field
from pathlib import Path

from common import PROJECT_DIR_NAME, BenchError, Context, Row, Section, seconds

GOAL_WARM = 10.0  # seconds, with a warm cache
_PREPARED = re.compile(r"Prepared (\d+) packages?")
_PASSED = re.compile(r"(\d+) passed")


@dataclass
class Green:
    generate: float
    uv_sync: float
    prepared: int  # packages uv downloaded or built
    pytest: float = 0.0
    # CPU time (user + system) of each step: what the step costs on an idle machine.
    cpu: dict[str, float] = field(default_factory=dict)
    tests_passed: int = 0
    repeated: bool = False  # the first warm attempt found packages missing from the cache

    @property
    def total(self) -> float:
        return self.generate + self.uv_sync + self.pytest


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
            [tools.new_project, str(dest), "--framework", framework, "--defaults"], env=env
        )
        sync = ctx.timed([tools.uv, "sync"], cwd=dest, env=env, timeout=900)
        prepared = _PREPARED.search(sync.result.stderr)
        figures = Green(generate.wall, sync.wall, int(prepared.group(1)) if prepared else 0)
        figures.cpu = {"generate": generate.cpu, "uv_sync": sync.cpu}
        if test:
            tested = ctx.timed(
                [tools.uv, "run", "pytest", "-q", "-p", "no:cacheprovider"], cwd=dest, env=env
            )
            figures.pytest = tested.wall
            figures.cpu["pytest"] = tested.cpu
            summary = tested.result.stdout.strip().splitlines()[-1:] or [""]
            passed = _PASSED.search(summary[0])
            figures.tests_passed = int(passed.group(1)) if passed else 0
    finally:
        if kind == "cold":
            shutil.rmtree(cache, ignore_errors=True)
    if kind == "warm":
        ctx.projects[framework] = dest
    else:
        shutil.rmtree(dest.parent, ignore_errors=True)
    return figures


def _row(framework: str, kind: str, figures: Green) -> Row:
    note = (
        f"generate {seconds(figures.generate)} + uv sync {seconds(figures.uv_sync)} + "
        f"pytest {seconds(figures.pytest)} ({figures.tests_passed} passed); CPU time "
        + " + ".join(seconds(value) for value in figures.cpu.values())
        + f" = {seconds(sum(figures.cpu.values()))}"
    )
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
