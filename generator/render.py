"""Rendering with Copier, and the git work around it.

A project is rendered into a temporary directory beside its destination and moved into
place only when everything (Copier, `git init`, the first commit) has worked, so a failure
or Ctrl-C never leaves half a project behind and never touches an existing file.
"""

from __future__ import annotations

import contextlib
import functools
import os
import shutil
import subprocess
import tempfile
import warnings
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from generator import __version__

GIT_FALLBACK_EMAIL = "new-project@localhost"


class UsageError(Exception):
    """Bad input from the user: exit code 2, nothing written."""


class RenderError(Exception):
    """Something failed while working: exit code 1, nothing left behind."""


def template_root() -> Path:
    """The template shipped with the tool: inside the wheel, or this checkout's root."""
    bundled = Path(__file__).parent / "_template"
    if (bundled / "copier.yml").is_file():
        return bundled
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "copier.yml").is_file():
        return checkout
    raise RenderError("The bundled template is missing: reinstall new-project.")


def _load_config(root: Path) -> dict[str, Any]:
    try:
        config = yaml.safe_load((root / "copier.yml").read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as error:
        raise RenderError(f"Cannot read {root / 'copier.yml'}: {error}") from error
    return config if isinstance(config, dict) else {}


def load_questions(root: Path) -> dict[str, dict[str, Any]]:
    """The questions of a template's `copier.yml` (settings starting with `_` left out)."""
    return {
        key: value if isinstance(value, dict) else {"default": value}
        for key, value in _load_config(root).items()
        if not key.startswith("_")
    }


def check_trusted(source: str, *, trust: bool) -> None:
    """Refuse a local template that runs code here (tasks, Jinja extensions) unless trusted.

    Copier makes the same check for any source, but only once our own questions are
    answered; checking a local template first stops before the first prompt. A local
    source that is not a directory is refused here too, naming it.
    """
    root = Path(source).expanduser()
    if not _is_url(source) and not root.is_dir():
        raise UsageError(f"The template source {source} is not a directory or a git URL.")
    if trust or not (root / "copier.yml").is_file():
        return
    config = _load_config(root)
    features = [name for name in ("tasks", "jinja_extensions") if config.get(f"_{name}")]
    if features:
        raise UsageError(_untrusted(source, ", ".join(features)))


def _untrusted(source: str, features: str) -> str:
    return (
        f"The template {source} uses {features}, which can run code on this machine. "
        "Pass --trust only if you trust it."
    )


def validate_answers(
    questions: Mapping[str, Mapping[str, Any]],
    answers: Mapping[str, Any],
    *,
    folder_name: str = "",
) -> dict[str, str]:
    """Check answers the way Copier will, before any prompt or file: errors by key.

    Goes through the questions in order, like Copier: a question's value is its answer or
    its rendered default, and later defaults, `when:` conditions and validators see the
    values before them. Reports answers outside `choices`, answers to questions whose
    `when:` is false, and validator messages (defaults included: the caller decides which
    keys matter). Validators are rendered in Copier's own sandboxed Jinja environment.
    """
    from copier._tools import cast_to_bool

    def render(value: Any, context: Mapping[str, Any]) -> Any:
        if not isinstance(value, str):
            return value
        try:
            return _compiled(value).render(context)
        except Exception as error:  # Copier shows a failing template's error as the message
            return str(error) or type(error).__name__

    context: dict[str, Any] = {"_folder_name": folder_name}
    errors: dict[str, str] = {}
    for key, question in questions.items():
        applies = "when" not in question or cast_to_bool(render(question["when"], context))
        try:
            value = _cast(
                key,
                question,
                answers[key] if key in answers else render(question.get("default"), context),
            )
        except UsageError as error:
            errors[key] = str(error)
            continue
        context[key] = value
        if not applies:
            if key in answers:
                condition = str(question["when"]).strip().removeprefix("{{").removesuffix("}}")
                errors[key] = (
                    f"{key} does not apply here: it is asked only when {condition.strip()}."
                )
            continue
        choices = _choice_values(question.get("choices"), context, render)
        if choices and value not in choices:
            listed = ", ".join(str(choice) for choice in choices)
            given = answers.get(key, value)
            # YAML reads `python_version: 3.10` as the number 3.1.
            hint = "" if isinstance(given, str) else f" (the data file gives {given!r}: quote it)"
            errors[key] = f"{key} must be one of {listed}; got {value!r}{hint}."
            continue
        if question.get("validator"):
            message = str(render(question["validator"], context)).strip()
            if message:
                errors[key] = message
    return errors


@functools.lru_cache(maxsize=256)
def _compiled(source: str) -> Any:
    return _copier_jinja_env().from_string(source)


@functools.lru_cache(maxsize=1)
def _copier_jinja_env() -> Any:
    """A Jinja environment like the one Copier renders templates with (its default set)."""
    from copier._jinja_ext import YieldExtension
    from jinja2.sandbox import SandboxedEnvironment

    return SandboxedEnvironment(
        extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension", YieldExtension]
    )


def _cast(key: str, question: Mapping[str, Any], value: Any) -> Any:
    kind = question.get("type", "str")
    if kind == "bool":
        return _as_bool(key, value)
    try:
        if kind == "int":
            return int(value)
        if kind == "float":
            return float(value)
    except (TypeError, ValueError) as error:
        raise UsageError(f"{key} takes a number ({kind}), got {value!r}.") from error
    if kind == "str":
        return "" if value is None else str(value)
    return value


def _choice_values(choices: Any, context: Mapping[str, Any], render: Any) -> list[Any]:
    """The values of Copier's choice forms: a list, `label: value` pairs or `[label, value]`."""
    if isinstance(choices, dict):
        items = list(choices.values())
    elif isinstance(choices, list):
        items = [item[1] if isinstance(item, list) and len(item) == 2 else item for item in choices]
    else:
        return []
    values = [item.get("value") if isinstance(item, dict) else item for item in items]
    return [render(value, context) for value in values]


def collect_answers(
    questions: Mapping[str, Mapping[str, Any]] | None,
    pairs: list[str],
    data_file: Path | None,
) -> dict[str, Any]:
    """Answers from `--data-file` and `--data KEY=VALUE` (the latter win).

    Keys and booleans are checked against `questions` when the template is local (None
    otherwise: a remote template's questions are known only once Copier has fetched it).
    """
    answers: dict[str, Any] = {}
    if data_file is not None:
        answers.update(_read_data_file(data_file))
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise UsageError(f"--data takes KEY=VALUE, got {pair!r}.")
        answers[key.strip()] = value
    if questions is None:
        return answers
    unknown = sorted(set(answers) - set(questions))
    if unknown:
        raise UsageError(
            f"Unknown answer key(s): {', '.join(unknown)}. Valid keys: {', '.join(questions)}."
        )
    for key, value in answers.items():
        if questions[key].get("type") == "bool":
            answers[key] = _as_bool(key, value)
    return answers


_TRUE = {"true", "yes", "on", "1"}
_FALSE = {"false", "no", "off", "0"}


def _as_bool(key: str, value: Any) -> bool:
    # Copier reads any unknown word as true; a typo should be an error instead.
    if isinstance(value, bool):
        return value
    word = str(value).strip().lower()
    if word in _TRUE | _FALSE:
        return word in _TRUE
    raise UsageError(f"{key} takes true or false, got {value!r}.")


def _read_data_file(path: Path) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        raise UsageError(f"The data file {path} is not UTF-8 text.") from error
    except OSError as error:
        raise UsageError(f"Cannot read the data file {path}: {error.strerror}.") from error
    try:
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise UsageError(f"The data file {path} is not valid YAML or JSON: {error}") from error
    if not isinstance(loaded, dict) or not all(isinstance(key, str) for key in loaded):
        raise UsageError(f"The data file {path} must hold a mapping of answer keys to values.")
    return loaded


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
) -> Path:
    """Render the template into `dest` (new or empty), with a first commit unless `git=False`.

    `user_defaults` replace copier.yml's defaults for some questions; `data` still wins.

    Raises UsageError for invalid answers and RenderError for failures; KeyboardInterrupt
    passes through. In every one of those cases nothing is left at `dest`.
    """
    from copier import run_copy
    from copier.errors import (
        CopierError,
        CopierWarning,
        UnsafeTemplateError,
        UserMessageError,
    )
    from jinja2 import TemplateError

    dest = dest.absolute()
    check_destination(dest)
    with _staging_dir(dest) as staged, warnings.catch_warnings():
        # Copier warns about dirty or untagged local templates; the versioned store makes
        # those impossible in normal use, and here the messages would only confuse.
        warnings.simplefilter("ignore", CopierWarning)
        try:
            run_copy(
                src_path,
                staged,
                data=dict(data),
                user_defaults=dict(user_defaults or {}),
                defaults=defaults,
                vcs_ref=vcs_ref,
                quiet=True,
                unsafe=unsafe,
            )
        except KeyboardInterrupt:
            raise  # Copier's own Ctrl-C at a prompt too; the staging dir goes on exit
        except ValueError as error:  # a validator's message, or a value outside a choice
            raise UsageError(str(error)) from error
        except UnsafeTemplateError as error:
            features = str(error).partition(": ")[2].partition(".")[0] or "tasks"
            raise UsageError(_untrusted(src_path, features)) from error
        except UserMessageError as error:
            raise UsageError(str(error)) from error
        except CopierError as error:
            raise RenderError(f"Copier failed: {error}") from error
        except TemplateError as error:  # a broken template file, found half-way through
            raise RenderError(f"The template failed to render: {error}") from error
        except Exception as error:  # git, the file system...: one message, not a traceback
            detail = getattr(error, "stderr", None) or str(error) or type(error).__name__
            raise RenderError(f"Rendering failed: {str(detail).strip()}") from error
        if git:
            initial_commit(staged)
        _move_into_place(staged, dest)
    return dest


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
    env = {
        **os.environ,
        # Used only where the user's git configuration has no identity of its own.
        "GIT_AUTHOR_NAME": os.environ.get("GIT_AUTHOR_NAME") or name,
        "GIT_AUTHOR_EMAIL": os.environ.get("GIT_AUTHOR_EMAIL") or email,
        "GIT_COMMITTER_NAME": os.environ.get("GIT_COMMITTER_NAME") or name,
        "GIT_COMMITTER_EMAIL": os.environ.get("GIT_COMMITTER_EMAIL") or email,
    }
    message = f"Initial commit from new-project {__version__}"
    for command in (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", "commit", "--quiet", "--no-verify", "--no-gpg-sign", "--message", message],
    ):
        try:
            subprocess.run(command, cwd=project, env=env, check=True, capture_output=True)
        except FileNotFoundError as error:
            raise RenderError("git is not installed; use --no-git to skip it.") from error
        except subprocess.CalledProcessError as error:
            output = error.stderr.decode(errors="replace").strip()
            raise RenderError(f"{' '.join(command[:2])} failed: {output}") from error


def read_answers(project: Path) -> dict[str, Any]:
    path = project / ".copier-answers.yml"
    if not path.is_file():
        return {}
    loaded = yaml.safe_load(path.read_text(encoding="utf-8"))
    return loaded if isinstance(loaded, dict) else {}


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


# --- updates --------------------------------------------------------------------------------
# Copier's 3-way update, with the checks it leaves out: a clear refusal (and nothing changed)
# for a dirty tree or a directory it never generated, a tree put back as it was when the
# update fails half-way, and the conflicts reported (Copier itself exits 0 with conflicts).

ANSWERS_FILE = ".copier-answers.yml"
_CONFLICT_MARKERS = (b"<<<<<<< ", b">>>>>>> ")


@dataclass(frozen=True)
class UpdateResult:
    project: Path
    old_version: str
    new_version: str
    conflicts: list[str]  # paths relative to the project, to resolve by hand


def normalize_source(source: str) -> str:
    """A local template path made absolute, as `~/...` under the home directory.

    Copier records the path as given, and a relative one breaks every later update run
    from another directory. URLs are returned unchanged.
    """
    path = Path(source).expanduser()
    if _is_url(source) or not path.exists():
        return source
    from generator.store import portable_path

    return portable_path(path)


def source_version_problem(source: str) -> str | None:
    """Why projects made from a local template source could not be updated, or None."""
    root = Path(source).expanduser()
    if _is_url(source) or not root.is_dir():
        return None  # a remote source is checked by Copier, which fetches it anyway
    toplevel = _git(root, "rev-parse", "--show-toplevel", check=False)
    if toplevel.returncode != 0 or Path(toplevel.stdout.strip()).resolve() != root.resolve():
        return (
            f"{source} is not the root of a git repository, so the project records no "
            "template version and can never be updated. Use a git repository whose copier.yml "
            "is at its root, with release tags such as 1.0.0."
        )
    if not _version_tags(source):
        return (
            f"{source} has no PEP 440 version tag (such as 1.0.0): the project records an "
            "untagged commit, and later updates find no version to move to. Tag a release "
            "and pass --vcs-ref TAG."
        )
    return None


def check_source_versions(source: str) -> None:
    """Refuse to update from a source with no version tags (Copier would do nothing)."""
    if not _is_url(source) and not Path(source).expanduser().is_dir():
        relative = "" if Path(source).expanduser().is_absolute() else " (from here)"
        raise UsageError(
            f"The template {source} recorded in {ANSWERS_FILE} is not a directory{relative}. "
            f"If it moved, set _src_path in {ANSWERS_FILE} to where it is now, commit, and "
            "update again."
        )
    if not _version_tags(source):
        raise UsageError(
            f"The template {source} has no PEP 440 version tag (such as 1.0.0) to update to. "
            "Pass --vcs-ref with a tag or commit of the template."
        )


def _version_tags(source: str) -> list[str]:
    from packaging.version import InvalidVersion, Version

    location = Path(source).expanduser().as_posix() if not _is_url(source) else source
    listed = _git(Path.cwd(), "ls-remote", "--tags", "--refs", "--", location, check=False)
    tags = []
    for line in listed.stdout.splitlines():
        tag = line.partition("\t")[2].removeprefix("refs/tags/")
        try:
            Version(tag)
        except InvalidVersion:
            continue
        tags.append(tag)
    return tags


def _is_url(source: str) -> bool:
    return "://" in source or source.startswith(("git@", "gh:", "gl:", "git+"))


def check_updatable(project: Path) -> dict[str, Any]:
    """The recorded answers of a project that can be updated now; UsageError otherwise.

    Refuses, changing nothing: a path that is not a directory, a directory Copier never
    generated, one outside git, one that records no template version, and uncommitted
    changes (an update rewrites files in place; a clean tree is the way back).
    """
    project = project.absolute()
    if not project.is_dir():
        raise UsageError(f"{project} is not a directory.")
    if not (project / ANSWERS_FILE).is_file():
        raise UsageError(
            f"{project} was not generated by new-project or Copier: it has no {ANSWERS_FILE}, "
            "so there is no template to update from."
        )
    try:
        answers = read_answers(project)
    except yaml.YAMLError as error:
        raise UsageError(f"{project / ANSWERS_FILE} is not valid YAML: {error}") from error
    if not answers.get("_src_path"):
        raise UsageError(f"{project / ANSWERS_FILE} does not record the template (_src_path).")
    if _git(project, "rev-parse", "--show-toplevel", check=False).returncode != 0:
        raise UsageError(
            f"{project} is not in a git repository. An update merges the template's changes "
            "with yours through git: run `git init`, commit everything, then update."
        )
    if not answers.get("_commit"):
        raise UsageError(
            f"{project} records no template version (_commit): it was made from a template "
            "that was not a versioned git repository, so there is nothing to compare with."
        )
    status = _git(project, "status", "--porcelain", "--untracked-files=normal", "--", ".")
    if status.stdout.strip():
        changes = "\n".join(f"  {line}" for line in status.stdout.rstrip().splitlines()[:20])
        raise UsageError(
            f"{project} has uncommitted changes:\n{changes}\n"
            "Commit them (or `git stash --include-untracked`) and update again: an update "
            "rewrites files in place, and a clean tree is your way back."
        )
    return answers


def update_project(
    project: Path,
    *,
    vcs_ref: str | None,
    defaults: bool,
    unsafe: bool = False,
) -> UpdateResult:
    """Copier's 3-way update of a project checked by `check_updatable`.

    Conflicts are written inline (markers in the file, the file marked unmerged in git)
    and returned. If the update fails or is interrupted, the project's files are put back
    as they were committed, and UsageError, RenderError or KeyboardInterrupt is raised.
    """
    from copier import run_update
    from copier.errors import (
        CopierError,
        CopierWarning,
        UnsafeTemplateError,
        UserMessageError,
    )

    project = project.absolute()
    old_version = str(read_answers(project).get("_commit"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", CopierWarning)
        try:
            run_update(
                project,
                vcs_ref=vcs_ref,
                defaults=defaults,
                overwrite=True,  # Copier refuses to update without it
                conflict="inline",
                quiet=True,
                unsafe=unsafe,
                cleanup_on_error=False,
            )
        except BaseException as error:
            _restore(project)
            if isinstance(error, KeyboardInterrupt):
                raise
            if isinstance(error, UnsafeTemplateError):
                raise UsageError(
                    f"{error} Pass --trust only if you trust the template "
                    f"{read_answers(project).get('_src_path')}."
                ) from error
            if isinstance(error, (UserMessageError, ValueError)):
                raise UsageError(str(error)) from error
            if isinstance(error, CopierError):
                raise RenderError(f"Copier failed: {error}") from error
            if isinstance(error, Exception):
                detail = getattr(error, "stderr", None) or str(error) or type(error).__name__
                raise RenderError(f"The update failed: {str(detail).strip()}") from error
            raise
    new_version = str(read_answers(project).get("_commit"))
    return UpdateResult(project, old_version, new_version, conflicted_files(project))


def conflicted_files(project: Path) -> list[str]:
    """Files an update left for the user to resolve, relative to the project.

    Copier marks its inline conflicts as unmerged in git's index; a `.rej` file can still
    be left when a change could not be merged at all; and any changed file with conflict
    markers counts too, whatever left them.
    """
    unmerged = _git(project, "diff", "--name-only", "--diff-filter=U", "--relative")
    rejects = _git(project, "ls-files", "--others", "--", "*.rej")
    changed = _git(project, "diff", "--name-only", "--relative")
    added = _git(project, "ls-files", "--others", "--exclude-standard")
    found = set(unmerged.stdout.splitlines()) | set(rejects.stdout.splitlines())
    for name in set(changed.stdout.splitlines()) | set(added.stdout.splitlines()):
        if _has_conflict_markers(project / name):
            found.add(name)
    return sorted(name for name in found if name)


def _has_conflict_markers(path: Path) -> bool:
    try:
        with path.open("rb") as file:
            return any(line.startswith(_CONFLICT_MARKERS) for line in file)
    except OSError:
        return False


def _restore(project: Path) -> None:
    """Put the project's files back as committed (the tree was clean before the update)."""
    for args in (("reset", "--quiet", "--", "."), ("checkout", "--", "."), ("clean", "-fdq", ".")):
        _git(project, *args, check=False)


def _git(cwd: Path, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    try:
        result = subprocess.run(
            ["git", *args], cwd=cwd, capture_output=True, text=True, check=False
        )
    except FileNotFoundError as error:
        raise RenderError("git is not installed; updates need it.") from error
    if check and result.returncode != 0:
        raise RenderError(f"git {args[0]} failed in {cwd}: {result.stderr.strip()}")
    return result
