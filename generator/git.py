"""The one way new-project runs git: in a given directory, never somewhere else.

A git hook, an editor or a wrapper script may export variables (GIT_DIR, GIT_WORK_TREE,
GIT_INDEX_FILE...) that point every git command at their repository. Each run here drops
them, never waits for a password prompt, and gives up after a timeout. Copier runs git
too; `scrubbed_environment` gives its runs the same treatment.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

# `git rev-parse --local-env-vars`: the variables git itself clears before it works in
# another repository, plus the namespace and quarantine ones a hook may see.
REPO_VARIABLES = frozenset(
    {
        "GIT_ALTERNATE_OBJECT_DIRECTORIES",
        "GIT_COMMON_DIR",
        "GIT_CONFIG",
        "GIT_CONFIG_COUNT",
        "GIT_CONFIG_PARAMETERS",
        "GIT_DIR",
        "GIT_GRAFT_FILE",
        "GIT_IMPLICIT_WORK_TREE",
        "GIT_INDEX_FILE",
        "GIT_INTERNAL_SUPER_PREFIX",
        "GIT_NAMESPACE",
        "GIT_NO_REPLACE_OBJECTS",
        "GIT_OBJECT_DIRECTORY",
        "GIT_PREFIX",
        "GIT_QUARANTINE_PATH",
        "GIT_REPLACE_REF_BASE",
        "GIT_SHALLOW_FILE",
        "GIT_WORK_TREE",
    }
)
NO_PROMPT = {"GIT_TERMINAL_PROMPT": "0"}
TIMEOUT = 120.0  # seconds; local commands take far less, this only ends a stuck one
REMOTE_TIMEOUT = 60.0  # seconds for `git ls-remote` on a URL


class GitError(Exception):
    """A git command failed, timed out, or git is not installed."""


class GitMissingError(GitError):
    """git is not installed."""


def is_url(source: str) -> bool:
    """Whether a template source is remote (Copier's URL forms) rather than a local path."""
    return "://" in source or source.startswith(("git@", "gh:", "gl:", "git+"))


def clean_environ(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """This process's environment without the repository variables, never prompting."""
    env = {key: value for key, value in os.environ.items() if key not in REPO_VARIABLES}
    env.update(NO_PROMPT)
    env.update(extra or {})
    return env


def run(
    cwd: Path,
    *args: str,
    check: bool = True,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
    timeout: float = TIMEOUT,
) -> subprocess.CompletedProcess[str]:
    """`git ARGS` in `cwd`; GitError when it fails (with `check`) or does not finish."""
    command = ["git", *args]
    try:
        result = subprocess.run(
            command,
            cwd=cwd,
            env=clean_environ(env),
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )
    except FileNotFoundError as error:
        raise GitMissingError("git is not installed; new-project needs it.") from error
    except subprocess.TimeoutExpired as error:
        raise GitError(f"git {args[0]} did not finish within {timeout:.0f} seconds.") from error
    if check and result.returncode != 0:
        raise GitError(f"git {args[0]} failed in {cwd}: {result.stderr.strip()}")
    return result


def remote_tags(location: str, timeout: float | None = None) -> list[str]:
    """The tag names of a repository (a URL or a local path); empty if it cannot be read.

    GitError if it does not answer within `timeout` (default: REMOTE_TIMEOUT) seconds.
    """
    listed = run(
        Path.cwd(),
        "ls-remote",
        "--tags",
        "--refs",
        "--",
        location,
        check=False,
        timeout=REMOTE_TIMEOUT if timeout is None else timeout,
    )
    return [
        line.partition("\t")[2].removeprefix("refs/tags/")
        for line in listed.stdout.splitlines()
        if "\t" in line
    ]


@contextmanager
def scrubbed_environment() -> Iterator[None]:
    """Copier's git runs (and its tasks) see no repository variables and never prompt.

    Copier runs git through plumbum, which copies the environment once, when it is first
    imported: that copy is scrubbed as well as this process's, and both are restored.
    """
    saved = dict(os.environ)
    plumbum: Any = sys.modules.get("plumbum")
    local_env: Any = plumbum.local.env if plumbum is not None else None
    saved_local = dict(local_env.getdict()) if local_env is not None else None
    try:
        for target in (os.environ, local_env):
            if target is None:
                continue
            for key in REPO_VARIABLES & set(target.keys()):
                del target[key]
            target.update(NO_PROMPT)
        yield
    finally:
        os.environ.clear()
        os.environ.update(saved)
        if local_env is not None and saved_local is not None:
            local_env.clear()
            local_env.update(saved_local)
