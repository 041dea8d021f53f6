"""A fresh project works as the tool and its README say: for each template (defaults),
the "Next steps" that `new-project` prints and the README's "Quick start" block are run
as printed. Commands must exit 0; the last command of each list is a server: it is
started, asked for the hello page (and, for the production server, a missing page that
must not be a debug page), and stopped.

Servers listen where the commands say (port 8000): each runs in a private network
namespace when the machine allows it (root and `unshare`), so parallel runs do not
collide; elsewhere one at a time, behind a lock.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import contract
import pytest
from filelock import FileLock

from devtools.processes import clean_environ, run_command_line
from generator.catalog import TEMPLATES, Template

pytestmark = pytest.mark.projects
PROBE = Path(__file__).with_name("serve_probe.py")
MISSING_PAGE = "/first-run-missing-page-404/"
DEFAULT_PORT = 8000
TIMEOUT = 900.0


def private_network() -> bool:
    """True when a server can get its own loopback (root, util-linux unshare, iproute2)."""
    if os.geteuid() != 0 or not shutil.which("unshare") or not shutil.which("ip"):
        return False
    probe = subprocess.run(["unshare", "--net", "true"], capture_output=True, check=False)
    return probe.returncode == 0


@contextlib.contextmanager
def port_turn() -> Iterator[None]:
    if private_network():
        yield
        return
    # Shared loopback: one server on the port at a time, across pytest-xdist workers.
    with FileLock(Path(tempfile.gettempdir()) / "new-project-first-run-port.lock"):
        yield


def environment(tmp_path: Path) -> dict[str, str]:
    env = clean_environ()
    uv = os.environ.get("UV") or shutil.which("uv")
    assert uv, "uv not found"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / "uv").unlink(missing_ok=True)
    (bin_dir / "uv").symlink_to(Path(uv).resolve())
    script_dir = Path(sys.executable).parent  # new-project of this checkout
    env["PATH"] = os.pathsep.join([str(bin_dir), str(script_dir), env.get("PATH", "")])
    env["NEW_PROJECT_DATA_DIR"] = str(tmp_path / "data")
    env["UV_NO_PROGRESS"] = "1"
    env["NO_COLOR"] = "1"
    return env


def run(command: str, cwd: Path, env: dict[str, str]) -> str:
    return run_command_line(command, cwd, env, TIMEOUT)


def serve(command: str, port: int, cwd: Path, env: dict[str, str], *paths: str) -> dict[str, Any]:
    args = [sys.executable, str(PROBE), "--command", command, str(port), *paths]
    if private_network():
        args = ["unshare", "--net", *args, "--private-network"]
    with port_turn():
        result = subprocess.run(
            args, cwd=cwd, env=env, capture_output=True, text=True, timeout=TIMEOUT, check=False
        )
    assert result.stdout.strip(), result.stderr
    answers: dict[str, Any] = json.loads(result.stdout)
    assert result.returncode == 0, f"{answers.get('error')}\n{answers.get('log')}"
    return answers


def check_hello(template: Template, answers: dict[str, Any], command: str) -> None:
    status, body = answers[template.hello_path]
    assert status == 200, f"`{command}`: GET {template.hello_path}: {status}\n{answers['log']}"
    assert json.loads(body) == template.hello_json, body


def check_production(answers: dict[str, Any], command: str) -> None:
    status, body = answers[MISSING_PAGE]
    shown = [marker.decode() for marker in contract.DEBUG_MARKERS if marker.decode() in body]
    assert status == 404, f"`{command}`: a missing page answered {status}\n{body[:500]}"
    assert not shown, f"`{command}` runs with debug on: a missing page shows {shown}"


def port_of(command: str, fallback: int = DEFAULT_PORT) -> int:
    found = re.search(r"(?:127\.0\.0\.1:|--port[ =])(\d+)", command)
    return int(found.group(1)) if found else fallback


def next_steps(output: str) -> list[str]:
    lines = output.splitlines()
    assert "Next steps:" in lines, output
    steps = lines[lines.index("Next steps:") + 1 :]
    return [line.strip() for line in steps if line.startswith("  ") and line.strip()]


def quick_start(readme: str) -> tuple[list[str], int]:
    """The commands of the fenced block under "## Quick start", and the port of the URL
    the README then sends the reader to."""
    part = readme.split("\n## Quick start\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```\w*\n(.*?)```", part, re.DOTALL)
    assert block, part
    commands = [
        line.removeprefix("$ ").strip()
        for line in block.group(1).splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    url = re.search(r"http://127\.0\.0\.1:(\d+)", part)
    return commands, int(url.group(1)) if url else DEFAULT_PORT


# The printed `uv run pytest` runs as printed, collecting the whole suite, but runs only
# the hello tests: the contract suite runs the same default project's whole suite (and a
# second whole run here would double the cost of every template in the default test run).
QUICK_PYTEST = {"PYTEST_ADDOPTS": "--no-cov -k hello"}


def generate(name: str, tmp_path: Path, env: dict[str, str]) -> str:
    """`new-project demo` with the template's defaults; what it printed."""
    return run(f"new-project demo --framework {shlex.quote(name)} --defaults", tmp_path, env)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_next_steps_work_as_printed(tmp_path: Path, name: str) -> None:
    template = TEMPLATES[name]
    env = environment(tmp_path)
    printed = generate(name, tmp_path, env)
    steps = next_steps(printed)
    assert steps, printed
    cwd = tmp_path
    for command in steps[:-1]:
        if command.startswith("cd "):
            cwd = (cwd / shlex.split(command)[1]).resolve()
            continue
        run(command, cwd, {**env, **QUICK_PYTEST} if command == "uv run pytest" else env)
    production = steps[-1]
    # The registry's serve command, after its plain-HTTP loopback settings (serve_env).
    prefix = " ".join(f"{key}={shlex.quote(value)}" for key, value in template.serve_env.items())
    expected = template.serve.format(port=DEFAULT_PORT)
    assert production == (f"{prefix} {expected}" if prefix else expected), steps
    answers = serve(production, port_of(production), cwd, env, template.hello_path, MISSING_PAGE)
    check_hello(template, answers, production)
    check_production(answers, production)


@pytest.mark.parametrize("name", sorted(TEMPLATES))
def test_readme_quick_start_works_as_printed(tmp_path: Path, name: str) -> None:
    template = TEMPLATES[name]
    env = environment(tmp_path)
    generate(name, tmp_path, env)
    project = tmp_path / "demo"
    commands, port = quick_start((project / "README.md").read_text(encoding="utf-8"))
    assert len(commands) >= 2, commands
    for command in commands[:-1]:
        run(command, project, env)
    development = commands[-1]
    answers = serve(development, port_of(development, port), project, env, template.hello_path)
    check_hello(template, answers, development)
