"""The interactive flow, driven the way a person uses it: in a pseudo-terminal, with keys."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

from generator import advisor, prompts

pytestmark = pytest.mark.pty

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "
CTRL_C = "\x03"


def spawn(dest: str, cwd: Path, *options: str) -> pexpect.spawn[str]:
    script = shutil.which("new-project")
    command, args = (
        (script, [dest, *options])
        if script
        else (sys.executable, ["-m", "generator", dest, *options])
    )
    child = pexpect.spawn(
        command,
        args,
        cwd=str(cwd),
        env={**os.environ, "TERM": "xterm", "COLUMNS": "120", "LINES": "50"},
        encoding="utf-8",
        dimensions=(50, 120),
        timeout=60,
    )
    child.logfile_read = open(cwd / "screen.log", "w", encoding="utf-8")  # noqa: SIM115
    return child


def finish(child: pexpect.spawn[str]) -> int:
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus is not None
    return int(child.exitstatus)


def test_a_whole_run_with_arrow_keys_and_enter(tmp_path: Path) -> None:
    child = spawn("demo", tmp_path)
    child.expect("What are you building")
    # The list starts at "full-stack": select it and "admin", two rows further down.
    child.send(SPACE)
    child.send(DOWN + DOWN)
    child.send(SPACE)
    child.send(ENTER)
    # The advice is on screen, with reasons, before the choice.
    pick = advisor.recommend(["full-stack", "admin"]).recommended
    assert pick is not None
    child.expect(f"Recommended: {advisor.TITLES[pick]}")
    child.expect("admin")
    child.expect("Which framework")
    # Take the second entry of the ranking instead of the recommendation.
    child.send(DOWN)
    child.send(ENTER)
    # Then Copier asks the template's questions; Enter takes each default.
    child.expect("Project name")
    child.send(ENTER)
    questions_seen = 1
    while True:
        index = child.expect([r"\n.*🎤", "Created "], timeout=60)
        if index == 1:
            break
        questions_seen += 1
        child.send(ENTER)
    assert finish(child) == 0
    assert questions_seen >= 7  # name, package, description, author, e-mail, python, db, ...

    answers = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert answers["framework"] != pick
    assert answers["project_name"] == "demo"
    assert (tmp_path / "demo" / ".git").is_dir()


@pytest.mark.parametrize("where", ["needs", "framework", "template question"])
def test_ctrl_c_at_a_prompt_exits_130_and_writes_nothing(tmp_path: Path, where: str) -> None:
    child = spawn("demo", tmp_path)
    child.expect("What are you building")
    if where != "needs":
        child.send(ENTER)
        child.expect("Which framework")
    if where == "template question":
        child.send(ENTER)
        child.expect("Project name")
    child.send(CTRL_C)
    child.expect("interrupted; nothing was written")
    assert finish(child) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["screen.log"]


COLUMNS = 120


def test_the_needs_checklist_explains_its_keys_once_on_one_line(tmp_path: Path) -> None:
    child = spawn("demo", tmp_path)
    child.expect("What are you building")
    first_label = next(iter(advisor.NEEDS.values()))
    child.expect(first_label)
    header = child.before
    assert isinstance(header, str)
    child.send(CTRL_C)
    assert finish(child) == 130
    # Our key help, whole (no wrap or redraw inside it), instead of questionary's own.
    assert prompts.NEEDS_INSTRUCTION in header
    screen = (tmp_path / "screen.log").read_text(encoding="utf-8")
    assert header.count(prompts.NEEDS_INSTRUCTION) == 1
    assert "Use arrow keys" not in screen
    assert "<space>" not in screen
    assert len(f"? {prompts.NEEDS_QUESTION} {prompts.NEEDS_INSTRUCTION}") < COLUMNS


def test_a_refused_project_name_shows_the_whole_message(tmp_path: Path) -> None:
    child = spawn("demo", tmp_path, "--framework", next(iter(advisor.FRAMEWORKS)))
    child.expect("Project name")
    # The default ("demo") is in the field; make it a long name the validator refuses.
    bad = " is not a good name for a project at all, with spaces!"
    child.send(bad + ENTER)
    # The message is longer than the screen is wide; its end must still be shown.
    child.expect("Validation error for question 'project_name'")
    child.expect("ending with a letter or digit")  # cut off at the edge, it never came
    child.send(CTRL_C)
    assert finish(child) == 130
    assert sorted(p.name for p in tmp_path.iterdir()) == ["screen.log"]


def _need_with_a_default_for_its_pick() -> tuple[str, str, dict[str, object]]:
    for need in advisor.OPTION_DEFAULTS:
        pick = advisor.recommend([need]).recommended
        assert pick is not None
        defaults = advisor.option_defaults([need], pick)
        if defaults:
            return need, pick, defaults
    raise AssertionError("no need sets an option default for its own first pick")


def test_a_need_ticked_in_the_checklist_sets_the_option_default(tmp_path: Path) -> None:
    need, pick, defaults = _need_with_a_default_for_its_pick()
    child = spawn("demo", tmp_path)
    child.expect("What are you building")
    child.send(DOWN * list(advisor.NEEDS).index(need))
    child.send(SPACE)
    child.send(ENTER)
    child.expect(f"Recommended: {advisor.TITLES[pick]}")
    child.expect("Which framework")
    child.send(ENTER)  # the recommendation
    child.expect("Project name")
    child.send(ENTER)
    while child.expect([r"\n.*🎤", "Created "], timeout=60) == 0:
        child.send(ENTER)  # every default, the need's among them
    assert finish(child) == 0
    answers = yaml.safe_load((tmp_path / "demo" / ".copier-answers.yml").read_text())
    assert answers["framework"] == pick
    for key, value in defaults.items():
        assert answers[key] == value, key
