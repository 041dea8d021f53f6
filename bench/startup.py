"""Start-up: `new-project --help`, `list`, `recommend` and an interactive `create` (until
its first question shows) against bare `python -c pass`.

All the commands run in turn, round after round, so that a busy moment of the machine
falls on each of them alike; the medians are compared.
"""

from __future__ import annotations

import os
import pty
import select
import signal
import subprocess
import time
from collections.abc import Sequence

from common import Context, Row, Section, Timing, median, ratio_text, seconds

GOAL_HELP = 4.0  # `--help` within 4x bare Python
GOAL_FIRST_OUTPUT = 5.0  # `list`, `recommend` and `create` print something within 5x
CREATE = "new-project DEST (interactive, to its first question)"


def run(ctx: Context) -> Section:
    tools = ctx.tools
    commands = {
        "python -c pass": [tools.python, "-c", "pass"],
        "new-project --help": [tools.new_project, "--help"],
        "new-project list": [tools.new_project, "list"],
        "new-project recommend --need api": [tools.new_project, "recommend", "--need", "api"],
        CREATE: [tools.new_project, str(ctx.scratch / "startup-create")],
    }
    rounds = 10 if ctx.quick else 20
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(rounds + 2):  # the first two rounds warm the file cache
        names = list(commands)
        shift = round_number % len(names)  # rotate the order: no command always goes first
        for name in names[shift:] + names[:shift]:
            timing = (
                first_output(commands[name], ctx.env())
                if name == CREATE
                else ctx.timed(commands[name], timeout=120)
            )
            if round_number >= 2:
                wall[name].append(timing.wall)
                cpu[name].append(timing.cpu)
    section = Section("start-up", data={"rounds": rounds, "wall": wall, "cpu": cpu})
    base, base_cpu = median(wall["python -c pass"]), median(cpu["python -c pass"])
    for name in list(commands)[1:]:
        value = median(wall[name])
        ratio = value / base
        goal = GOAL_HELP if name.endswith("--help") else GOAL_FIRST_OUTPUT
        section.rows.append(
            Row(
                benchmark="start-up",
                subject=name,
                measured=seconds(value),
                baseline=f"{seconds(base)} (python -c pass)",
                ratio=ratio,
                goal=f"<= {goal:g}x",
                met=ratio <= goal,
                note=f"median of {rounds}, interleaved; CPU time "
                f"{seconds(median(cpu[name]))} vs {seconds(base_cpu)}, "
                f"{ratio_text(median(cpu[name]) / base_cpu)}",
            )
        )
    section.data["median_wall"] = {name: median(values) for name, values in wall.items()}
    section.data["median_cpu"] = {name: median(values) for name, values in cpu.items()}
    return section


def first_output(args: Sequence[str], env: dict[str, str]) -> Timing:
    """The time until `args`, on a terminal of its own, prints its first bytes; then it is
    interrupted (Ctrl-C), as a person leaving the first question would."""
    leader, follower = pty.openpty()
    started = time.perf_counter()
    process = subprocess.Popen(
        list(args),
        stdin=follower,
        stdout=follower,
        stderr=follower,
        env={**env, "TERM": "xterm", "COLUMNS": "80", "LINES": "24"},
        start_new_session=True,
    )
    os.close(follower)
    waited = 0.0
    try:
        ready, _, _ = select.select([leader], [], [], 60)
        waited = time.perf_counter() - started
        if not ready:
            raise TimeoutError(f"{args[0]} printed nothing in 60 s")
        os.read(leader, 4096)
    finally:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        os.close(leader)
    # CPU time is not collected for this one: the process is stopped, not finished.
    return Timing(waited, float("nan"), subprocess.CompletedProcess(list(args), 0))
