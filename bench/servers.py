"""ASGI servers for Quart: which one serves a generated Quart project fastest.

One generated Quart project (its own environment, with hypercorn and uvicorn added to it)
is served by hypercorn (Quart's own recommendation), uvicorn and granian at once, one
worker each, all loading the same `asgi:app`. wrk loads each server's /hello in turn, in
rounds whose order rotates, and each server's rate is divided by hypercorn's in the same
round; the median of those ratios is reported. The loads are short (seconds per server),
so the figures are ratios within one run, not absolute rates.
"""

from __future__ import annotations

import contextlib
import secrets
from dataclasses import asdict, dataclass

import green
import served
from common import BenchError, Context, Row, Section, median, set_aside

FRAMEWORK = "quart"
BASELINE = "hypercorn"
# The versions measured: the latest releases when the harness was written.
EXTRA_SERVERS = ("hypercorn==0.18.0", "uvicorn==0.54.0")
COMMANDS = {
    "hypercorn": "uv run --no-sync hypercorn --bind 127.0.0.1:{port} --workers 1 served_asgi:app",
    "uvicorn": (
        "uv run --no-sync uvicorn --host 127.0.0.1 --port {port} --workers 1 "
        "--no-access-log served_asgi:app"
    ),
    "granian": (
        "uv run --no-sync granian --interface asgi --host 127.0.0.1 --port {port} "
        "--workers 1 served_asgi:app"
    ),
}
# The project's production app (asgi.py) behind a coroutine function: hypercorn tells ASGI
# from WSGI by that, and granian's proxy-headers wrapper in asgi.py is a plain function.
# Every server calls the same wrapper, so it costs each the same.
SERVED_ASGI = """import asgi


async def app(scope, receive, send):
    await asgi.app(scope, receive, send)
"""


@dataclass
class ServerFigures:
    requests_per_second: float
    p99_ms: float
    cpu_ms_per_request: float
    errors: int
    ratio: float  # median over rounds of this server's rate / hypercorn's


def run(ctx: Context) -> Section:
    section = Section("ASGI servers for Quart")
    if ctx.tools.wrk is None:
        section.error = served.WRK_MISSING
        return section
    duration, rounds = (2, 3) if ctx.quick else (3, 5)
    section.data["settings"] = {
        "duration_s": duration,
        "rounds": rounds,
        "connections": served.CONNECTIONS,
        "workers": 1,
        "servers": EXTRA_SERVERS,
    }
    section.data[FRAMEWORK] = {
        name: asdict(figures) for name, figures in _measure(ctx, duration, rounds, section).items()
    }
    return section


def _measure(
    ctx: Context, duration: int, rounds: int, section: Section
) -> dict[str, ServerFigures]:
    from generator.catalog import TEMPLATES

    template = TEMPLATES[FRAMEWORK]
    project = green.project(ctx, FRAMEWORK)
    env = ctx.env(SECRET_KEY=secrets.token_urlsafe(50), **template.serve_env)
    ctx.run(
        [ctx.tools.uv, "pip", "install", "--python", str(project / ".venv"), *EXTRA_SERVERS],
        cwd=project,
        env=env,
    )
    (project / "served_asgi.py").write_text(SERVED_ASGI, encoding="utf-8")
    logs = ctx.workdir("servers", FRAMEWORK)
    url_path = template.hello_path
    loads: dict[str, list[served.Load]] = {name: [] for name in COMMANDS}
    with set_aside(project / ".env"), contextlib.ExitStack() as stack:
        servers = {
            name: stack.enter_context(served.serve(name, command, project, env, logs))
            for name, command in COMMANDS.items()
        }
        for server in servers.values():
            served.wait_ready(server, url_path, template.hello_json)
            served.wrk(ctx, server.url + url_path, 1)  # warm-up
        names = list(COMMANDS)
        for round_number in range(rounds):
            shift = round_number % len(names)
            for name in names[shift:] + names[:shift]:
                server = servers[name]
                group = server.process.pid
                before = served.group_cpu_seconds(group)
                load = served.wrk(ctx, server.url + url_path, duration)
                used = served.group_cpu_seconds(group) - before
                load.cpu_ms_per_request = 1000 * used / load.requests if load.requests else 0.0
                loads[name].append(load)
    figures: dict[str, ServerFigures] = {}
    for name, measured in loads.items():
        ratios = [
            mine.requests_per_second / base.requests_per_second
            for mine, base in zip(measured, loads[BASELINE], strict=True)
            if base.requests_per_second > 0
        ]
        if not ratios:
            raise BenchError(f"{BASELINE} answered no request")
        figures[name] = ServerFigures(
            requests_per_second=median([load.requests_per_second for load in measured]),
            p99_ms=median([load.p99_ms for load in measured]),
            cpu_ms_per_request=median([load.cpu_ms_per_request for load in measured]),
            errors=sum(load.errors for load in measured),
            ratio=median(ratios),
        )
    for name, result in figures.items():
        section.rows.append(
            Row(
                benchmark="Quart /hello by server",
                subject=name,
                measured=f"{result.requests_per_second:.0f} req/s, p99 {result.p99_ms:.1f} ms",
                baseline=f"{figures[BASELINE].requests_per_second:.0f} req/s ({BASELINE})",
                ratio=result.ratio,
                goal="",
                met=None,
                note=(
                    f"GET {url_path}, one worker each; median of {rounds} rotating rounds of "
                    f"{duration} s, {served.CONNECTIONS} connections; server CPU per request "
                    f"{result.cpu_ms_per_request:.2f} ms; errors {result.errors}; a shared "
                    "machine: ratios within this run only"
                ),
            )
        )
    return figures
