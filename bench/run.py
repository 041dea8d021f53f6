"""Run the benchmarks, print a table and write it as JSON (and Markdown).

    uv run python bench/run.py                      # all seven
    uv run python bench/run.py --quick              # fewer rounds, shorter loads
    uv run python bench/run.py --only startup,render --frameworks flask
    uv run python bench/run.py --only suite         # the default test run (as long as CI)
    uv run python bench/run.py --only servers       # hypercorn, uvicorn, granian for Quart
    uv run python bench/run.py --only wsgi-servers  # Pyramid's /hello: gunicorn vs waitress

Every figure is a ratio against a baseline measured in the same run (interleaved where
the two can alternate), so that the figures hold on a noisy, shared machine.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))  # `python bench/run.py` from anywhere

import broadcast  # after the path above
import green
import rendering
import scale
import served
import servers
import startup
import tokens
import wsgi_servers
from common import (
    BENCH_DIR,
    REPO_ROOT,
    BenchError,
    Context,
    Row,
    Section,
    Tools,
    clean_environ,
    load_average,
    ratio_text,
)

BENCHMARKS = ("startup", "render", "green", "served", "tokens", "broadcast", "scale")
# Named with --only, never run by default: the whole default test run takes as long as CI.
ON_REQUEST = ("suite", "servers", "wsgi-servers")
RESULTS = BENCH_DIR / "results"
BUDGET_SECONDS = 600  # all seven, on an idle 2-core machine


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    sys.path.insert(0, str(REPO_ROOT))
    from generator.catalog import TEMPLATES

    only = _names(args.only, BENCHMARKS, "benchmark", also=ON_REQUEST)
    frameworks = _names(args.frameworks, tuple(TEMPLATES), "framework")
    scratch = Path(tempfile.mkdtemp(prefix="new-project-bench-"))
    started = time.monotonic()
    try:
        tools = Tools.discover(scratch)
        if tools.wrk is None and {"served", "tokens", "servers"} & set(only) and args.install_wrk:
            tools = Tools(**{**tools.__dict__, "wrk": served.install_wrk()})
        machine_info = machine(tools)
        ctx = Context(
            tools=tools,
            scratch=scratch,
            frameworks=frameworks,
            quick=args.quick,
            base_env=clean_environ(scratch, tools.uv_dir),
        )
        steps: dict[str, Callable[[], Section]] = {
            "startup": lambda: startup.run(ctx),
            "render": lambda: rendering.run(ctx, args.cookiecutter_django),
            "green": lambda: green.run(ctx, cold=not args.no_cold),
            "served": lambda: served.run(ctx),
            "tokens": lambda: tokens.run(ctx),
            "broadcast": lambda: broadcast.run(ctx),
            "scale": lambda: scale.run(ctx, cases=args.contract_cases),
            "suite": lambda: scale.run_suite(ctx),
            "servers": lambda: servers.run(ctx),
            "wsgi-servers": lambda: wsgi_servers.run(ctx),
        }
        sections = []
        for name in only:
            load_before = load_average()
            print(f"-- {name} (load average {load_before or 0:.1f})", flush=True)
            section_started = time.monotonic()
            try:
                section = steps[name]()
            except BenchError as error:
                section = Section(name, error=str(error))
            section.seconds = time.monotonic() - section_started
            section.data["load_average"] = {"before": load_before, "after": load_average()}
            sections.append(section)
            _print_section(section)
    except BenchError as error:
        print(f"bench: error: {error}", file=sys.stderr)
        return 1
    finally:
        if args.keep:
            print(f"scratch kept in {scratch}")
        else:
            shutil.rmtree(scratch, ignore_errors=True)
    report: dict[str, Any] = {
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "machine": machine_info,
        "options": {
            "only": only,
            "frameworks": frameworks,
            "quick": args.quick,
            "cold_cache": not args.no_cold,
            "contract_cases": args.contract_cases,
        },
        "seconds": round(time.monotonic() - started, 1),
        "sections": [asdict(section) for section in sections],
    }
    print()
    print(table(sections))
    print(f"\n{report['seconds']:.0f} s in all; machine: {report['machine']['summary']}")
    if report["seconds"] > BUDGET_SECONDS and not set(only) & set(ON_REQUEST):
        print(
            f"over the {BUDGET_SECONDS // 60} minute budget; load average now "
            f"{load_average() or 0:.1f} on {os.cpu_count()} cores (the machine is shared?)"
        )
    json_path = args.json or RESULTS / f"{stamp_now()}-{'-'.join(only)}.json"
    command = "python bench/run.py" + (" --quick" if args.quick else "")
    write_results(report, sections, command, json_path, args.markdown)
    return 0


def stamp_now() -> str:
    """The UTC time that names a results file."""
    return datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%dT%H%M%SZ")


def write_results(
    report: dict[str, Any],
    sections: list[Section],
    command: str,
    json_path: Path,
    markdown_path: Path | None = None,
    postscript: str = "",
) -> None:
    """The run as JSON, and as the Markdown table (beside the JSON unless named), which
    names `command` as what was run and ends with `postscript`."""
    markdown_path = markdown_path or json_path.with_suffix(".md")
    for path in (json_path, markdown_path):
        path.parent.mkdir(parents=True, exist_ok=True)
    json_path.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    markdown = to_markdown(report, sections, command) + postscript
    markdown_path.write_text(markdown, encoding="utf-8")
    print(f"written: {json_path}, {markdown_path}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench/run.py", description=__doc__, formatter_class=argparse.RawTextHelpFormatter
    )
    parser.add_argument(
        "--only",
        default="",
        help=f"comma-separated subset of {', '.join(BENCHMARKS)}; or {', '.join(ON_REQUEST)} "
        "(the default test run, as long as CI)",
    )
    parser.add_argument("--frameworks", default="", help="comma-separated templates (all)")
    parser.add_argument("--quick", action="store_true", help="fewer rounds, shorter loads")
    parser.add_argument("--no-cold", action="store_true", help="skip the cold-cache time to green")
    parser.add_argument("--contract-cases", type=int, default=1, help="contract cases to time (1)")
    parser.add_argument(
        "--install-wrk", action="store_true", help="apt-get install wrk if missing (root)"
    )
    parser.add_argument(
        "--json",
        type=Path,
        default=None,
        help="where to write the JSON (bench/results/<UTC time>-<benchmarks>.json): a run "
        "keeps its own file, so a figure can cite it",
    )
    parser.add_argument(
        "--markdown", type=Path, default=None, help="where to write the Markdown table"
    )
    parser.add_argument(
        "--cookiecutter-django",
        type=Path,
        default=None,
        help="a checkout of cookiecutter-django: the render benchmark compares with it",
    )
    parser.add_argument("--keep", action="store_true", help="keep the scratch directory")
    return parser


def _names(given: str, known: tuple[str, ...], what: str, also: tuple[str, ...] = ()) -> list[str]:
    """The names given (all `known` ones if none), each one of `known` or `also`."""
    names = [name.strip() for name in given.split(",") if name.strip()] or list(known)
    unknown = [name for name in names if name not in known + also]
    if unknown:
        raise SystemExit(f"bench: unknown {what} {', '.join(unknown)}; choose from {known}")
    return names


def machine(tools: Tools) -> dict[str, Any]:
    def version(*command: str) -> str:
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=30)
        except (OSError, subprocess.SubprocessError):
            return "-"
        lines = (result.stdout or result.stderr).strip().splitlines()
        return lines[0] if lines else "-"

    cpu = "-"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gib = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    cores = os.cpu_count() or 0
    python = platform.python_version()
    info = {
        "cpu": cpu,
        "cores": cores,
        "memory_gib": round(memory_gib, 1),
        "os": platform.platform(terse=True),
        "python": python,
        "uv": version(tools.uv, "--version"),
        "wrk": version(tools.wrk, "--version").split(" [")[0] if tools.wrk else "-",
        "load_average": load_average(),
    }
    info["summary"] = (
        f"{cores} cores ({cpu}), {info['memory_gib']} GiB, {info['os']}, Python {python}, "
        f"{info['uv']}"
    )
    return info


def _cells(row: Row) -> list[str]:
    met = {True: "met", False: "MISSED", None: ""}[row.met]
    return [
        row.benchmark,
        row.subject,
        row.measured,
        row.baseline,
        ratio_text(row.ratio),
        row.goal,
        met,
    ]


_HEADER = ["benchmark", "subject", "measured", "baseline", "ratio", "goal", "goal met"]


def _print_section(section: Section) -> None:
    if section.error:
        print(f"   not run: {section.error}")
    for row in section.rows:
        print("   " + " | ".join(cell for cell in _cells(row) if cell))
    print(f"   ({section.seconds:.0f} s)", flush=True)


def table(sections: list[Section]) -> str:
    rows = [_HEADER] + [_cells(row) for section in sections for row in section.rows]
    widths = [max(len(row[i]) for row in rows) for i in range(len(_HEADER))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True))
        for row in rows
    ]
    lines.insert(1, "  ".join("-" * width for width in widths))
    notes = [
        f"- {row.benchmark} {row.subject}: {' / '.join(row.note.splitlines())}"
        for section in sections
        for row in section.rows
        if row.note
    ]
    errors = [f"- {section.name} not run: {section.error}" for section in sections if section.error]
    return "\n".join(lines + (["", *notes] if notes else []) + (["", *errors] if errors else []))


def _markdown_cell(text: str) -> str:
    return " / ".join(text.replace("|", "\\|").splitlines())


def to_markdown(report: dict[str, Any], sections: list[Section], command: str) -> str:
    machine_info = report["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Finished {report['date']}, `{command}` in {report['seconds']:.0f} s, "
        f"on {machine_info['summary']}, "
        f"{machine_info['wrk']}; load average at the start "
        f"{machine_info['load_average'] or 0:.1f} (the machine is shared).",
        "",
        "| " + " | ".join([*_HEADER, "note"]) + " |",
        "|" + " --- |" * (len(_HEADER) + 1),
    ]
    for section in sections:
        for row in section.rows:
            cells = [*_cells(row), row.note]
            lines.append("| " + " | ".join(_markdown_cell(cell) for cell in cells) + " |")
    for section in sections:
        if section.error:
            lines += ["", f"{section.name} not run: {section.error}"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    raise SystemExit(main())
