"""Websocket broadcast latency: how long a room message takes to reach every member.

For each template with a websocket room (the registry's `websocket_path`), the generated
project runs under its production command (the catalog's `serve`: two processes, which
the kernel hands connections to in turn, joined by the project's relay). CLIENTS clients
join one room over real sockets and read the room's news of their joining; then one of
them sends MESSAGES messages, INTERVAL seconds apart, and every client notes when each
arrives. A delivery's latency is its arrival
less its sending, on the one clock of this process. The row gives the p99 over every
delivery; the baseline is the same room with BASELINE_CLIENTS members, measured in the
same rounds (alternating), so the ratio says what ten times the members cost. The
clients are the contract's own (tests/websocket_checks.py): asyncio and the standard
library, all in this one process, so their own work is part of the figure.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import math
import secrets
import sys
import time
from typing import Any

import green
import served
from common import REPO_ROOT, BenchError, Context, Row, Section, median, set_aside

CLIENTS = 500
BASELINE_CLIENTS = 50
MESSAGES = 20
INTERVAL = 0.1  # seconds between two messages
JOIN_BATCH = 50  # clients joining at once
TIMEOUT = 60.0


def _websocket_checks() -> Any:
    sys.path.insert(0, str(REPO_ROOT / "tests"))
    try:
        return importlib.import_module("websocket_checks")
    finally:
        sys.path.remove(str(REPO_ROOT / "tests"))


def percentile(values: list[float], fraction: float) -> float:
    """The nearest-rank percentile: the smallest value at or above `fraction` of them."""
    ordered = sorted(values)
    return ordered[max(1, math.ceil(len(ordered) * fraction)) - 1]


async def room_latencies(url: str, clients: int, messages: int) -> tuple[list[float], int]:
    """Latencies of every delivery in seconds, and how many deliveries never came."""
    checks = _websocket_checks()
    room = f"bench-{secrets.token_hex(4)}"

    async def join(number: int) -> Any:
        client = await checks.Client.connect(f"{url}?room={room}&name=b{number}")
        while (event := await client.receive()) is not None and event.get("type") != "welcome":
            pass
        if event is None:
            raise BenchError(f"client {number} was closed before its welcome")
        return client

    members: list[Any] = []
    try:
        for start in range(0, clients, JOIN_BATCH):
            batch = range(start, min(start + JOIN_BATCH, clients))
            members += await asyncio.gather(*(join(number) for number in batch))
        # Each join is announced to the members already in: a backlog that grows with the
        # square of the room's size. A first message every member has read marks its end.
        ready = f"{room}-ready"

        async def drain(client: Any) -> None:
            while (event := await client.receive()) is not None:
                if event.get("type") == "message" and event.get("text") == ready:
                    return

        members[0].send({"text": ready})
        await asyncio.wait_for(asyncio.gather(*(drain(client) for client in members)), TIMEOUT)
        texts = [f"{room}-{number}" for number in range(messages)]
        sent: dict[str, float] = {}

        async def collect(client: Any) -> dict[str, float]:
            arrived: dict[str, float] = {}
            while len(arrived) < len(texts):
                event = await client.receive()
                if event is None:
                    break
                text = event.get("text")
                if event.get("type") == "message" and text in sent:
                    arrived.setdefault(text, time.perf_counter())
            return arrived

        collectors = [asyncio.create_task(collect(client)) for client in members]
        for text in texts:
            sent[text] = time.perf_counter()
            members[0].send({"text": text})
            await asyncio.sleep(INTERVAL)
        done, pending = await asyncio.wait(collectors, timeout=TIMEOUT)
        for task in pending:
            task.cancel()
        latencies = [
            arrived_at - sent[text] for task in done for text, arrived_at in task.result().items()
        ]
        return latencies, clients * messages - len(latencies)
    finally:
        await asyncio.gather(*(client.close() for client in members))


def run(ctx: Context) -> Section:
    section = Section("websocket broadcast")
    from generator.catalog import TEMPLATES

    rounds = 1 if ctx.quick else 3
    section.data["settings"] = {
        "clients": CLIENTS,
        "baseline_clients": BASELINE_CLIENTS,
        "messages": MESSAGES,
        "interval_s": INTERVAL,
        "rounds": rounds,
    }
    for framework in ctx.frameworks:
        path = TEMPLATES[framework].websocket_path
        if path is None:
            continue
        try:
            section.data[framework] = _framework(ctx, framework, path, rounds, section)
        except BenchError as error:
            section.rows.append(
                Row(f"broadcast p99, {CLIENTS} clients", framework, "failed", "", None, "",
                    False, str(error))
            )  # fmt: skip
    return section


def _framework(
    ctx: Context, framework: str, path: str, rounds: int, section: Section
) -> dict[str, object]:
    from generator.catalog import TEMPLATES

    template = TEMPLATES[framework]
    project = green.project(ctx, framework)
    env = ctx.env(SECRET_KEY=secrets.token_urlsafe(50), **template.serve_env)
    logs = ctx.workdir("broadcast", framework)
    figures: dict[int, list[dict[str, float]]] = {BASELINE_CLIENTS: [], CLIENTS: []}
    with set_aside(project / ".env"), contextlib.ExitStack() as stack:
        ctx.run(["sh", "-c", template.migrate], cwd=project, env=env)
        server = stack.enter_context(served.serve("project", template.serve, project, env, logs))
        served.wait_ready(server, template.hello_path, template.hello_json)
        url = server.url.replace("http://", "ws://", 1) + path
        asyncio.run(room_latencies(url, BASELINE_CLIENTS, 2))  # warm-up
        for _ in range(rounds):
            for clients in (BASELINE_CLIENTS, CLIENTS):
                latencies, missed = asyncio.run(room_latencies(url, clients, MESSAGES))
                if not latencies:
                    raise BenchError(f"no message reached any of {clients} clients")
                figures[clients].append(
                    {
                        "p50_ms": percentile(latencies, 0.5) * 1000,
                        "p99_ms": percentile(latencies, 0.99) * 1000,
                        "max_ms": max(latencies) * 1000,
                        "missed": missed,
                    }
                )
    p99 = median([figure["p99_ms"] for figure in figures[CLIENTS]])
    baseline = median([figure["p99_ms"] for figure in figures[BASELINE_CLIENTS]])
    ratios = [
        large["p99_ms"] / small["p99_ms"]
        for large, small in zip(figures[CLIENTS], figures[BASELINE_CLIENTS], strict=True)
    ]
    missed = int(sum(figure["missed"] for sizes in figures.values() for figure in sizes))
    note = (
        f"median of {rounds} alternating rounds; {MESSAGES} messages {INTERVAL * 1000:.0f} ms "
        f"apart to {CLIENTS * MESSAGES} deliveries a round; p50 "
        f"{median([figure['p50_ms'] for figure in figures[CLIENTS]]):.1f} ms, max "
        f"{max(figure['max_ms'] for figure in figures[CLIENTS]):.1f} ms"
    )
    if missed:
        note += f"; {missed} deliveries missed"
    section.rows.append(
        Row(
            benchmark=f"broadcast p99, {CLIENTS} clients",
            subject=framework,
            measured=f"{p99:.1f} ms",
            baseline=f"{baseline:.1f} ms ({BASELINE_CLIENTS} clients)",
            ratio=median(ratios),
            goal="every delivery made",
            met=missed == 0,
            note=note,
        )
    )
    return {"serve": template.serve, "rounds": {str(size): figures[size] for size in figures}}
