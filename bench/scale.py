"""Scale of the matrix: the contract suite's time per case, to plan for more options, and
(`--only suite`) the default test run's own time.

Runs a few cases of tests/test_contract.py (the defaults of the first templates chosen)
with CONTRACT_REPORT set, which makes the suite write each case's step times, and
projects the time of the quick suite and of the full matrix from the matrix's size.
"""

from __future__ import annotations

import importlib
import json
import os
import re
import subprocess
import sys
import time
from typing import Any

from common import REPO_ROOT, Context, Row, Section, median, seconds, tail

SUITE = "tests/test_contract.py"


def run(ctx: Context, *, cases: int = 1) -> Section:
    section = Section("scale")
    if not (REPO_ROOT / SUITE).is_file():
        section.error = f"{SUITE} not found"
        return section
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    try:
        contract: Any = importlib.import_module("contract")  # tests/contract.py
    finally:
        sys.path.remove(str(REPO_ROOT / "tests"))
    matrix = contract.option_matrix()
    quick = [case for cases_ in contract.quick_matrix(matrix).values() for case in cases_]
    full = [case for cases_ in matrix.values() for case in cases_]
    chosen = [matrix[framework][0] for framework in ctx.frameworks if matrix.get(framework)]
    chosen = chosen[:cases]
    report = ctx.scratch / "contract-report.jsonl"
    report.unlink(missing_ok=True)
    env = {**os.environ, "CONTRACT_REPORT": str(report)}
    command = [
        ctx.tools.python,
        "-m",
        "pytest",
        *(f"{SUITE}::test_contract[{case.id}]" for case in chosen),
        "-n",
        "0",  # one case at a time: the time of a case, not of a busy machine
        "-p",
        "no:randomly",
        "-p",
        "no:cacheprovider",
        "-q",
    ]
    result = subprocess.run(
        command,
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=1800,
        check=False,
    )
    lines = report.read_text().splitlines() if report.exists() else []
    records = [json.loads(line) for line in lines if line.strip()]
    if not records:
        section.error = "the contract suite wrote no report\n" + tail(result.stdout + result.stderr)
        return section
    per_case = median([float(record["seconds"]) for record in records])
    workers = os.cpu_count() or 1
    steps: dict[str, list[float]] = {}
    for record in records:
        for name, (_, step_seconds) in record["steps"].items():
            steps.setdefault(name, []).append(float(step_seconds))
    slowest = sorted(((median(v), k) for k, v in steps.items()), reverse=True)[:4]
    failed = sorted(
        {name for record in records for name, (ok, _) in record["steps"].items() if ok is False}
    )
    note = (
        f"quick suite {len(quick)} cases ~ {seconds(per_case * len(quick) / workers)}, "
        f"full matrix {len(full)} cases ~ {seconds(per_case * len(full) / workers)} "
        f"on {workers} workers; slowest steps: "
        + ", ".join(f"{name} {seconds(value)}" for value, name in slowest)
    )
    if failed:
        note += f"; failed steps: {', '.join(failed)}"
    for record in records:
        passed = all(ok is not False for ok, _ in record["steps"].values())
        section.rows.append(
            Row(
                benchmark="contract suite, one case",
                subject=str(record["case"]),
                measured=seconds(float(record["seconds"])),
                baseline="",
                ratio=None,
                goal="",
                met=None,
                note="every step passed" if passed else "some steps failed",
            )
        )
    section.rows.append(
        Row(
            benchmark="contract suite",
            subject=f"per case ({len(records)} measured)",
            measured=seconds(per_case),
            baseline="",
            ratio=None,
            goal="",
            met=None,
            note=note,
        )
    )
    section.data = {
        "cases": records,
        "seconds_per_case": per_case,
        "quick_cases": len(quick),
        "full_cases": len(full),
        "workers": workers,
        "estimated_quick_seconds": per_case * len(quick) / workers,
        "estimated_full_seconds": per_case * len(full) / workers,
        "pytest_exit_code": result.returncode,
    }
    return section


_PASSED = re.compile(r"(\d+) passed")


def run_suite(ctx: Context) -> Section:
    """The default test run itself (`pytest` with the options pyproject.toml gives it, so
    one worker per core), timed from start to end: what a contributor or CI waits for.
    Not in the default set of benchmarks: it takes about as long as CI."""
    section = Section("suite")
    report = ctx.scratch / "suite-contract-report.jsonl"
    report.unlink(missing_ok=True)
    env = {**os.environ, "CONTRACT_REPORT": str(report)}
    env.pop("CI_FULL", None)
    started = time.monotonic()
    result = subprocess.run(
        [ctx.tools.python, "-m", "pytest", "-p", "no:cacheprovider", "-q"],
        cwd=REPO_ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=3 * 3600,
        check=False,
    )
    wall = time.monotonic() - started
    summary = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    passed = _PASSED.search(summary)
    lines = report.read_text().splitlines() if report.exists() else []
    cases = [json.loads(line) for line in lines if line.strip()]
    section.rows.append(
        Row(
            benchmark="default test run",
            subject=f"{passed.group(1) if passed else '?'} tests, {len(cases)} contract cases",
            measured=seconds(wall),
            baseline="",
            ratio=None,
            goal="< 25 min",
            met=result.returncode == 0 and wall < 25 * 60,
            note=summary if result.returncode == 0 else f"exit {result.returncode}: {summary}",
        )
    )
    section.data = {
        "seconds": wall,
        "pytest_exit_code": result.returncode,
        "summary": summary,
        "cases": [{"case": case["case"], "seconds": case["seconds"]} for case in cases],
    }
    if result.returncode != 0:
        section.error = tail(result.stdout + result.stderr)
    return section
