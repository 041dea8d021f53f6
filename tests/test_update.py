"""Updating generated projects: real git, real Copier, every template.

Each test makes version N of the template (the real templates plus files of its own under
`update_demo/`), generates a project with the tool as a user would (the store under a
home directory of the test's own), edits and commits like a user, then makes N+1 and
updates. Only the test's own files change between versions.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

import pexpect
import pytest
import yaml
from template_versions import (
    FRAMEWORKS,
    REPO,
    STORE_SRC_PATH,
    Template,
    export_template,
    files_with_conflicts,
    git,
    handlers,
    isolated_env,
    run_copier,
    run_tool,
    snapshot,
    spawn_tool,
)

N, N1 = "1.0.0", "1.1.0"
USER_HELLO = "hello, as the user wrote it"
EXIT_FAILURE, EXIT_USAGE = 1, 2


@pytest.fixture
def home(tmp_path: Path) -> Path:
    return tmp_path / "home"


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    return isolated_env(home)


def answers(project: Path) -> dict[str, object]:
    loaded = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def version_n(tmp_path: Path, framework: str) -> Template:
    template = Template.export(tmp_path / "template", framework)
    template.write("update_demo/handlers.py", handlers())
    template.write("update_demo/changelog.txt", "1.0.0: first version\n")
    template.write("update_demo/obsolete.txt", "removed in 1.1.0\n")
    return template


def generate(
    template: Template, env: dict[str, str], dest: Path, *extra: str, version: str = N
) -> Path:
    result = run_tool(
        str(dest),
        "--framework",
        template.framework,
        "--defaults",
        *extra,
        env=env,
        template_root=template.root,
        version=version,
    )
    assert result.returncode == 0, result.stderr
    return dest


def user_edits(project: Path) -> None:
    """A changed handler, a new file and a changed README line, committed."""
    module = project / "update_demo" / "handlers.py"
    module.write_text(module.read_text().replace("'hello'", repr(USER_HELLO)))
    (project / "docs-of-my-own.md").write_text("# Notes the template knows nothing of\n")
    readme = project / "README.md"
    lines = readme.read_text().splitlines(keepends=True)
    readme.write_text("".join(["# My service, as the user named it\n", *lines[1:]]))
    git(project, "add", "--all")
    git(project, "commit", "-q", "--no-verify", "-m", "User edits")


def version_n1(template: Template, *, overlapping: bool = False) -> None:
    """Modify one file, add one, remove one."""
    template.write(
        "update_demo/handlers.py",
        handlers(hello="hello from 1.1.0")
        if overlapping
        else handlers(goodbye="goodbye from 1.1.0"),
    )
    template.write("update_demo/added.txt", "added in 1.1.0\n")
    template.remove("update_demo/obsolete.txt")


def update(
    template: Template, env: dict[str, str], project: Path, *extra: str, version: str = N1
) -> subprocess.CompletedProcess[str]:
    return run_tool(
        "update",
        str(project),
        "--defaults",
        *extra,
        env=env,
        template_root=template.root,
        version=version,
    )


def assert_template_changes_and_user_edits(project: Path) -> None:
    module = (project / "update_demo" / "handlers.py").read_text()
    assert repr(USER_HELLO) in module  # the user's edit
    assert "'goodbye from 1.1.0'" in module  # the template's change
    assert (project / "update_demo" / "added.txt").read_text() == "added in 1.1.0\n"
    assert not (project / "update_demo" / "obsolete.txt").exists()
    assert (project / "docs-of-my-own.md").read_text().startswith("# Notes the template")
    assert (project / "README.md").read_text().startswith("# My service, as the user named it\n")
    assert files_with_conflicts(project) == []
    assert git(project, "diff", "--name-only", "--diff-filter=U") == ""


def first_quick(frameworks: Sequence[str]) -> list[object]:
    """Every framework, all but the first marked slow (CI_FULL=1 runs them): for tests of
    logic that does not depend on the template. The update itself runs for every
    template in the default run (changes applied, plain `copier update`)."""
    return [
        pytest.param(framework, marks=() if number == 0 else (pytest.mark.slow,))
        for number, framework in enumerate(frameworks)
    ]


# --- 1. non-overlapping changes -------------------------------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_update_applies_the_template_changes_and_keeps_the_user_edits(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    template = version_n(tmp_path, framework)
    project = generate(template, env, tmp_path / "work" / "service")
    recorded = answers(project)
    assert recorded["_src_path"] == STORE_SRC_PATH
    assert recorded["_commit"] == N
    user_edits(project)
    env_file = project / ".env"
    env_before = env_file.read_bytes() if env_file.exists() else None

    version_n1(template)
    result = update(template, env, project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"from {N} to {N1}" in result.stdout
    assert_template_changes_and_user_edits(project)
    assert answers(project)["_commit"] == N1
    assert answers(project)["_src_path"] == STORE_SRC_PATH
    # The update is left for the user to review and commit.
    assert "update_demo/handlers.py" in git(project, "status", "--porcelain")
    # No secret in the answers file or in git, and the development .env is kept as it was.
    assert_no_secret_recorded(project)
    assert (env_file.read_bytes() if env_file.exists() else None) == env_before


def assert_no_secret_recorded(project: Path) -> None:
    """Values of the git-ignored .env (the generated SECRET_KEY...) appear nowhere else."""
    secrets = _long_values(project / ".env")
    history = git(project, "log", "--all", "-p") + git(project, "diff")
    answers_text = (project / ".copier-answers.yml").read_text()
    for secret in secrets:
        assert secret not in answers_text
        assert secret not in history
    assert git(project, "ls-files", ".env") == ""


# --- 2. overlapping changes -----------------------------------------------------------------


@pytest.mark.parametrize("framework", first_quick(FRAMEWORKS))
def test_an_overlapping_change_is_a_reported_conflict_and_nothing_is_lost(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    template = version_n(tmp_path, framework)
    project = generate(template, env, tmp_path / "service")
    user_edits(project)

    version_n1(template, overlapping=True)
    result = update(template, env, project)

    assert result.returncode == EXIT_FAILURE, result.stdout + result.stderr
    assert f"from {N} to {N1}" in result.stdout
    assert "  update_demo/handlers.py" in result.stdout.splitlines()
    assert "conflict" in result.stderr
    module = (project / "update_demo" / "handlers.py").read_text()
    assert USER_HELLO in module
    assert "hello from 1.1.0" in module
    assert re.search(r"^<<<<<<< ", module, re.MULTILINE)
    assert files_with_conflicts(project) == ["update_demo/handlers.py"]
    assert git(project, "diff", "--name-only", "--diff-filter=U").split() == [
        "update_demo/handlers.py"
    ]
    # The rest of the update went through, and the user's other edits are intact.
    assert (project / "update_demo" / "added.txt").exists()
    assert not (project / "update_demo" / "obsolete.txt").exists()
    assert (project / "docs-of-my-own.md").exists()
    assert (project / "README.md").read_text().startswith("# My service, as the user named it\n")
    # The committed history still has the user's version.
    assert USER_HELLO in git(project, "show", "HEAD:update_demo/handlers.py")
    assert_hooks_refuse_the_unresolved_update(project, env)


def test_plain_copier_update_exits_zero_with_conflicts_where_new_project_exits_one(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "flask")
    project = generate(template, env, tmp_path / "service")
    user_edits(project)
    version_n1(template, overlapping=True)
    run_tool("--sync-store", env=env, template_root=template.root, version=N1)

    plain = run_copier("update", "--defaults", cwd=project, env=env)

    assert plain.returncode == 0, plain.stderr  # the pitfall `new-project update` covers
    assert files_with_conflicts(project) == ["update_demo/handlers.py"]
    git(project, "reset", "-q", "--hard")
    git(project, "clean", "-fdq")
    ours = update(template, env, project)
    assert ours.returncode == EXIT_FAILURE
    assert "  update_demo/handlers.py" in ours.stdout.splitlines()


# --- 3. plain `copier update`, after moving the project ------------------------------------


@pytest.mark.parametrize("framework", FRAMEWORKS)
def test_plain_copier_update_works_after_moving_the_project(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    template = version_n(tmp_path, framework)
    project = generate(template, env, tmp_path / "first" / "place")
    user_edits(project)
    moved = tmp_path / "elsewhere" / "entirely"
    moved.parent.mkdir()
    shutil.move(project, moved)

    version_n1(template)
    # Running new-project (any project, any command that renders) adds N+1 to the store.
    synced = run_tool("--sync-store", env=env, template_root=template.root, version=N1)
    assert synced.stdout.strip() == N1, synced.stderr
    # No --trust: the template has no tasks, extensions or migrations in this range.
    result = run_copier("update", "--defaults", cwd=moved, env=env)

    assert result.returncode == 0, result.stderr
    assert_template_changes_and_user_edits(moved)
    assert answers(moved)["_commit"] == N1
    assert answers(moved)["_src_path"] == STORE_SRC_PATH


# --- 4. a newer wheel of the tool -----------------------------------------------------------


def _build_wheel(tmp_path: Path, version: str, template_change: str) -> Path:
    """A wheel of this tool as `version`, its template changed by one file of its own."""
    source = tmp_path / f"src-{version}"
    source.mkdir()
    for name in ("pyproject.toml", "README.md", "LICENSE"):
        if (REPO / name).exists():
            shutil.copy2(REPO / name, source / name)
    shutil.copytree(
        REPO / "generator",
        source / "generator",
        ignore=shutil.ignore_patterns("__pycache__", "_template"),
    )
    export_template(source)
    init = source / "generator" / "__init__.py"
    init.write_text(
        re.sub(r'__version__ = "[^"]*"', f'__version__ = "{version}"', init.read_text())
    )
    for framework in FRAMEWORKS:
        template = Template(source, framework)
        template.write("update_demo/CHANGES.txt", template_change)
        if version != "1.0.0":
            template.write("update_demo/added.txt", f"added in {version}\n")
    out = tmp_path / f"dist-{version}"
    subprocess.run(
        [_uv(), "build", "--wheel", "--quiet", "--out-dir", str(out), str(source)],
        check=True,
        capture_output=True,
    )
    (wheel,) = out.glob("*.whl")
    return wheel


def _uv() -> str:
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is needed to build and install wheels")
    return uv


def _install(wheel: Path, venv: Path, env: dict[str, str]) -> None:
    subprocess.run(
        [_uv(), "pip", "install", "--quiet", "--python", str(venv / "bin" / "python"), str(wheel)],
        check=True,
        capture_output=True,
        env=env,
    )


def _wheel_case(tmp_path: Path, env: dict[str, str], framework: str) -> None:
    old = _build_wheel(tmp_path, "1.0.0", "1.0.0: first version\n")
    new = _build_wheel(tmp_path, "1.1.0", "1.0.0: first version\n1.1.0: second version\n")
    venv = tmp_path / "venv"
    subprocess.run(
        [_uv(), "venv", "--quiet", "--python", sys.executable, str(venv)],
        check=True,
        capture_output=True,
        env=env,
    )
    tool = str(venv / "bin" / "new-project")
    _install(old, venv, env)
    project = tmp_path / "service"
    created = subprocess.run(
        [tool, str(project), "--framework", framework, "--defaults"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert created.returncode == 0, created.stderr
    assert answers(project)["_commit"] == "1.0.0"
    readme = project / "README.md"
    readme.write_text("# Renamed by the user\n" + readme.read_text().partition("\n")[2])
    git(project, "commit", "-q", "-am", "User edit")

    _install(new, venv, env)
    updated = subprocess.run(
        [tool, "update", str(project), "--defaults"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert updated.returncode == 0, updated.stdout + updated.stderr
    assert "from 1.0.0 to 1.1.0" in updated.stdout
    assert answers(project)["_commit"] == "1.1.0"
    assert (project / "update_demo" / "CHANGES.txt").read_text().endswith("1.1.0: second version\n")
    assert (project / "update_demo" / "added.txt").exists()
    assert readme.read_text().startswith("# Renamed by the user\n")
    assert files_with_conflicts(project) == []
    git(project, "add", "--all")
    git(project, "commit", "-q", "-m", "Update the template to 1.1.0")
    # The project's own test suite still passes after the update.
    project_env = {key: value for key, value in env.items() if key != "VIRTUAL_ENV"}
    project_env.pop("DATABASE_URL", None)
    for command in (
        ["uv", "sync", "--quiet"],
        ["uv", "run", "--quiet", "pytest", "-q", "-p", "no:cacheprovider"],
    ):
        run = subprocess.run(
            [_uv(), *command[1:]],
            cwd=project,
            env=project_env,
            capture_output=True,
            text=True,
            check=False,
            timeout=900,
        )
        assert run.returncode == 0, f"{' '.join(command)}:\n{run.stdout}\n{run.stderr}"


def test_a_newer_wheel_updates_an_old_project_whose_tests_still_pass(
    tmp_path: Path, env: dict[str, str]
) -> None:
    _wheel_case(tmp_path, env, "flask")


@pytest.mark.slow
@pytest.mark.parametrize("framework", [f for f in FRAMEWORKS if f != "flask"])
def test_a_newer_wheel_updates_an_old_project_whose_tests_still_pass_slow(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    _wheel_case(tmp_path, env, framework)


# --- 5. refusals that change nothing --------------------------------------------------------


def _modify(project: Path) -> None:
    (project / "README.md").write_text("half-way through an edit\n")


def _add_untracked(project: Path) -> None:
    (project / "scratch.py").write_text("x = 1\n")


def _stage(project: Path) -> None:
    (project / "update_demo" / "changelog.txt").write_text("staged\n")
    git(project, "add", "update_demo/changelog.txt")


@pytest.mark.parametrize("framework", first_quick(FRAMEWORKS))
def test_updating_a_dirty_tree_exits_2_and_changes_nothing(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    template = version_n(tmp_path, framework)
    project = generate(template, env, tmp_path / "service")
    version_n1(template)
    for make_dirty in (_modify, _add_untracked, _stage):
        make_dirty(project)
        before = snapshot(project), git(project, "status", "--porcelain"), git(project, "log")

        result = update(template, env, project)

        assert result.returncode == EXIT_USAGE, result.stdout + result.stderr
        assert "uncommitted changes" in result.stderr
        assert "Traceback" not in result.stderr
        after = snapshot(project), git(project, "status", "--porcelain"), git(project, "log")
        assert after == before, make_dirty.__name__
        git(project, "reset", "-q", "--hard")
        git(project, "clean", "-fdq")


@pytest.mark.parametrize("kind", ["plain-directory", "git-repository", "missing", "file"])
def test_updating_a_directory_never_generated_exits_2_and_changes_nothing(
    tmp_path: Path, env: dict[str, str], kind: str
) -> None:
    target = tmp_path / "target"
    if kind != "missing" and kind != "file":
        target.mkdir()
        (target / "app.py").write_text("print('mine')\n")
    if kind == "git-repository":
        git(target, "init", "-q")
        git(target, "add", "--all")
        git(target, "commit", "-q", "-m", "mine")
    if kind == "file":
        target.write_text("not a directory\n")
    before = snapshot(tmp_path)

    result = run_tool("update", str(target), "--defaults", env=env)

    assert result.returncode == EXIT_USAGE, result.stderr
    assert result.stderr.startswith("new-project: error: ")
    assert "Traceback" not in result.stderr
    assert snapshot(tmp_path) == before


def test_a_project_outside_git_is_refused_with_a_way_forward(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "fastapi")
    project = generate(template, env, tmp_path / "service", "--no-git")
    before = snapshot(project)

    result = update(template, env, project)

    assert result.returncode == EXIT_USAGE
    assert "git init" in result.stderr
    assert snapshot(project) == before


# --- more of what an update must get right --------------------------------------------------


def test_vcs_ref_picks_the_version_and_the_store_keeps_every_version(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "litestar")
    project = generate(template, env, tmp_path / "service")
    template.write("update_demo/changelog.txt", "1.1.0\n")
    run_tool("--sync-store", env=env, template_root=template.root, version="1.1.0")
    template.write("update_demo/changelog.txt", "1.2.0\n")

    first = update(template, env, project, "--vcs-ref", "1.1.0", version="1.2.0")

    assert first.returncode == 0, first.stderr
    assert "from 1.0.0 to 1.1.0" in first.stdout
    assert (project / "update_demo" / "changelog.txt").read_text() == "1.1.0\n"
    git(project, "commit", "-q", "-am", "Update to 1.1.0")
    second = update(template, env, project, version="1.2.0")
    assert second.returncode == 0, second.stderr
    assert "from 1.1.0 to 1.2.0" in second.stdout
    assert (project / "update_demo" / "changelog.txt").read_text() == "1.2.0\n"
    git(project, "commit", "-q", "-am", "Update to 1.2.0")
    again = update(template, env, project, version="1.2.0")
    assert again.returncode == 0
    assert "is up to date: template version 1.2.0, nothing changed" in again.stdout
    assert "git diff" not in again.stdout


def test_an_update_at_the_current_version_says_so_and_changes_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "flask")
    project = generate(template, env, tmp_path / "service")
    before = snapshot(project)

    result = update(template, env, project, version=N)

    assert result.returncode == 0, result.stdout + result.stderr
    assert f"{project} is up to date: template version {N}, nothing changed." in result.stdout
    assert "Review the changes" not in result.stdout
    assert snapshot(project) == before
    assert git(project, "status", "--porcelain") == ""


def test_variables_pointing_git_at_another_repository_are_ignored(
    tmp_path: Path, env: dict[str, str]
) -> None:
    other = tmp_path / "other"
    other.mkdir()
    git(other, "init", "-q")
    hostile = {
        **env,
        "GIT_DIR": str(other / ".git"),
        "GIT_WORK_TREE": str(other),
        "GIT_INDEX_FILE": str(other / ".git" / "index"),
    }
    template = version_n(tmp_path, "flask")

    project = generate(template, hostile, tmp_path / "service")
    user_edits(project)
    version_n1(template)
    result = update(template, hostile, project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert_template_changes_and_user_edits(project)
    assert git(project, "rev-list", "--count", "HEAD").strip() == "2"
    assert sorted(p.name for p in other.iterdir()) == [".git"]
    assert not (other / ".git" / "index").exists()
    assert (
        subprocess.run(
            ["git", "rev-parse", "--verify", "HEAD"], cwd=other, capture_output=True, check=False
        ).returncode
        != 0
    )


@pytest.mark.pty
def test_an_interactive_update_keeps_the_framework_and_asks_the_rest(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "fastapi")
    project = generate(template, env, tmp_path / "service")
    version_n1(template)

    child = spawn_tool("update", str(project), env=env, template_root=template.root, version=N1)
    screen = tmp_path / "screen.log"
    child.logfile_read = screen.open("w", encoding="utf-8")
    questions = 0
    while child.expect([r"🎤", "Updated "], timeout=120) == 0:
        questions += 1
        child.send("\r")  # keep the recorded answer
    child.expect(pexpect.EOF)
    child.close()
    shown = screen.read_text(encoding="utf-8")

    assert child.exitstatus == 0, shown
    assert questions >= 6, shown  # the common questions and FastAPI's own are asked again
    assert "Project name" in shown
    assert "Which web framework" not in shown
    assert f"from {N} to {N1}" in shown
    assert answers(project)["framework"] == "fastapi"
    assert (project / "update_demo" / "added.txt").read_text() == "added in 1.1.0\n"


@pytest.mark.pty
def test_ctrl_c_at_an_update_question_exits_130_and_changes_nothing(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "django")
    project = generate(template, env, tmp_path / "service")
    user_edits(project)
    version_n1(template)
    before = snapshot(project), git(project, "status", "--porcelain")

    child = spawn_tool("update", str(project), env=env, template_root=template.root, version=N1)
    child.expect("Project name", timeout=120)
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()

    assert child.exitstatus == 130, child.before
    assert "interrupted; the project is as it was" in str(child.before)
    assert (snapshot(project), git(project, "status", "--porcelain")) == before


def test_a_renamed_answer_is_carried_over_by_the_documented_migration(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "flask")
    config = template.root / "copier.yml"
    original = config.read_text()
    config.write_text(original + "\ngreeting_text:\n  type: str\n  default: Hello\n")
    template.write("update_demo/greeting.txt.jinja", "{{ greeting_text }}\n")
    project = generate(template, env, tmp_path / "service", "--data", "greeting_text=Howdy")
    assert (project / "update_demo" / "greeting.txt").read_text() == "Howdy\n"

    # 1.1.0 renames the question, with the entry copier.yml documents for a rename.
    entry = _documented_rename_migration(original, "greeting_text", "greeting", N1)
    renamed = original.replace("_migrations: []", "_migrations:\n" + entry)
    config.write_text(renamed + "\ngreeting:\n  type: str\n  default: Hello\n")
    template.remove("update_demo/greeting.txt.jinja")
    template.write("update_demo/greeting.txt.jinja", "{{ greeting }}\n")
    run_tool("--sync-store", env=env, template_root=template.root, version=N1)

    # Plain Copier refuses to run the migration's command without --trust, changing nothing.
    before = snapshot(project)
    plain = run_copier("update", "--defaults", cwd=project, env=env)
    assert plain.returncode != 0
    assert "--trust" in plain.stdout + plain.stderr
    assert snapshot(project) == before

    result = update(template, env, project)

    assert result.returncode == 0, result.stdout + result.stderr
    assert (project / "update_demo" / "greeting.txt").read_text() == "Howdy\n"
    recorded = answers(project)
    assert recorded["greeting"] == "Howdy"
    assert "greeting_text" not in recorded


def _documented_rename_migration(config: str, old: str, new: str, version: str) -> str:
    """The commented example above `_migrations` in copier.yml, filled in."""
    lines = config.split("_migrations: []")[0].splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("#   - version:"))
    block = []
    for line in lines[start:]:
        if not line.startswith("#  "):
            break
        block.append(line[1:])
    entry = "\n".join(block) + "\n"
    entry = re.sub(r'version: "[^"]*"', f'version: "{version}"', entry)
    return entry.replace("- old_name", f"- {old}").replace("- new_name", f"- {new}")


def _long_values(env_file: Path) -> list[str]:
    if not env_file.exists():
        return []
    values = []
    for line in env_file.read_text().splitlines():
        _, sep, value = line.partition("=")
        if sep and len(value.strip().strip("'\"")) >= 16:
            values.append(value.strip().strip("'\""))
    return values


def test_a_failing_update_puts_the_project_back(tmp_path: Path, env: dict[str, str]) -> None:
    template = version_n(tmp_path, "django")
    project = generate(template, env, tmp_path / "service")
    user_edits(project)
    version_n1(template)
    template.write("update_demo/broken.txt.jinja", "{% if %}\n")
    before = snapshot(project), git(project, "status", "--porcelain")

    result = update(template, env, project)

    assert result.returncode == EXIT_FAILURE, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    assert (snapshot(project), git(project, "status", "--porcelain")) == before


def test_an_old_version_missing_from_the_store_is_explained(
    tmp_path: Path, env: dict[str, str], home: Path
) -> None:
    template = version_n(tmp_path, "fastapi")
    project = generate(template, env, tmp_path / "service")
    shutil.rmtree(home / ".local" / "share" / "new-project")
    version_n1(template)
    before = snapshot(project)

    result = update(template, env, project)

    assert result.returncode == EXIT_FAILURE
    assert "does not hold" in result.stderr
    assert N in result.stderr
    assert snapshot(project) == before


# --- --template-source --------------------------------------------------------------------


def test_a_tagged_template_source_updates_to_its_latest_tag(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "flask")
    template.tag(N)
    work = tmp_path / "work"
    work.mkdir()
    relative = os.path.relpath(template.root, work)
    created = run_tool(
        "service",
        "--framework",
        "flask",
        "--defaults",
        "--template-source",
        relative,
        env=env,
        cwd=work,
    )
    assert created.returncode == 0, created.stderr
    assert "warning" not in created.stderr
    project = work / "service"
    # A relative source is recorded absolute, so updates work from anywhere.
    assert answers(project)["_src_path"] == template.root.as_posix()
    assert answers(project)["_commit"] == N
    user_edits(project)
    version_n1(template)
    template.tag(N1)

    result = run_tool("update", str(project), "--defaults", env=env, cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert f"from {N} to {N1}" in result.stdout
    assert_template_changes_and_user_edits(project)


def test_an_untagged_template_source_warns_and_update_refuses(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = version_n(tmp_path, "flask")
    git(template.root, "init", "-q")
    git(template.root, "add", "--all")
    git(template.root, "commit", "-q", "-m", "untagged")
    created = run_tool(
        str(tmp_path / "service"),
        "--framework",
        "flask",
        "--defaults",
        "--template-source",
        str(template.root),
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "no PEP 440 version tag" in created.stderr
    project = tmp_path / "service"
    version_n1(template)
    git(template.root, "add", "--all")
    git(template.root, "commit", "-q", "-m", "still untagged")
    before = snapshot(project)

    result = run_tool("update", str(project), "--defaults", env=env)

    assert result.returncode == EXIT_USAGE
    assert "--vcs-ref" in result.stderr
    assert snapshot(project) == before


def test_a_template_in_a_subdirectory_of_a_repository_warns_and_cannot_update(
    tmp_path: Path, env: dict[str, str]
) -> None:
    outer = tmp_path / "monorepo"
    template = version_n(outer / "templates-here", "django")
    git(outer, "init", "-q")
    git(outer, "add", "--all")
    git(outer, "commit", "-q", "-m", "several templates")
    git(outer, "tag", N)
    created = run_tool(
        str(tmp_path / "service"),
        "--framework",
        "django",
        "--defaults",
        "--template-source",
        str(template.root),
        env=env,
    )
    assert created.returncode == 0, created.stderr
    assert "not the root of a git repository" in created.stderr
    project = tmp_path / "service"
    assert "_commit" not in answers(project)
    before = snapshot(project)

    result = run_tool("update", str(project), "--defaults", env=env)

    assert result.returncode == EXIT_USAGE
    assert "records no template version" in result.stderr
    assert snapshot(project) == before


# --- the hooks that stop an unresolved update from being committed --------------------------


def assert_hooks_refuse_the_unresolved_update(project: Path, env: dict[str, str]) -> None:
    """The project's pre-commit hooks stop conflict markers and .rej files being committed."""
    uvx = shutil.which("uvx")
    if uvx is None:
        return  # nothing to run the hooks with; the rest of the test stands
    config = yaml.safe_load((project / ".pre-commit-config.yaml").read_text())

    # check-merge-conflict, run with the revision and arguments the project configures.
    (hooks_repo,) = [repo for repo in config["repos"] if repo["repo"].endswith("/pre-commit-hooks")]
    (hook,) = [hook for hook in hooks_repo["hooks"] if hook["id"] == "check-merge-conflict"]
    assert "--assume-in-merge" in hook.get("args", [])  # no git merge is under way
    markers = subprocess.run(
        [
            uvx,
            "--from",
            f"pre-commit-hooks=={hooks_repo['rev'].lstrip('v')}",
            "check-merge-conflict",
            *hook["args"],
            "update_demo/handlers.py",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert markers.returncode == 1, markers.stdout + markers.stderr
    assert "update_demo/handlers.py" in markers.stdout

    # The project's local hooks (no download needed) through pre-commit itself.
    local = {"repos": [repo for repo in config["repos"] if repo["repo"] == "local"]}
    (project / ".git" / "local-hooks.yaml").write_text(yaml.safe_dump(local))
    (project / "update_demo" / "handlers.py.rej").write_text("@@ -1 +1 @@\n-a\n+b\n")
    git(project, "add", "--force", "update_demo/handlers.py.rej")
    rej = subprocess.run(
        [
            uvx,
            "pre-commit",
            "run",
            "--config",
            ".git/local-hooks.yaml",
            "--files",
            "update_demo/handlers.py.rej",
        ],
        cwd=project,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert rej.returncode == 1, rej.stdout + rej.stderr
    assert "handlers.py.rej" in rej.stdout


def test_leftover_rej_files_and_marked_files_count_as_conflicts(tmp_path: Path) -> None:
    from generator import update

    project = tmp_path / "project"
    project.mkdir()
    (project / ".gitignore").write_text("*.rej\n")  # hidden from git status, not from us
    (project / "app.py").write_text("x = 1\n")
    (project / "notes.md").write_text("Title\n=======\n")
    git(project, "init", "-q")
    git(project, "add", "--all")
    git(project, "commit", "-q", "-m", "start")
    (project / "app.py").write_text("x = 2\n")
    (project / "app.py.rej").write_text("@@ -1 +1 @@\n-x = 1\n+x = 3\n")
    (project / "new.txt").write_text("<<<<<<< before updating\na\n=======\nb\n>>>>>>> after\n")

    assert update.conflicted_files(project) == ["app.py.rej", "new.txt"]


# --- 6. accounts: on for a new project, off for one made before the question ----------------


def _before_the_auth_question(template: Template) -> str:
    """Make `template` the release before the `auth` question: its copier.yml without the
    question and without the external data its default reads. Returns today's copier.yml."""
    config = template.root / "copier.yml"
    today = config.read_text()
    question = re.search(r"(?m)^auth:\n(?:[ #].*\n|\n)*?(?=^\S)", today)
    external = re.search(r"(?m)^_external_data:\n(?:  .*\n)+", today)
    assert question is not None, "copier.yml has no `auth` question"
    assert external is not None, "copier.yml reads no _external_data"
    config.write_text(today.replace(question.group(0), "").replace(external.group(0), ""))
    return today


def _files(project: Path) -> dict[str, bytes]:
    """The project's files but git's, the development .env (a random secret) and uv.lock
    (resolved when each project was made)."""
    return {
        name: content
        for name, content in snapshot(project).items()
        if not name.startswith(".git/") and name not in {".env", "uv.lock"}
    }


def _auth_off_after_update(tmp_path: Path, env: dict[str, str], framework: str, how: str) -> None:
    """A project made before the question, updated with `--defaults`, answers auth=false
    and is the project a fresh `auth=false` generation makes, file for file; a new project
    at the same version answers auth=true."""
    template = version_n(tmp_path, framework)
    today = _before_the_auth_question(template)
    project = generate(template, env, tmp_path / "old" / "service")
    assert "auth" not in answers(project)

    (template.root / "copier.yml").write_text(today)
    if how == "copier":
        synced = run_tool("--sync-store", env=env, template_root=template.root, version=N1)
        assert synced.stdout.strip() == N1, synced.stderr
        result = run_copier("update", "--defaults", cwd=project, env=env)
    else:
        result = update(template, env, project)
        # The user is told which new question got which answer, and how to change it.
        assert "their answers:\n  auth: false\n" in result.stdout, result.stdout
        assert "run `new-project update`" in result.stdout, result.stdout
    assert result.returncode == 0, result.stdout + result.stderr
    assert answers(project)["_commit"] == N1
    assert answers(project)["auth"] is False

    fresh_off = generate(
        template, env, tmp_path / "off" / "service", "--data", "auth=false", version=N1
    )
    assert _files(project) == _files(fresh_off)
    fresh = generate(template, env, tmp_path / "new" / "service", version=N1)
    assert answers(fresh)["auth"] is True


@pytest.mark.parametrize("how", ["new-project", "copier"])
def test_an_update_from_before_the_auth_question_keeps_accounts_off(
    tmp_path: Path, env: dict[str, str], how: str
) -> None:
    _auth_off_after_update(tmp_path, env, "flask", how)


@pytest.mark.slow
# Flask runs above; Django + FastAPI never asks the question (its accounts are always on).
@pytest.mark.parametrize(
    "framework", [f for f in FRAMEWORKS if f not in ("flask", "django-fastapi")]
)
def test_an_update_from_before_the_auth_question_keeps_accounts_off_slow(
    tmp_path: Path, env: dict[str, str], framework: str
) -> None:
    _auth_off_after_update(tmp_path, env, framework, "new-project")


def test_plain_copier_copy_of_a_new_project_answers_auth_true(
    tmp_path: Path, env: dict[str, str]
) -> None:
    template = Template.export(tmp_path / "template", "flask")
    template.tag(N)
    dest = tmp_path / "service"
    result = run_copier(
        "copy", "--defaults", "--data", "framework=flask", str(template.root), str(dest),
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert answers(dest)["auth"] is True
