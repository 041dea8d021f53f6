"""Where templates come from: the shipped one, a local path or a git URL, and its versions."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from generator import git
from generator.errors import RenderError, UsageError

ANSWERS_FILE = ".copier-answers.yml"


def template_root() -> Path:
    """The template shipped with the tool: inside the wheel, or this checkout's root."""
    bundled = Path(__file__).parent / "_template"
    if (bundled / "copier.yml").is_file():
        return bundled
    checkout = Path(__file__).resolve().parent.parent
    if (checkout / "copier.yml").is_file():
        return checkout
    raise RenderError("The bundled template is missing: reinstall new-project.")


def portable_path(path: Path) -> str:
    """`path` as `~/...` when it is under the home directory, else absolute.

    Copier expands a leading `~` itself, so a project keeps finding its template after it
    is moved, and its answers file names no one's home directory.
    """
    path = Path(os.path.abspath(path.expanduser()))  # absolute, `..` folded, links kept
    for candidate, home in ((path, Path.home()), (path.resolve(), Path.home().resolve())):
        if candidate.is_relative_to(home) and candidate != home:
            return "~/" + candidate.relative_to(home).as_posix()
    return path.as_posix()


def normalize_source(source: str) -> str:
    """A local template path made absolute, as `~/...` under the home directory.

    Copier records the path as given, and a relative one breaks every later update run
    from another directory. URLs are returned unchanged.
    """
    path = Path(source).expanduser()
    if git.is_url(source) or not path.exists():
        return source
    return portable_path(path)


def source_version_problem(source: str) -> str | None:
    """Why projects made from a local template source could not be updated, or None."""
    root = Path(source).expanduser()
    if git.is_url(source) or not root.is_dir():
        return None  # a remote source is checked by Copier, which fetches it anyway
    toplevel = _git(root, "rev-parse", "--show-toplevel")
    if toplevel.returncode != 0 or Path(toplevel.stdout.strip()).resolve() != root.resolve():
        return (
            f"{source} is not the root of a git repository, so the project records no "
            "template version and can never be updated. Use a git repository whose copier.yml "
            "is at its root, with release tags such as 1.0.0."
        )
    if not version_tags(source):
        return (
            f"{source} has no PEP 440 version tag (such as 1.0.0): the project records an "
            "untagged commit, and later updates find no version to move to. Tag a release "
            "and pass --vcs-ref TAG."
        )
    return None


def check_source_versions(source: str) -> None:
    """Refuse to update from a source with no version tags (Copier would do nothing)."""
    if not git.is_url(source) and not Path(source).expanduser().is_dir():
        relative = "" if Path(source).expanduser().is_absolute() else " (from here)"
        raise UsageError(
            f"The template {source} recorded in {ANSWERS_FILE} is not a directory{relative}. "
            f"If it moved, set _src_path in {ANSWERS_FILE} to where it is now, commit, and "
            "update again."
        )
    if not version_tags(source):
        raise UsageError(
            f"The template {source} has no PEP 440 version tag (such as 1.0.0) to update to. "
            "Pass --vcs-ref with a tag or commit of the template."
        )


def version_tags(source: str) -> list[str]:
    """The tags of a template source that are PEP 440 versions (what Copier updates to)."""
    from packaging.version import InvalidVersion, Version

    location = source if git.is_url(source) else Path(source).expanduser().as_posix()
    try:
        tags = git.remote_tags(location)
    except git.GitError as error:
        raise RenderError(f"Cannot list the versions of {source}: {error}") from error
    versions = []
    for tag in tags:
        try:
            Version(tag)
        except InvalidVersion:
            continue
        versions.append(tag)
    return versions


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    try:
        return git.run(root, *args, check=False)
    except git.GitError as error:
        raise RenderError(str(error)) from error
