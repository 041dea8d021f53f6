"""Rendering: `new-project DEST --defaults` against bare Copier and cookiecutter-django.

Per template, these commands alternate round after round (the order rotates), and the
medians are compared:

- `new-project DEST --no-git` and `new-project DEST` (the default: the versioned store, the
  answers file `copier update` needs, `uv lock` and the first commit);
- bare `copier copy` of the same template and answers, from a plain directory (the
  template's files copied out: Copier reads them in place), from this git checkout at HEAD
  (Copier clones it), and from new-project's store at the version the project records;
- cookiecutter-django with its hooks off (`--accept-hooks no`), a far larger template, when
  a checkout of it is given (`--cookiecutter-django PATH`): cookiecutter is installed into a
  virtual environment of its own in the scratch directory.

Judged on CPU time (user + system, children included): on a shared machine the wall
clock moves with the load far more than the work done does. The wall is in the notes.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import yaml
from common import (
    PROJECT_DIR_NAME,
    REPO_ROOT,
    BenchError,
    Context,
    Row,
    Section,
    median,
    ratio_text,
    seconds,
)

GOAL = 1.05  # new-project at most 1.05x bare Copier from a plain directory
GOAL_COOKIECUTTER = 1.0  # and no slower than cookiecutter-django with hooks off

TOOL = "new-project --no-git"
TOOL_DEFAULT = "new-project (lock and first commit)"
PLAIN = "copier copy, plain directory"
CHECKOUT = "copier copy, git checkout"
STORE = "copier copy, the store"
COOKIECUTTER = "cookiecutter-django, hooks off"

Command = Callable[[Path], list[str]]


def run(ctx: Context, cookiecutter_django: Path | None = None) -> Section:
    section = Section("rendering")
    rounds = 3 if ctx.quick else 5
    section.data["rounds"] = rounds
    plain = _plain_copy(ctx)
    cookiecutter = _cookiecutter(ctx, cookiecutter_django) if cookiecutter_django else None
    for framework in ctx.frameworks:
        try:
            section.data[framework] = _framework(
                ctx, framework, rounds, section, plain, cookiecutter
            )
        except BenchError as error:
            section.rows.append(
                Row("rendering", framework, "failed", "", None, f"<= {GOAL}x", False, str(error))
            )
    if cookiecutter_django is None:
        section.rows.append(
            Row(
                "rendering (CPU time)",
                COOKIECUTTER,
                "not measured",
                "",
                None,
                f"<= {GOAL_COOKIECUTTER:g}x",
                None,
                "give a checkout of it with --cookiecutter-django PATH",
            )
        )
    return section


def _plain_copy(ctx: Context) -> Path:
    """The template's files (copier.yml and templates/), as tracked, in a plain directory."""
    plain = ctx.workdir("render", "plain-template")
    listed = subprocess.run(
        ["git", "-C", str(REPO_ROOT), "ls-files", "-z", "copier.yml", "templates"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    for name in filter(None, listed.split("\0")):
        (plain / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(REPO_ROOT / name, plain / name)
    return plain


def _cookiecutter(ctx: Context, checkout: Path) -> Command:
    venv = ctx.scratch / "cookiecutter-venv"
    ctx.run([ctx.tools.uv, "venv", "--quiet", "--python", ctx.tools.python, str(venv)])
    ctx.run([ctx.tools.uv, "pip", "install", "--quiet", "--python", str(venv), "cookiecutter"])
    binary = str(venv / "bin" / "cookiecutter")
    if not checkout.joinpath("cookiecutter.json").is_file():
        raise BenchError(f"{checkout} is not a cookiecutter template (no cookiecutter.json)")

    def command(dest: Path) -> list[str]:
        return [binary, "--no-input", "--accept-hooks", "no", "-o", str(dest), str(checkout)]

    return command


def _framework(
    ctx: Context,
    framework: str,
    rounds: int,
    section: Section,
    plain: Path,
    cookiecutter: Command | None,
) -> dict[str, object]:
    tools = ctx.tools

    def new_project(*extra: str) -> Command:
        return lambda dest: [
            tools.new_project,
            str(dest),
            "--defaults",
            "--framework",
            framework,
            *extra,
        ]

    def copier(source: Path, ref: str | None) -> Command:
        version = ["--vcs-ref", ref] if ref else []
        return lambda dest: [
            tools.copier,
            "copy",
            "--quiet",
            "--defaults",
            "-d",
            f"framework={framework}",
            *version,
            str(source),
            str(dest),
        ]

    # A first run builds the template store if needed and tells what Copier should read.
    warm = ctx.workdir("render", framework, "warm") / PROJECT_DIR_NAME
    ctx.run(new_project("--no-git")(warm))
    answers = yaml.safe_load((warm / ".copier-answers.yml").read_text(encoding="utf-8"))
    store, tag = _source(str(answers["_src_path"]), str(answers.get("_commit") or ""))

    commands: dict[str, Command] = {
        TOOL: new_project("--no-git"),
        TOOL_DEFAULT: new_project(),
        PLAIN: copier(plain, None),
        CHECKOUT: copier(REPO_ROOT, "HEAD"),
        STORE: copier(store, tag),
    }
    if cookiecutter is not None:
        commands[COOKIECUTTER] = cookiecutter

    bare = ctx.workdir("render", framework, "warm-copier") / PROJECT_DIR_NAME
    ctx.run(commands[PLAIN](bare))
    different = _files(warm) ^ _files(bare)
    shutil.rmtree(warm.parent)
    shutil.rmtree(bare.parent)

    wall: dict[str, list[float]] = {name: [] for name in commands}
    cpu: dict[str, list[float]] = {name: [] for name in commands}
    failures: list[str] = []
    names = list(commands)
    for turn in range(rounds):
        shift = turn % len(names)
        for name in names[shift:] + names[:shift]:
            dest = ctx.workdir("render", framework, f"{turn}-{names.index(name)}")
            target = dest / PROJECT_DIR_NAME if name != COOKIECUTTER else dest
            try:
                timing = ctx.timed(commands[name](target))
            except BenchError as error:
                # Reported, and tried once more: one failure should not cost the figures.
                failures.append(f"{name}: {error}")
                shutil.rmtree(dest)
                dest.mkdir(parents=True)
                target = dest / PROJECT_DIR_NAME if name != COOKIECUTTER else dest
                timing = ctx.timed(commands[name](target))
            wall[name].append(timing.wall)
            cpu[name].append(timing.cpu)
            shutil.rmtree(dest)

    def row(subject: str, baseline: str, goal: float | None) -> None:
        ratio = median(cpu[subject]) / median(cpu[baseline])
        wall_ratio = median(wall[subject]) / median(wall[baseline])
        note = (
            f"median of {rounds}, CPU time; wall {seconds(median(wall[subject]))} vs "
            f"{seconds(median(wall[baseline]))}, {ratio_text(wall_ratio)}"
        )
        section.rows.append(
            Row(
                benchmark="rendering (CPU time)",
                subject=f"{framework}: {subject}",
                measured=seconds(median(cpu[subject])),
                baseline=f"{seconds(median(cpu[baseline]))} ({baseline})",
                ratio=ratio,
                goal=f"<= {goal:g}x" if goal is not None else "",
                met=ratio <= goal if goal is not None else None,
                note=note,
            )
        )

    row(TOOL, PLAIN, GOAL)
    row(TOOL_DEFAULT, PLAIN, GOAL)
    row(TOOL, CHECKOUT, None)
    row(TOOL, STORE, None)
    if cookiecutter is not None:
        row(TOOL, COOKIECUTTER, GOAL_COOKIECUTTER)
    if failures:
        section.data.setdefault("notes", []).append(
            f"{framework}: {len(failures)} run(s) failed and were repeated: "
            + " / ".join(" ".join(failure.split()) for failure in failures)
        )
    if different:
        section.data.setdefault("notes", []).append(
            f"{framework}: files differ from bare Copier's: {', '.join(sorted(different)[:5])}"
        )
    return {
        "store": str(store),
        "vcs_ref": tag,
        "wall": wall,
        "cpu": cpu,
        "median_wall": {name: median(values) for name, values in wall.items()},
        "median_cpu": {name: median(values) for name, values in cpu.items()},
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
