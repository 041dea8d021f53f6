"""Rendering: `new-project DEST --defaults --no-git` against bare `copier copy`.

Bare Copier renders the same source with the same answers: the source and version are
read from the answers file of a project new-project has just made (its versioned
template store, or whatever the tool renders from). The two commands alternate, pair
after pair, and the medians are compared.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import yaml
from common import PROJECT_DIR_NAME, BenchError, Context, Row, Section, median, ratio_text, seconds

GOAL = 1.15  # new-project at most 1.15x bare Copier


def run(ctx: Context) -> Section:
    section = Section("rendering")
    pairs = 2 if ctx.quick else 4
    section.data["pairs"] = pairs
    for framework in ctx.frameworks:
        try:
            section.data[framework] = _framework(ctx, framework, pairs, section)
        except BenchError as error:
            section.rows.append(
                Row("rendering", framework, "failed", "", None, f"<= {GOAL}x", False, str(error))
            )
    return section


def _framework(ctx: Context, framework: str, pairs: int, section: Section) -> dict[str, object]:
    tools = ctx.tools

    def new_project(dest: Path) -> list[str]:
        return [tools.new_project, str(dest), "--defaults", "--no-git", "--framework", framework]

    # A first run builds the template store if needed and tells what Copier should read.
    warm = ctx.workdir("render", framework, "warm") / PROJECT_DIR_NAME
    ctx.run(new_project(warm))
    answers = yaml.safe_load((warm / ".copier-answers.yml").read_text(encoding="utf-8"))
    src, ref = _source(str(answers["_src_path"]), str(answers.get("_commit") or ""))

    def copier(dest: Path) -> list[str]:
        version = ["--vcs-ref", ref] if ref else []
        return [
            tools.copier,
            "copy",
            "--quiet",
            "--defaults",
            "-d",
            f"framework={framework}",
            *version,
            str(src),
            str(dest),
        ]

    bare = ctx.workdir("render", framework, "warm-copier") / PROJECT_DIR_NAME
    ctx.run(copier(bare))
    different = _files(warm) ^ _files(bare)
    shutil.rmtree(warm.parent)
    shutil.rmtree(bare.parent)

    wall: dict[str, list[float]] = {"new-project": [], "copier": []}
    cpu: dict[str, list[float]] = {"new-project": [], "copier": []}
    commands = {"new-project": new_project, "copier": copier}
    failures: list[str] = []
    for pair in range(pairs):
        order = ["new-project", "copier"] if pair % 2 == 0 else ["copier", "new-project"]
        for name in order:
            dest = ctx.workdir("render", framework, f"{name}-{pair}") / PROJECT_DIR_NAME
            try:
                timing = ctx.timed(commands[name](dest))
            except BenchError as error:
                # Reported, and tried once more: one failure should not cost the figures.
                failures.append(f"{name}: {error}")
                dest = ctx.workdir("render", framework, f"{name}-{pair}-again") / PROJECT_DIR_NAME
                timing = ctx.timed(commands[name](dest))
            wall[name].append(timing.wall)
            cpu[name].append(timing.cpu)
            shutil.rmtree(dest.parent)
    # Judged on CPU time (user + system, children included): on a shared machine the wall
    # clock moves with the load far more than the work done does. The wall is in the note.
    tool, bare_copier = median(wall["new-project"]), median(wall["copier"])
    tool_cpu, copier_cpu = median(cpu["new-project"]), median(cpu["copier"])
    ratio = tool / bare_copier
    cpu_ratio = tool_cpu / copier_cpu
    note = (
        f"median of {pairs} pairs, CPU time; wall time {seconds(tool)} vs "
        f"{seconds(bare_copier)}, {ratio_text(ratio)}"
    )
    if failures:
        note += f"; {len(failures)} run(s) failed and were repeated: " + " / ".join(
            " ".join(failure.split()) for failure in failures
        )
    if different:
        note += f"; files differ: {', '.join(sorted(different)[:5])}"
    section.rows.append(
        Row(
            benchmark="rendering (CPU time)",
            subject=framework,
            measured=seconds(tool_cpu),
            baseline=f"{seconds(copier_cpu)} (copier copy)",
            ratio=cpu_ratio,
            goal=f"<= {GOAL}x",
            met=cpu_ratio <= GOAL,
            note=note,
        )
    )
    return {
        "source": str(src),
        "vcs_ref": ref,
        "wall": wall,
        "cpu": cpu,
        "cpu_ratio": cpu_ratio,
        "median_new_project": tool,
        "median_copier": bare_copier,
        "ratio": ratio,
        "files_differ": sorted(different),
        "failures": failures,
    }


def _source(src_path: str, commit: str) -> tuple[Path, str | None]:
    """The template source a project records, and the version to give Copier: its tag,
    when the source is a git repository that has it (new-project's store does)."""
    src = Path(src_path).expanduser()
    if not src.exists():
        raise BenchError(f"the recorded template source {src_path} does not exist")
    if commit:
        found = subprocess.run(
            ["git", "-C", str(src), "rev-parse", "--quiet", "--verify", f"refs/tags/{commit}"],
            capture_output=True,
            check=False,
        )
        if found.returncode == 0:
            return src, commit
    return src, None


def _files(project: Path) -> set[str]:
    return {
        path.relative_to(project).as_posix()
        for path in project.rglob("*")
        if path.is_file() and ".git" not in path.parts
    }
