"""The README's commands work as written: they are read from the README, not copied here.

The first command (install the tool, generate a service) runs in a fresh clone with a
fresh virtual environment. The second (the test suite) cannot run inside the suite: it
must be the line .ci/run runs. A project generated inside the checkout (a nested git
repository, which is what the first command leaves) breaks neither the rendering tests
nor the README's plain Copier commands.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from devtools.processes import clean_environ, run_command_line
from generator.catalog import TEMPLATES

REPO = Path(__file__).resolve().parent.parent
README = (REPO / "README.md").read_text(encoding="utf-8")
CI_RUN = (REPO / ".ci" / "run").read_text(encoding="utf-8")
COPIER_PLACEHOLDER = "/absolute/path/to/this/repo"
IDENTITY = {
    "GIT_AUTHOR_NAME": "readme",
    "GIT_AUTHOR_EMAIL": "readme@localhost",
    "GIT_COMMITTER_NAME": "readme",
    "GIT_COMMITTER_EMAIL": "readme@localhost",
}


def console_blocks(markdown: str) -> list[list[str]]:
    """The commands of each ```console block: prompts and comments dropped."""
    blocks = re.findall(r"^```console\n(.*?)^```", markdown, re.MULTILINE | re.DOTALL)
    commands = []
    for block in blocks:
        lines = [line.removeprefix("$ ").strip() for line in block.splitlines()]
        commands.append([line for line in lines if line and not line.startswith("#")])
    return commands


def section(markdown: str, heading: str) -> str:
    start = markdown.index(f"\n{heading}\n")
    end = markdown.find("\n## ", start + len(heading) + 2)
    return markdown[start : end if end != -1 else None]


FIRST, SECOND = console_blocks(README)[0]


def fresh_clone(source: Path, dest: Path) -> Path:
    subprocess.run(["git", "clone", "--quiet", str(source), str(dest)], check=True)
    return dest


def nested_repository(path: Path) -> None:
    """A git repository with a commit, left untracked inside the checkout."""
    path.mkdir()
    (path / "README.md").write_text("# a project of its own\n")
    env = {**os.environ, **IDENTITY}
    for command in (["git", "init", "--quiet"], ["git", "add", "--all"]):
        subprocess.run(command, cwd=path, check=True, env=env)
    subprocess.run(["git", "commit", "--quiet", "-m", "mine"], cwd=path, check=True, env=env)


def run_shell(command: str, cwd: Path, env: dict[str, str], timeout: float = 900) -> str:
    return run_command_line(command, cwd, env, timeout)


def test_the_readme_opens_with_two_commands() -> None:
    assert len(console_blocks(README)[0]) == 2
    assert "pip install ." in FIRST, FIRST
    assert "pytest" in SECOND, SECOND


def test_command_two_is_what_ci_runs() -> None:
    """The suite cannot run itself; .ci/run runs the README's second command, verbatim."""
    lines = [line.strip() for line in CI_RUN.splitlines() if not line.lstrip().startswith("#")]
    assert any(line.startswith(SECOND) for line in lines), (SECOND, CI_RUN)


@pytest.mark.projects
def test_command_one_in_a_fresh_clone(template_source: Path, tmp_path: Path) -> None:
    clone = fresh_clone(template_source, tmp_path / "clone")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    env = clean_environ()
    env.update(IDENTITY)
    env["PATH"] = f"{venv / 'bin'}{os.pathsep}{env['PATH']}"
    env["NEW_PROJECT_DATA_DIR"] = str(tmp_path / "data")
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    output = run_shell(FIRST, clone, env)
    service = clone / "my-service"
    assert (venv / "bin" / "new-project").is_file(), output
    log = subprocess.run(
        ["git", "log", "--oneline"], cwd=service, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.splitlines()) == 1, log.stdout
    readme = (service / "README.md").read_text(encoding="utf-8")
    framework = re.search(r"--framework (\w+)", FIRST)
    assert framework is not None
    assert TEMPLATES[framework.group(1)].hello_path in readme
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=clone, capture_output=True, text=True, check=True
    )
    assert status.stdout.strip() == "?? my-service/", status.stdout  # only the new service


@pytest.mark.projects
def test_a_nested_repository_breaks_no_rendering_test(
    template_source: Path, tmp_path: Path
) -> None:
    """With a git repository left inside the checkout, the tests of the checkout (its own
    code, first on PYTHONPATH) that render a template still pass: catalog, parity and
    deploy checks."""
    clone = fresh_clone(template_source, tmp_path / "clone")
    nested_repository(clone / "my-service")
    framework = next(iter(sorted(TEMPLATES)))
    tests = [
        f"tests/test_catalog.py::test_readme_gives_the_catalog_commands[{framework}]",
        "tests/test_copier_parity.py::"
        f"test_copier_copy_renders_the_same_files_as_new_project[{framework}]",
        "tests/test_deploy_checks.py::test_licence_file_and_metadata[MIT]",
        "tests/test_deploy_checks.py::test_generation_survives_a_failing_lock",
    ]
    env = clean_environ()
    env["PYTHONPATH"] = str(clone)
    env["NEW_PROJECT_DATA_DIR"] = str(tmp_path / "data")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-n", "0", "-p", "no:cacheprovider", "-q", *tests],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{len(tests)} passed" in result.stdout, result.stdout
    where = subprocess.run(
        [sys.executable, "-c", "import generator; print(generator.__file__)"],
        cwd=tmp_path,  # neither the clone nor this checkout: PYTHONPATH decides, as above
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert where.stdout.startswith(str(clone / "generator")), where.stdout


def test_no_test_renders_from_the_checkout_itself() -> None:
    """Tests render from the `template_source` snapshot, never from the checkout: Copier's
    git reads of a checkout that holds a nested repository fail (the test above proves it
    for a few; this finds any other)."""
    from_checkout = re.compile(r"src_path\s*=\s*(str\()?\s*(render\.)?template_root\(\)")
    found = [
        f"{path.name}:{number}"
        for path in sorted((REPO / "tests").glob("*.py"))
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if from_checkout.search(line)
    ]
    assert found == [], f"render from the template_source fixture instead: {found}"


@pytest.mark.projects
def test_the_plain_copier_commands(template_source: Path, tmp_path: Path) -> None:
    block = next(
        commands
        for commands in console_blocks(section(README, "## Plain Copier works too"))
        if commands
    )
    script = "\n".join(block)
    assert COPIER_PLACEHOLDER in script
    assert "absolute path" in section(README, "## Plain Copier works too")  # says what to put
    clone = fresh_clone(template_source, tmp_path / "clone")
    nested_repository(clone / "my-service")
    work = tmp_path / "work"
    work.mkdir()
    env = {**clean_environ(), **IDENTITY}
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"  # copier
    run_shell(f"set -e\n{script.replace(COPIER_PLACEHOLDER, str(clone))}", work, env)
    answers = (work / "my-service" / ".copier-answers.yml").read_text(encoding="utf-8")
    assert f"_src_path: git+file://{clone}" in answers
    framework = re.search(r"-d framework=(\w+)", script)
    assert framework is not None
    readme = (work / "my-service" / "README.md").read_text(encoding="utf-8")
    assert TEMPLATES[framework.group(1)].hello_path in readme
