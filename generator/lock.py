"""`uv lock` in a generated project, so that its first commit pins every dependency.

uv is taken from PATH: a generated project is worked on with uv anyway (its README, CI and
Dockerfile all run it), and the user's own uv, with their index and cache settings, is the
one whose lockfile they will keep using. Bundling a second uv would pin its version here.
A lock that cannot be made (no uv, offline, a resolver error) never stops the generation:
the caller gets one message saying what to run.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

from generator.git import clean_environ

LOCKFILE = "uv.lock"
TIMEOUT = 300.0  # seconds; a fresh resolution over the network takes a few


@dataclass(frozen=True)
class LockOutcome:
    locked: bool
    message: str  # what happened; when not locked, what to run


def lock_project(project: Path, shown_as: Path | None = None) -> LockOutcome:
    """Run `uv lock` in `project`; `shown_as` is the path the message names (the final
    destination when `project` is still a staging directory)."""
    where = shown_as or project
    remedy = f"run `uv lock` in {where} and commit {LOCKFILE}"
    uv = shutil.which("uv")
    if uv is None:
        message = f"uv is not installed, so there is no {LOCKFILE}: install uv, then {remedy}."
        return LockOutcome(False, message)
    # An activated virtual environment of another project is irrelevant here.
    env = {key: value for key, value in clean_environ().items() if key != "VIRTUAL_ENV"}
    try:
        result = subprocess.run(
            [uv, "lock", "--quiet", "--no-progress"],
            cwd=project,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=TIMEOUT,
        )
    except subprocess.TimeoutExpired:
        message = f"`uv lock` did not finish within {TIMEOUT:.0f} seconds; {remedy}."
        return LockOutcome(False, message)
    except OSError as error:
        return LockOutcome(False, f"`uv lock` could not run ({error}); {remedy}.")
    if result.returncode != 0 or not (project / LOCKFILE).is_file():
        detail = _last_line(result.stderr) or f"exit status {result.returncode}"
        return LockOutcome(False, f"`uv lock` failed ({detail}); {remedy}.")
    return LockOutcome(True, f"locked the dependencies in {LOCKFILE}")


def _last_line(text: str) -> str:
    """uv's own error line, else the last line it wrote."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    return (errors or lines or [""])[0 if errors else -1]
