"""Plain Copier on this repository renders what `new-project` renders."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.catalog import NAMES

SECRET_LINE = re.compile(r"^(SECRET_KEY=).*$", re.MULTILINE)


def tree(root: Path) -> dict[str, str]:
    """Every file's text, minus what is expected to differ between two renders."""
    files: dict[str, str] = {}
    for path in sorted(root.rglob("*")):
        relative = path.relative_to(root).as_posix()
        if not path.is_file() or relative.startswith(".git/"):
            continue
        if relative == ".copier-answers.yml":
            continue  # records where the template came from, which differs by design
        # The development key is random on each render.
        files[relative] = SECRET_LINE.sub(r"\1<random>", path.read_text(encoding="utf-8"))
    return files


def copier_copy(source: str, vcs_ref: str, framework: str, dest: Path) -> None:
    """Plain `copier copy` of `source` at `vcs_ref`, with the template's defaults."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "copier",
            "copy",
            "--quiet",
            "--defaults",
            "--vcs-ref",
            vcs_ref,
            "-d",
            f"framework={framework}",
            source,
            str(dest),
        ],
        check=True,
        capture_output=True,
    )


@pytest.mark.parametrize("framework", NAMES)
def test_copier_copy_renders_the_same_files_as_new_project(
    tmp_path: Path, framework: str, template_source: Path
) -> None:
    # The README's form: a git+file URL at HEAD renders the last commit of a clean clone
    # (a bare path would copy the working tree, untracked folders too). The snapshot holds
    # the checkout's tracked files, so uncommitted edits are compared as well.
    copier_copy(f"git+file://{template_source}", "HEAD", framework, tmp_path / "copier" / "out")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "generator",
            str(tmp_path / "tool" / "out"),
            "--framework",
            framework,
            "--defaults",
            "--no-git",
        ],
        check=True,
        capture_output=True,
    )
    by_copier = tree(tmp_path / "copier" / "out")
    by_tool = tree(tmp_path / "tool" / "out")
    assert sorted(by_copier) == sorted(by_tool)
    for name, text in by_copier.items():
        assert by_tool[name] == text, f"{name} differs"
    assert (tmp_path / "copier" / "out" / ".copier-answers.yml").is_file()
    assert (tmp_path / "tool" / "out" / ".copier-answers.yml").is_file()


def test_a_project_is_what_copier_makes_from_the_store_at_the_recorded_version(
    tmp_path: Path,
) -> None:
    """new-project renders the store's plain copy of its tag, not a clone of the store: the
    project, answers file included, is still what Copier makes from the store itself."""
    tool = tmp_path / "tool" / "out"
    subprocess.run(
        [sys.executable, "-m", "generator", str(tool), "--framework", NAMES[0], "--defaults"],
        check=True,
        capture_output=True,
    )
    answers = (tool / ".copier-answers.yml").read_text(encoding="utf-8")
    recorded = yaml.safe_load(answers)
    bare = tmp_path / "copier" / "out"
    copier_copy(str(Path(recorded["_src_path"]).expanduser()), recorded["_commit"], NAMES[0], bare)
    assert (bare / ".copier-answers.yml").read_text(encoding="utf-8") == answers
    by_tool = tree(tool)
    by_tool.pop("uv.lock")  # the tool locks the project in its first commit
    assert by_tool == tree(bare)
