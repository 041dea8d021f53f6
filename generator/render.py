"""Rendering a new project with Copier, atomically.

A project is rendered into a temporary directory beside its destination and moved into
place only when everything (Copier, `git init`, the first commit) has worked, so a failure
or Ctrl-C never leaves half a project behind and never touches an existing file.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import sys
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator import __version__
from generator.answers import (
    collect_answers,
    default_environment,
    load_questions,
    read_answers,
    validate_answers,
)
from generator.errors import RenderError, UsageError
from generator.git import GitError, GitMissingError, scrubbed_environment
from generator.git import run as run_git
from generator.lock import lock_project
from generator.sources import (
    ANSWERS_FILE,
    normalize_source,
    source_version_problem,
    template_root,
)
from generator.trust import check_trusted, untrusted_message

__all__ = [
    "RenderError",
    "UsageError",
    "_copier_jinja_env",
    "check_destination",
    "check_trusted",
    "collect_answers",
    "initial_commit",
    "load_questions",
    "normalize_source",
    "read_answers",
    "render_project",
    "source_version_problem",
    "template_root",
    "validate_answers",
]

GIT_FALLBACK_EMAIL = "new-project@localhost"
# The environment validators render in, by the name the name-property tests use.
_copier_jinja_env = default_environment


def check_destination(dest: Path) -> None:
    """Refuse a destination that would overwrite or mix with existing files."""
    if dest.is_symlink() or (dest.exists() and not dest.is_dir()):
        raise UsageError(f"{dest} exists and is not a directory.")
    if dest.is_dir() and any(dest.iterdir()):
        raise UsageError(f"{dest} exists and is not empty; choose a new directory.")
    parent = _nearest_existing(dest.parent)
    if not parent.is_dir():
        raise UsageError(f"{parent} is not a directory.")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"Cannot write in {parent}: permission denied.")


def render_project(
    dest: Path,
    *,
    src_path: str,
    data: Mapping[str, Any],
    defaults: bool,
    vcs_ref: str | None = None,
    git: bool = True,
    unsafe: bool = False,
    user_defaults: Mapping[str, Any] | None = None,
    plain_copy: Path | None = None,
) -> Path:
    """Render the template into `dest` (new or empty), with a first commit unless `git=False`.

    `plain_copy` is a plain directory holding exactly `src_path` at `vcs_ref` (the store
    keeps one of its current tag): Copier reads it in place instead of cloning `src_path`,
    and the answers file records `src_path` and `vcs_ref`, as after a clone.

    The first commit holds `uv.lock`; if `uv lock` cannot run (no uv, offline), the project
    is still made and one warning on stderr says what to run.

    `user_defaults` replace copier.yml's defaults for some questions; `data` still wins.

    Raises UsageError for invalid answers and RenderError for failures; KeyboardInterrupt
    passes through. In every one of those cases nothing is left at `dest`.
    """
    from copier import run_copy
    from copier.errors import CopierError, CopierWarning, UnsafeTemplateError, UserMessageError
    from jinja2 import TemplateError

    dest = dest.absolute()
    check_destination(dest)
    with _staging_dir(dest) as staged, warnings.catch_warnings(), scrubbed_environment():
        # Copier warns about dirty or untagged local templates; the versioned store makes
        # those impossible in normal use, and here the messages would only confuse.
        warnings.simplefilter("ignore", CopierWarning)
        try:
            run_copy(
                str(plain_copy) if plain_copy is not None else src_path,
                staged,
                data=dict(data),
                user_defaults=dict(user_defaults or {}),
                defaults=defaults,
                vcs_ref=None if plain_copy is not None else vcs_ref,
                quiet=True,
                unsafe=unsafe,
            )
        except KeyboardInterrupt:
            raise  # Copier's own Ctrl-C at a prompt too; the staging dir goes on exit
        except UnsafeTemplateError as error:
            features = "tasks, Jinja extensions or migrations"
            raise UsageError(untrusted_message(src_path, features)) from error
        except (UserMessageError, ValueError) as error:  # a validator's message, a bad ref
            raise UsageError(str(error)) from error
        except CopierError as error:
            raise RenderError(f"Copier failed: {error}") from error
        except TemplateError as error:  # a broken template file, found half-way through
            raise RenderError(f"The template failed to render: {error}") from error
        except OSError as error:  # the file system, or a git run of Copier's
            raise RenderError(f"Rendering failed: {_os_error_detail(error)}") from error
        if plain_copy is not None:
            record_source(staged, str(plain_copy), src_path, vcs_ref or "")
        if git:
            locked = lock_project(staged, shown_as=dest)
            if not locked.locked:
                print(f"new-project: warning: {locked.message}", file=sys.stderr)
            initial_commit(staged)
        _move_into_place(staged, dest)
    return dest


def record_source(project: Path, read_from: str, src_path: str, commit: str) -> None:
    """Make the answers file of a project rendered from the plain directory `read_from`
    say what Copier writes after cloning `src_path` at `commit`: the same two keys, in the
    YAML Copier's `to_nice_yaml` writes, where it wrote `_src_path: read_from`."""
    import yaml

    def nice_yaml(data: dict[str, str]) -> str:
        return str(yaml.dump(data, indent=4, allow_unicode=True, default_flow_style=False))

    answers = project / ANSWERS_FILE
    text = answers.read_text(encoding="utf-8")
    rendered = nice_yaml({"_src_path": read_from})
    if text.count(rendered) != 1 or not commit:
        raise RenderError(f"Cannot record the template version in {ANSWERS_FILE}.")
    recorded = nice_yaml({"_commit": commit, "_src_path": src_path})
    answers.write_text(text.replace(rendered, recorded), encoding="utf-8")


def _os_error_detail(error: OSError) -> str:
    # plumbum's ProcessExecutionError, an OSError, carries git's own message in stderr.
    stderr = getattr(error, "stderr", None)
    return str(stderr or error or type(error).__name__).strip()


@contextmanager
def _staging_dir(dest: Path) -> Iterator[Path]:
    """A directory named like `dest` inside a temporary one beside it; removed on exit.

    Its name matters: Copier offers the folder name as the default project name.
    Parents of `dest` that had to be created are removed again if nothing is moved in.
    """
    created = _create_parents(dest.parent)
    holder = Path(tempfile.mkdtemp(prefix=f".{dest.name}.new-project-", dir=dest.parent))
    try:
        yield holder / dest.name
    finally:
        shutil.rmtree(holder, ignore_errors=True)
        if not dest.exists():
            for directory in reversed(created):
                with contextlib.suppress(OSError):
                    directory.rmdir()


def _move_into_place(staged: Path, dest: Path) -> None:
    # rename() is atomic and also replaces an empty directory.
    try:
        staged.rename(dest)
    except OSError as error:
        raise RenderError(f"Cannot move the project into {dest}: {error}") from error


def initial_commit(project: Path) -> None:
    """`git init` and one commit of everything not ignored, even with no git identity set."""
    answers = read_answers(project)
    name = str(answers.get("author_name") or "new-project")
    email = str(answers.get("author_email") or GIT_FALLBACK_EMAIL)
    identity = {
        # Used only where the user's git configuration has no identity of its own.
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME") or name,
        "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL") or email,
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME") or name,
        "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL") or email,
    }
    message = f"Initial commit from new-project {__version__}"
    for command in (
        ("init", "--quiet", "--initial-branch=main"),
        ("add", "--all"),
        ("commit", "--quiet", "--no-verify", "--no-gpg-sign", "--message", message),
    ):
        try:
            run_git(project, *command, env=identity)
        except GitMissingError as error:
            raise RenderError("git is not installed; use --no-git to skip it.") from error
        except GitError as error:
            raise RenderError(str(error)) from error


def _nearest_existing(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _create_parents(path: Path) -> list[Path]:
    missing = []
    while not path.exists():
        missing.append(path)
        path = path.parent
    for directory in reversed(missing):
        directory.mkdir()
    return list(reversed(missing))
