"""The interactive flow, driven the way a person uses it: in a pseudo-terminal, with keys."""

from __future__ import annotations

import os
import shutil
import sys
from pathlib import Path

import pexpect
import pytest
import yaml

pytestmark = pytest.mark.pty

DOWN = "\x1b[B"
ENTER = "\r"
SPACE = " "
CTRL_C = "\x03"


def spawn(dest: str, cwd: Path) -> pexpect.spawn[str]:
    script = shutil.which("new-project")
    command, args = (script, [dest]) if script else (sys.executable, ["-m", "generator", dest])
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
    child.expect("Recommended: Django")
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
    assert answers["framework"] != "django"
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
