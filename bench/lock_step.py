"""What the lock step of generation costs: time to a green project with and without it.

    uv run python bench/lock_step.py                    # the first template, 2 rounds
    uv run python bench/lock_step.py --framework NAME --rounds 3

With the lock step (what users get): `new-project DEST --framework X --defaults` (which
runs `uv lock` and commits uv.lock), then `uv sync --locked`, then the project's tests.
Without it: the same command with no uv on its PATH (it then skips the lock and says so,
and commits the rest), then `uv sync` (which resolves and writes the lock itself), then
the tests. Both use this machine's warm uv cache; a warm-up of each comes first and is not
counted (`--no-warm-up` skips it when the cache is known to be warm), and the rounds
alternate which goes first. The figure is the ratio of the median totals, with the
per-step medians and the load average in the note and the JSON.
"""

from __future__ import annotations

import argparse
import datetime
import shutil
import sys
import tempfile
import time
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `python bench/lock_step.py`

from common import (  # after the path above
    PROJECT_DIR_NAME,
    BenchError,
    Context,
    Row,
    Section,
    Tools,
    clean_environ,
    load_average,
    median,
    path_without_uv,
    seconds,
)
from run import RESULTS, machine, stamp_now, table, write_results

from generator.catalog import TEMPLATES

STEPS = ("generate", "uv sync", "tests")
WAYS = ("with lock", "without lock")


def green(ctx: Context, framework: str, way: str, label: str) -> dict[str, float]:
    """One project to green tests; the wall-clock seconds of each step."""
    dest = ctx.workdir("lock", label) / PROJECT_DIR_NAME
    tools, env = ctx.tools, ctx.env()
    generate_env = dict(env)
    if way == "without lock":
        generate_env["PATH"] = path_without_uv(env["PATH"])
    generate = ctx.timed(
        [tools.new_project, str(dest), "--framework", framework, "--defaults"], env=generate_env
    )
    has_lock = (dest / "uv.lock").is_file()
    if has_lock != (way == "with lock"):
        raise BenchError(f"{way}: the generated project {'has' if has_lock else 'lacks'} uv.lock")
    sync_args = [tools.uv, "sync", "--locked"] if has_lock else [tools.uv, "sync"]
    sync = ctx.timed(sync_args, cwd=dest, env=env, timeout=900)
    tests = ctx.timed(
        [tools.uv, "run", "pytest", "-q", "-p", "no:cacheprovider"], cwd=dest, env=env
    )
    shutil.rmtree(dest.parent, ignore_errors=True)
    return {"generate": generate.wall, "uv sync": sync.wall, "tests": tests.wall}


def measure(ctx: Context, framework: str, rounds: int, *, warm_up: bool = True) -> Section:
    section = Section("lock step")
    samples: dict[str, list[dict[str, float]]] = {way: [] for way in WAYS}
    for way in WAYS if warm_up else ():  # fills the cache and the store; not counted
        green(ctx, framework, way, f"warm-up-{way}")
    for number in range(rounds):
        order = WAYS if number % 2 == 0 else WAYS[::-1]
        for way in order:
            samples[way].append(green(ctx, framework, way, f"{number}-{way}"))
    medians = {
        way: {step: median([s[step] for s in samples[way]]) for step in STEPS} for way in WAYS
    }
    totals = {way: sum(medians[way].values()) for way in WAYS}
    ratio = totals["with lock"] / totals["without lock"]
    note = "; ".join(
        f"{way}: " + " + ".join(f"{step} {seconds(medians[way][step])}" for step in STEPS)
        for way in WAYS
    )
    section.rows.append(
        Row(
            benchmark="time to green, with the lock step",
            subject=framework,
            measured=seconds(totals["with lock"]),
            baseline=seconds(totals["without lock"]),
            ratio=ratio,
            goal="",
            met=None,
            note=f"medians of {rounds} rounds, warm uv cache; {note}",
        )
    )
    section.data = {"framework": framework, "rounds": rounds, "samples": samples, "ratio": ratio}
    return section


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/lock_step.py", description=__doc__)
    parser.add_argument("--framework", default=next(iter(TEMPLATES)))
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--no-warm-up", action="store_true", help="the uv cache is warm already: skip it"
    )
    args = parser.parse_args(argv)
    if args.rounds < 1:
        parser.error("--rounds must be at least 1")
    scratch = Path(tempfile.mkdtemp(prefix="new-project-bench-"))
    started = time.monotonic()
    try:
        tools = Tools.discover(scratch)
        machine_info = machine(tools)
        ctx = Context(tools, scratch, [args.framework], False, clean_environ(scratch, tools.uv_dir))
        load_before = load_average()
        section = measure(ctx, args.framework, args.rounds, warm_up=not args.no_warm_up)
        section.data["load_average"] = {"before": load_before, "after": load_average()}
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    section.seconds = time.monotonic() - started
    report: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info,
        "options": {
            "only": ["lock"],
            "framework": args.framework,
            "rounds": args.rounds,
            "warm_up": not args.no_warm_up,
            "quick": False,
        },
        "seconds": round(section.seconds, 1),
        "sections": [asdict(section)],
    }
    print(table([section]))
    loads = section.data["load_average"]
    print(f"load average {loads['before'] or 0:.1f} before, {loads['after'] or 0:.1f} after")
    write_results(
        report,
        [section],
        f"python bench/lock_step.py --framework {args.framework}",
        RESULTS / f"{stamp_now()}-lock.json",
        postscript=f"\nLoad average {loads['before'] or 0:.1f} before and "
        f"{loads['after'] or 0:.1f} after the measurement.\n",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
