"""A wheel built from this repository works on its own, outside the checkout.

The wheel is installed into a fresh virtual environment in a temporary directory, and
its `new-project` generates every template there: each project must be a git repository
with one clean commit, every file the checkout's template would render. One of them (the
first in the registry's order) also installs, passes its own tests, migrates and answers
the guide's hello under its production server: that the others do from a project made
from the checkout is shown by tests/test_first_run.py and the contract suite, so here
only the packaging is in question.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import contract
import pytest

from devtools.processes import free_port
from generator.catalog import TEMPLATES
from generator.render import render_project

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.projects


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> contract.Tools:
    return contract.Tools.discover(tmp_path_factory.mktemp("tools"))


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory, tools: contract.Tools) -> Path:
    """The `new-project` script of the wheel, installed into a venv outside the repo."""
    base = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [tools.uv, "build", "--wheel", "--quiet", "--out-dir", str(base / "dist"), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = (base / "dist").glob("*.whl")
    python = tools.interpreter("3.11") or "3.11"
    subprocess.run(
        [tools.uv, "venv", "--quiet", "--python", python, str(base / "venv")],
        check=True,
        capture_output=True,
        cwd=base,
    )
    subprocess.run(
        [tools.uv, "pip", "install", "--quiet", "--python", str(base / "venv"), str(wheel)],
        check=True,
        capture_output=True,
        cwd=base,
    )
    return base / "venv" / "bin" / "new-project"


def generate(script: Path, framework: str, workdir: Path) -> Path:
    env = {k: v for k, v in os.environ.items() if k not in {"VIRTUAL_ENV", "PYTHONPATH"}}
    env["NEW_PROJECT_DATA_DIR"] = str(workdir / "data")  # a store of its own
    result = subprocess.run(
        [str(script), contract.PROJECT_DIR_NAME, "--framework", framework, "--defaults"],
        cwd=workdir,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return workdir / contract.PROJECT_DIR_NAME


@pytest.mark.parametrize("framework", sorted(TEMPLATES))
def test_wheel_generates_every_template(
    installed: Path, tools: contract.Tools, template_source: Path, tmp_path: Path, framework: str
) -> None:
    path = generate(installed, framework, tmp_path)

    # A git repository with exactly one commit and nothing left out of it.
    log = subprocess.run(
        ["git", "log", "--format=%H"], cwd=path, capture_output=True, text=True, check=True
    )
    assert len(log.stdout.split()) == 1
    status = subprocess.run(
        ["git", "status", "--porcelain"], cwd=path, capture_output=True, text=True, check=True
    )
    assert status.stdout == ""
    # The same files a project made from the checkout has: nothing left out of the wheel.
    case = next(case for case in contract.option_matrix()[framework] if case.default)
    expected = render_project(
        tmp_path / "from-checkout" / contract.PROJECT_DIR_NAME,
        src_path=str(template_source),
        data=case.data,
        defaults=True,
    )
    assert tracked(path) == tracked(expected)

    if framework != next(iter(TEMPLATES)):
        return
    template = TEMPLATES[framework]
    project = contract.Project(case, tmp_path, tools, REPO, None, None)
    contract.step_uv_sync(project)
    # The hello tests only, with the whole suite collected: the files are the checkout's
    # (asserted above), whose whole suite the contract runs on this same default case.
    output = project.run(
        ["uv", "run", "--no-sync", "pytest", "-p", "no:cacheprovider", "--no-cov", "-k", "hello"],
        env=project.base_env(),
        timeout=contract.TIMEOUT_TOOL,
        what="pytest",
    )
    assert " passed" in output, output

    env = project.production_env(None)
    with project.without_dev_env():
        project.run(template.migrate, env=env)
        with project.serve(env, free_port()) as server:
            response = project.wait_ready(server, template.hello_path, timeout=120)
            assert response.status == 200
            assert json.loads(response.body) == template.hello_json
            assert contract.http(server.base + template.docs_path).status == 200


def tracked(project: Path) -> set[str]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=project, capture_output=True, text=True, check=True
    )
    return {name for name in listed.stdout.split("\0") if name}
