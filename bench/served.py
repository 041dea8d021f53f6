"""Served overhead: a generated project's hello route against the guide's minimal app.

Both run in the generated project's environment under the project's own production
server command (the catalog's `serve`: same server, workers, configuration file and
environment); only the application differs. wrk loads each on 127.0.0.1 in alternating
rounds of fixed duration and connections, and the ratio of requests per second is taken
per round (project / minimal app), then the median of those ratios.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
import subprocess
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import green
from common import (
    APPS_DIR,
    BenchError,
    Context,
    NotReady,
    Row,
    Section,
    free_port,
    http_get,
    median,
    ratio_text,
    set_aside,
    stop_process_group,
    tail,
    wait_until_ready,
)

if TYPE_CHECKING:
    from generator.catalog import Service

GOAL = 0.98  # the project serves at least 0.98x the minimal app's requests per second
CONNECTIONS = 16
START_TIMEOUT = 90.0
# A project's own production script, which starts its server on the project's app.
SERVE_SCRIPT = "uv run serve"
# The server each such script runs, started on `spec` and taking the script's options:
# Litestar's passes them to uvicorn; Sanic's starts Sanic's server without its banner or
# access log; Tornado's forks processes sharing a socket, as bench/apps/guide_tornado.py does.
SERVE_SCRIPT_SERVERS = {
    "litestar": "uvicorn {spec}",
    "sanic": "sanic {spec} --no-motd --no-access-logs",
    "tornado": "python -m guide_tornado",
}
# The guide app a pairing's server is measured against, by the service's name (a
# template's own server is measured against the guide app named after the template).
GUIDE_APP_OF_SERVICE = {"django": "django", "service": "fastapi"}
# An application spec in a server command, e.g. `app:app` or `config.asgi:application`.
_APP_SPEC = re.compile(r"(?<![\w.{/])([A-Za-z_][\w.]*):([A-Za-z_]\w*)\b")


@dataclass
class Load:
    requests_per_second: float
    p99_ms: float
    requests: int
    errors: int  # non-2xx/3xx responses and socket errors
    # CPU time the server's processes spent per request: moves far less with the load of
    # a shared machine than requests per second do.
    cpu_ms_per_request: float = 0.0


@dataclass
class Server:
    name: str
    url: str
    process: subprocess.Popen[bytes]
    log: Path


@dataclass
class Side:
    """One side of a comparison: a URL loaded with wrk, and the server process group whose
    CPU time it costs."""

    name: str
    url: str
    group: int
    headers: Sequence[str] = ()


@dataclass
class Comparison:
    """Alternating rounds of two sides, and their medians."""

    rounds: dict[str, list[Load]]
    ratios: list[float]  # first side over second, per round
    ratio: float
    requests_per_second: dict[str, float]
    p99_ms: dict[str, float]
    cpu_ms_per_request: dict[str, float]
    errors: dict[str, int]

    def measured(self, name: str) -> str:
        """One side's median rate and p99, as the results table shows them."""
        return f"{self.requests_per_second[name]:.0f} req/s, p99 {self.p99_ms[name]:.1f} ms"

    def data(self) -> dict[str, Any]:
        """Every round and median, for the results JSON."""
        return {
            "rounds": {name: [asdict(r) for r in loads] for name, loads in self.rounds.items()},
            "ratios": self.ratios,
            "ratio": self.ratio,
            "requests_per_second": self.requests_per_second,
            "p99_ms": self.p99_ms,
            "cpu_ms_per_request": self.cpu_ms_per_request,
        }

    def cpu_note(self, first: str, second: str) -> str:
        cpu = self.cpu_ms_per_request
        ratio = cpu[first] / cpu[second] if cpu[second] else None
        return (
            f"server CPU per request {cpu[first]:.2f} ms vs {cpu[second]:.2f} ms "
            f"({ratio_text(ratio)})"
        )


def compare(ctx: Context, first: Side, second: Side, duration: int, rounds: int) -> Comparison:
    """`rounds` rounds of `duration` seconds of wrk on each side, the order alternating
    from round to round so that neither side always runs on a warmer (or busier) machine."""
    sides = (first, second)
    loads: dict[str, list[Load]] = {side.name: [] for side in sides}
    for round_number in range(rounds):
        for side in sides if round_number % 2 == 0 else sides[::-1]:
            before = group_cpu_seconds(side.group)
            load = wrk(ctx, side.url, duration, side.headers)
            used = group_cpu_seconds(side.group) - before
            load.cpu_ms_per_request = 1000 * used / load.requests if load.requests else 0.0
            loads[side.name].append(load)
    ratios = [
        a.requests_per_second / b.requests_per_second
        for a, b in zip(loads[first.name], loads[second.name], strict=True)
        if b.requests_per_second > 0
    ]
    return Comparison(
        rounds=loads,
        ratios=ratios,
        ratio=median(ratios),
        requests_per_second={
            n: median([r.requests_per_second for r in v]) for n, v in loads.items()
        },
        p99_ms={n: median([r.p99_ms for r in v]) for n, v in loads.items()},
        cpu_ms_per_request={n: median([r.cpu_ms_per_request for r in v]) for n, v in loads.items()},
        errors={n: sum(r.errors for r in v) for n, v in loads.items()},
    )


def install_wrk() -> str:
    """Install wrk from the Debian packages (as root, with apt-get)."""
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise BenchError(WRK_MISSING)
    for command in (["apt-get", "update"], ["apt-get", "install", "-y", "wrk"]):
        subprocess.run(command, check=True, capture_output=True, timeout=600)
    found = shutil.which("wrk")
    if found is None:
        raise BenchError(WRK_MISSING)
    return found


WRK_MISSING = (
    "wrk is not installed: `sudo apt-get update && sudo apt-get install -y wrk` "
    "(Debian/Ubuntu), or run the benchmarks with --install-wrk as root."
)


def run(ctx: Context) -> Section:
    section = Section("served overhead")
    if ctx.tools.wrk is None:
        section.error = WRK_MISSING
        return section
    duration, rounds = (2, 3) if ctx.quick else (2, 6)
    section.data["settings"] = {
        "duration_s": duration,
        "rounds": rounds,
        "connections": CONNECTIONS,
        "threads": 1,
    }
    for framework in ctx.frameworks:
        try:
            section.data[framework] = _framework(ctx, framework, duration, rounds, section)
        except BenchError as error:
            section.rows.append(_failed(framework, error))
    return section


def _failed(subject: str, error: BenchError) -> Row:
    return Row("served /hello", subject, "failed", "", None, f">= {GOAL}x", False, str(error))


def _framework(
    ctx: Context, framework: str, duration: int, rounds: int, section: Section
) -> dict[str, object]:
    """Each server of the project against the guide's minimal app of its framework."""
    from generator.catalog import TEMPLATES

    template = TEMPLATES[framework]
    project = green.project(ctx, framework)
    data: dict[str, object] = {}
    # The development .env is not deployed (.dockerignore): production runs without it.
    with set_aside(project / ".env"):
        env = ctx.env(SECRET_KEY=secrets.token_urlsafe(50), PYTHONPATH=str(APPS_DIR))
        ctx.run(["sh", "-c", template.migrate], cwd=project, env={**env, **template.serve_env})
        for service in template.services:
            subject = framework if len(template.services) == 1 else f"{framework}: {service.name}"
            guide = GUIDE_APP_OF_SERVICE.get(service.name, framework)
            try:
                data[service.name] = _service(
                    ctx,
                    service,
                    guide,
                    project,
                    {**env, **service.serve_env},
                    subject,
                    duration,
                    rounds,
                    section,
                )
            except BenchError as error:  # the project's other servers are still measured
                section.rows.append(_failed(subject, error))
    return data


def _service(
    ctx: Context,
    service: Service,
    guide: str,
    project: Path,
    env: dict[str, str],
    subject: str,
    duration: int,
    rounds: int,
    section: Section,
) -> dict[str, object]:
    minimal_serve, minimal_env = minimal_command(service.serve, guide, project)
    logs = ctx.workdir("served", subject.replace(": ", "-"))
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(serve("project", service.serve, project, env, logs)),
            stack.enter_context(
                serve("minimal", minimal_serve, project, {**env, **minimal_env}, logs)
            ),
        ]
        for server in servers:
            wait_ready(server, service.hello_path, service.hello_json)
        for server in servers:  # warm-up: imports, caches, connection pools
            wrk(ctx, server.url + service.hello_path, 1)
        project_side, minimal_side = (
            Side(server.name, server.url + service.hello_path, server.process.pid)
            for server in servers
        )
        result = compare(ctx, project_side, minimal_side, duration, rounds)
    ratio, errors = result.ratio, result.errors
    note = (
        f"median of {rounds} alternating rounds of {duration} s, {CONNECTIONS} connections; "
        + result.cpu_note("project", "minimal")
    )
    if any(errors.values()):
        note += f"; errors {errors}"
    section.rows.append(
        Row(
            benchmark="served /hello",
            subject=subject,
            measured=result.measured("project"),
            baseline=f"{result.measured('minimal')} (minimal app)",
            ratio=ratio,
            goal=f">= {GOAL}x",
            met=ratio >= GOAL and not any(errors.values()),
            note=note,
        )
    )
    return {
        "serve": service.serve,
        "minimal_serve": minimal_serve,
        "minimal_env": minimal_env,
        **result.data(),
    }


def minimal_command(serve: str, framework: str, project: Path) -> tuple[str, dict[str, str]]:
    """The project's serve command pointed at the guide's minimal app instead.

    Only the application changes: gunicorn takes it as its argument (which wins over
    `wsgi_app` in gunicorn.conf.py), any other server where the command names
    `module:attribute`; a project's own `serve` script gives way to the same server
    started the way it starts any application (SERVE_SCRIPT_SERVERS), with the same
    options. The module, `bench/apps/guide_<framework>.py`, is found through
    PYTHONPATH, set for both servers. It serves `app`; a guide app for a framework that
    can run either way also has `asgi_app`, taken when the project's gunicorn runs ASGI
    workers (a `worker_class` in its gunicorn.conf.py).
    """
    attribute = "asgi_app" if _gunicorn_runs_asgi(project) else "app"
    spec = f"guide_{framework}:{attribute}"
    if serve.startswith(SERVE_SCRIPT) and framework in SERVE_SCRIPT_SERVERS:
        server = SERVE_SCRIPT_SERVERS[framework].format(spec=spec)
        return f"uv run {server}" + serve.removeprefix(SERVE_SCRIPT), {}
    if _APP_SPEC.search(serve):
        return _APP_SPEC.sub(spec, serve, count=1), {}
    if re.search(r"\bgunicorn\b", serve):
        return f"{serve} {spec}", {}
    raise BenchError(f"cannot point `{serve}` at another application")


def _gunicorn_runs_asgi(project: Path) -> bool:
    config = project / "gunicorn.conf.py"
    return (
        config.is_file()
        and re.search(r"(?m)^worker_class\s*=", config.read_text(encoding="utf-8")) is not None
    )


@contextlib.contextmanager
def serve(
    name: str, command: str, project: Path, env: dict[str, str], logs: Path
) -> Iterator[Server]:
    port = free_port()
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        # The catalog's documented command, a shell command by contract.
        process = subprocess.Popen(  # noqa: S602
            command.format(port=port),
            shell=True,
            cwd=project,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield Server(name, f"http://127.0.0.1:{port}", process, log)
    finally:
        stop_process_group(process)


def wait_ready(server: Server, path: str, expected: dict[str, str]) -> None:
    try:
        status, body = wait_until_ready(
            server.process, lambda: http_get(server.url + path), START_TIMEOUT
        )
    except NotReady as error:
        raise BenchError(
            f"the {server.name} server {error}\n" + tail(server.log.read_text(errors="replace"))
        ) from None
    if status != 200 or _json(body) != expected:
        raise BenchError(
            f"the {server.name} server answered {path} with {status} {body[:300]!r}, "
            f"expected {json.dumps(expected)}"
        )


def group_cpu_seconds(group: int) -> float:
    """User and system CPU time of the live processes of a process group (Linux /proc)."""
    ticks = 0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue  # the process is gone
        # After the command name: state, ppid, pgrp, ..., utime and stime (13th, 14th).
        if int(fields[2]) == group:
            ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def _json(body: bytes) -> object:
    try:
        return json.loads(body)
    except ValueError:
        return None


_RPS = re.compile(r"Requests/sec:\s+([\d.]+)")
_P99 = re.compile(r"^\s*99%\s+([\d.]+)(us|ms|s)\s*$", re.MULTILINE)
_REQUESTS = re.compile(r"(\d+) requests in")
_NON_2XX = re.compile(r"Non-2xx or 3xx responses:\s+(\d+)")
_SOCKET = re.compile(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)")
_UNIT_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def wrk(ctx: Context, url: str, duration: int, headers: Sequence[str] = ()) -> Load:
    """wrk against `url` for `duration` seconds, sending `headers` ("Name: value")."""
    assert ctx.tools.wrk is not None
    command = [
        ctx.tools.wrk,
        *(argument for header in headers for argument in ("--header", header)),
        "--threads",
        "1",
        "--connections",
        str(CONNECTIONS),
        "--duration",
        f"{duration}s",
        "--timeout",
        "5s",
        "--latency",
        url,
    ]
    output = ctx.run(command, timeout=duration + 60).stdout
    rps, p99, requests = _RPS.search(output), _P99.search(output), _REQUESTS.search(output)
    if rps is None or p99 is None or requests is None:
        raise BenchError(f"unexpected wrk output:\n{output}")
    errors = sum(int(n) for n in _NON_2XX.findall(output))
    for match in _SOCKET.findall(output):
        errors += sum(int(n) for n in match)
    return Load(
        requests_per_second=float(rps.group(1)),
        p99_ms=float(p99.group(1)) * _UNIT_MS[p99.group(2)],
        requests=int(requests.group(1)),
        errors=errors,
    )
