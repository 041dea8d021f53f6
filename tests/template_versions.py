"""Helpers for the update tests: template versions N and N+1, and running the tool on them.

A test copies this repository's `copier.yml` and `templates/` into a directory of its own,
adds files of its own under `templates/<framework>/update_demo/` and changes only those
between versions, so it never depends on what the real template files say. The tool runs
as a real process, told which template root and version to ship through two variables
read by the small wrapper below (the test's stand-in for an installed wheel).
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tarfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from generator.catalog import NAMES

REPO = Path(__file__).resolve().parent.parent
FRAMEWORKS = NAMES
STORE_SRC_PATH = "~/.local/share/new-project/templates"
GIT_IDENTITY = {
    "GIT_AUTHOR_NAME": "Test User",
    "GIT_AUTHOR_EMAIL": "user@example.com",
    "GIT_COMMITTER_NAME": "Test User",
    "GIT_COMMITTER_EMAIL": "user@example.com",
}

_WRAPPER = """
import os, sys
from pathlib import Path
import generator, generator.sources
if os.environ.get("TEST_TEMPLATE_ROOT"):
    root = Path(os.environ["TEST_TEMPLATE_ROOT"])
    generator.sources.template_root = lambda: root
if os.environ.get("TEST_TOOL_VERSION"):
    generator.__version__ = os.environ["TEST_TOOL_VERSION"]
if sys.argv[1:] == ["--sync-store"]:
    from generator import store
    print(store.sync().tag)
    raise SystemExit(0)
from generator.cli import main
sys.argv[0] = "new-project"
main()
"""


def isolated_env(home: Path, **extra: str) -> dict[str, str]:
    """The environment of a user whose home is `home`: no data dir override, no git config.

    The uv cache and pyenv stay the machine's, so nothing is downloaded again.
    """
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("NEW_PROJECT_", "XDG_", "GIT_", "COPIER_", "TEST_"))
    }
    real_home = Path.home()
    env.setdefault("UV_CACHE_DIR", _uv_cache_dir())
    if (real_home / ".pyenv").is_dir():
        env.setdefault("PYENV_ROOT", str(real_home / ".pyenv"))
    env.update(HOME=str(home), **GIT_IDENTITY, **extra)
    home.mkdir(parents=True, exist_ok=True)
    return env


def _uv_cache_dir() -> str:
    uv = shutil.which("uv")
    if uv:
        result = subprocess.run([uv, "cache", "dir"], capture_output=True, text=True, check=False)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    return str(Path.home() / ".cache" / "uv")


def run_tool(
    *args: str,
    env: Mapping[str, str],
    template_root: Path | None = None,
    version: str | None = None,
    cwd: Path | None = None,
) -> subprocess.CompletedProcess[str]:
    """`new-project ARGS` shipping `template_root` as version `version`."""
    full_env = dict(env)
    if template_root is not None:
        full_env["TEST_TEMPLATE_ROOT"] = str(template_root)
    if version is not None:
        full_env["TEST_TOOL_VERSION"] = version
    return subprocess.run(
        [sys.executable, "-c", _WRAPPER, *args],
        cwd=cwd,
        env=full_env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def spawn_tool(
    *args: str,
    env: Mapping[str, str],
    template_root: Path | None = None,
    version: str | None = None,
    cwd: Path | None = None,
) -> Any:
    """`new-project ARGS` in a pseudo-terminal (a pexpect child), like `run_tool`."""
    import pexpect

    full_env = {**env, "TERM": "xterm", "COLUMNS": "120", "LINES": "50"}
    if template_root is not None:
        full_env["TEST_TEMPLATE_ROOT"] = str(template_root)
    if version is not None:
        full_env["TEST_TOOL_VERSION"] = version
    return pexpect.spawn(
        sys.executable,
        ["-c", _WRAPPER, *args],
        cwd=str(cwd) if cwd else None,
        env=full_env,
        encoding="utf-8",
        dimensions=(50, 120),
        timeout=120,
    )


def run_copier(*args: str, cwd: Path, env: Mapping[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "copier", *args],
        cwd=cwd,
        env=dict(env),
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )


def git(cwd: Path, *args: str, env: Mapping[str, str] | None = None) -> str:
    return subprocess.run(
        ["git", *args],
        cwd=cwd,
        env={**os.environ, **GIT_IDENTITY, **(env or {})},
        capture_output=True,
        text=True,
        check=True,
    ).stdout


def export_template(dest: Path) -> Path:
    """`copier.yml` and `templates/` as committed at HEAD, into `dest`.

    HEAD rather than the working tree: the templates are edited while these tests run, and
    a half-saved file is not what an update test is about. Outside a git checkout (an
    sdist), the files themselves.
    """
    dest.mkdir(parents=True, exist_ok=True)
    archive = subprocess.run(
        ["git", "archive", "--format=tar", "HEAD", "copier.yml", "templates"],
        cwd=REPO,
        capture_output=True,
        check=False,
    )
    if archive.returncode == 0:
        with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
            tar.extractall(dest, filter="data")
    else:
        shutil.copy2(REPO / "copier.yml", dest / "copier.yml")
        shutil.copytree(REPO / "templates", dest / "templates")
    return dest


class Template:
    """A template root of the test's own, edited version by version."""

    def __init__(self, root: Path, framework: str) -> None:
        self.root = root
        self.framework = framework

    @classmethod
    def export(cls, root: Path, framework: str) -> Template:
        return cls(export_template(root), framework)

    def path(self, name: str) -> Path:
        return self.root / "templates" / self.framework / name

    def write(self, name: str, text: str) -> None:
        path = self.path(name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def remove(self, name: str) -> None:
        self.path(name).unlink()

    def tag(self, version: str) -> None:
        """Commit everything and tag it: the template as a git repository of its own."""
        if not (self.root / ".git").is_dir():
            git(self.root, "init", "-q", "--initial-branch=main")
        git(self.root, "add", "--all")
        git(self.root, "commit", "-q", "--allow-empty", "--no-gpg-sign", "-m", version)
        git(self.root, "tag", version)


def handlers(hello: str = "hello", goodbye: str = "goodbye") -> str:
    """A small module with two functions far enough apart to be changed independently."""
    filler = "".join(f"# line {number} between the two handlers\n" for number in range(12))
    return (
        '"""Handlers of the update demo."""\n\n\n'
        f"def hello() -> str:\n    return {hello!r}\n\n\n"
        f"{filler}\n\n"
        f"def goodbye() -> str:\n    return {goodbye!r}\n"
    )


def files_with_conflicts(project: Path) -> list[str]:
    """Files holding conflict markers, and leftover .rej files, anywhere but .git/.venv."""
    found = []
    for path in project.rglob("*"):
        relative = path.relative_to(project)
        if relative.parts[0] in {".git", ".venv"} or not path.is_file():
            continue
        if path.suffix == ".rej":
            found.append(relative.as_posix())
            continue
        lines = path.read_bytes().splitlines()
        if any(line.startswith((b"<<<<<<< ", b">>>>>>> ")) for line in lines):
            found.append(relative.as_posix())
    return sorted(found)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file's bytes under `root` except git's index, which git refreshes on reading."""
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and path.relative_to(root).as_posix() != ".git/index"
    }
