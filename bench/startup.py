"""Start-up: `new-project --help`, `list` and `recommend` against bare `python -c pass`.

All four commands run in turn, round after round, so that a busy moment of the machine
falls on each of them alike; the medians are compared.
"""

from __future__ import annotations

from common import Context, Row, Section, median, ratio_text, seconds

GOAL_HELP = 4.0  # `--help` within 4x bare Python


def run(ctx: Context) -> Section:
    tools = ctx.tools
    commands = {
        "python -c pass": [tools.python, "-c", "pass"],
        "new-project --help": [tools.new_project, "--help"],
        "new-project list": [tools.new_project, "list"],
        "new-project recommend --need api": [tools.new_project, "recommend", "--need", "api"],
    }
    rounds = 10 if ctx.quick else 20
    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    for round_number in range(rounds + 2):  # the first two rounds warm the file cache
        names = list(commands)
        shift = round_number % len(names)  # rotate the order: no command always goes first
        for name in names[shift:] + names[:shift]:
            timing = ctx.timed(commands[name], timeout=120)
            if round_number >= 2:
                wall[name].append(timing.wall)
                cpu[name].append(timing.cpu)
    section = Section("start-up", data={"rounds": rounds, "wall": wall, "cpu": cpu})
    base, base_cpu = median(wall["python -c pass"]), median(cpu["python -c pass"])
    for name in list(commands)[1:]:
        value = median(wall[name])
        ratio = value / base
        is_help = name.endswith("--help")
        section.rows.append(
            Row(
                benchmark="start-up",
                subject=name,
                measured=seconds(value),
                baseline=f"{seconds(base)} (python -c pass)",
                ratio=ratio,
                goal=f"<= {GOAL_HELP:g}x" if is_help else "",
                met=ratio <= GOAL_HELP if is_help else None,
                note=f"median of {rounds}, interleaved; CPU time "
                f"{seconds(median(cpu[name]))} vs {seconds(base_cpu)}, "
                f"{ratio_text(median(cpu[name]) / base_cpu)}",
            )
        )
    section.data["median_wall"] = {name: median(values) for name, values in wall.items()}
    section.data["median_cpu"] = {name: median(values) for name, values in cpu.items()}
    return section
