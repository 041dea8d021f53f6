"""Checks of what takes a generated project from a laptop to a cluster: the lockfile, the
dependency-update configuration and the deployment files.

Each check gets the project's path and a `run` that executes a command in the project and
raises (with the command's output) when it fails; a check raises CheckFailed for what it
finds wrong and returns a one-line summary otherwise. tests/contract.py runs them as
named steps. Schemas come from check-jsonschema's vendored copies: no network.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Runner = Callable[[list[str]], str]

LOCK_STEP = "uv.lock in the first commit"
DEPENDABOT_STEP = "dependabot schema"
LOCKED_SYNC_STEP = "uv sync --locked leaves the tree clean"
# Run before the project is installed (they read files only).
STATIC_STEP_NAMES = (LOCK_STEP, DEPENDABOT_STEP)
# Run once `uv sync` has passed.
INSTALLED_STEP_NAMES = (LOCKED_SYNC_STEP,)

DEPENDABOT_ECOSYSTEMS = frozenset({"uv", "github-actions", "docker"})


class CheckFailed(Exception):
    """A deployment check found a problem; the message says what."""


def check_lock_committed(run: Runner) -> str:
    committed = run(["git", "ls-tree", "--name-only", "HEAD", "--", "uv.lock"]).split()
    if committed != ["uv.lock"]:
        raise CheckFailed("the first commit has no uv.lock")
    commits = run(["git", "rev-list", "--count", "HEAD"]).strip()
    return f"uv.lock committed (commits: {commits})"


def check_locked_sync_clean(run: Runner) -> str:
    """`uv sync --locked` accepts the committed lock and leaves nothing to commit."""
    run(["uv", "sync", "--locked"])
    status = run(["git", "status", "--porcelain", "--untracked-files=all"]).strip()
    if status:
        raise CheckFailed(f"`uv sync --locked` left the tree dirty:\n{status}")
    return "lock accepted, tree clean"


def validate_builtin_schema(run: Runner, schema: str, files: list[Path]) -> None:
    run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)])


def check_dependabot(project: Path, run: Runner) -> str:
    config = project / ".github" / "dependabot.yml"
    if not config.is_file():
        raise CheckFailed("no .github/dependabot.yml")
    validate_builtin_schema(run, "vendor.dependabot", [config])
    updates: list[dict[str, Any]] = yaml.safe_load(config.read_text()).get("updates") or []
    found = {str(update.get("package-ecosystem")) for update in updates}
    missing = DEPENDABOT_ECOSYSTEMS - found
    if missing:
        raise CheckFailed(f"dependabot does not update: {', '.join(sorted(missing))}")
    problems = [
        f"{update['package-ecosystem']}: "
        + ("not weekly" if update.get("schedule", {}).get("interval") != "weekly" else "no groups")
        for update in updates
        if update.get("schedule", {}).get("interval") != "weekly" or not update.get("groups")
    ]
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"valid; weekly, grouped: {', '.join(sorted(found))}"
