"""The versioned local store of the templates shipped with new-project.

Copier can update a project only from a git repository whose versions are PEP 440 tags,
and only while the version the project was made from is still there. The templates inside
the installed tool are neither a repository nor versioned, so on first use and after each
upgrade they are committed into a git repository under the user data directory and tagged
with the tool's version. Old tags stay, so a project can always be compared with the
version it came from. Projects record the store as a `~/...` path and the tag as
`_commit`; plain `copier update` then works in them too.

Each tag holds exactly one commit and each commit one tag, so `git describe` (which Copier
uses to name a version) is never ambiguous. When the shipped templates change while the
tool's version does not (an editable install), the new content gets a post-release tag:
`0.1.0`, then `0.1.0.post1`, `0.1.0.post2`... so a later content always sorts later.

Runs that start at the same time take turns through a file lock. A store that is not a
sound git repository is moved aside and built again, never trusted.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tarfile
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from generator import git, sources
from generator.sources import portable_path
from generator.tags import next_tag, variant_number, version_problem

__all__ = [
    "ENV_DATA_DIR",
    "StoreError",
    "StoreVersion",
    "data_dir",
    "has_tag",
    "is_store",
    "next_tag",
    "portable_path",
    "store_path",
    "sync",
]

ENV_DATA_DIR = "NEW_PROJECT_DATA_DIR"
APP_NAME = "new-project"
REPO_NAME = "templates"
SHIPPED = ("copier.yml", "templates")
LOCK_TIMEOUT = 120.0  # seconds; a sync takes a fraction of one, this only outwaits a stuck run

_BRANCH = "main"
_SKIPPED_DIRS = {"__pycache__", ".git", ".mypy_cache", ".pytest_cache", ".ruff_cache"}
_SKIPPED_SUFFIXES = (".pyc", ".pyo")
_SKIPPED_NAMES = {".DS_Store"}
_LEFTOVER_PREFIX = f".{REPO_NAME}."
_PLAIN_DIR = "plain"
_PLAIN_COPY_KEPT = 24 * 3600.0  # seconds an unused plain copy of an old tag is kept
# The store's own commits: no user identity, signing or hooks from the global git config.
_GIT_ENV = {
    "GIT_AUTHOR_NAME": APP_NAME,
    "GIT_AUTHOR_EMAIL": "new-project@localhost",
    "GIT_COMMITTER_NAME": APP_NAME,
    "GIT_COMMITTER_EMAIL": "new-project@localhost",
}


class StoreError(Exception):
    """The store cannot be read or written: exit code 1."""


@dataclass(frozen=True)
class StoreVersion:
    """The store, and the tag holding the templates of the running tool."""

    path: Path
    tag: str
    rebuilt: bool = False
    # The tag's files in a plain directory: Copier reads them in place, where from the
    # store itself it would first clone the repository.
    plain: Path | None = None

    @property
    def src_path(self) -> str:
        """The store as a project records it: `~/...` when under the home directory."""
        return portable_path(self.path)


def data_dir() -> Path:
    """Where new-project keeps its data: $NEW_PROJECT_DATA_DIR, else the user data dir."""
    override = os.environ.get(ENV_DATA_DIR)
    if override:
        return Path(override).expanduser().absolute()
    from platformdirs import user_data_dir

    return Path(user_data_dir(APP_NAME, appauthor=False))


def store_path() -> Path:
    return data_dir() / REPO_NAME


def is_store(src_path: str) -> bool:
    """Whether a project's recorded `_src_path` is this machine's store."""
    if git.is_url(src_path):
        return False
    recorded = Path(src_path).expanduser()
    here = store_path()
    return recorded.absolute() == here.absolute() or (
        recorded.exists() and here.exists() and recorded.resolve() == here.resolve()
    )


def has_tag(tag: str) -> bool:
    """Whether the store holds the template version `tag` (False if there is no store)."""
    repo = store_path()
    if not (repo / ".git").is_dir():
        return False
    result = _run(
        repo, "rev-parse", "--quiet", "--verify", f"refs/tags/{tag}^{{commit}}", check=False
    )
    return result.returncode == 0


def sync(shipped: Path | None = None, version: str | None = None) -> StoreVersion:
    """Make sure the store holds the shipped templates; return their tag.

    `shipped` is the template root (default: the one inside the tool) and `version` the
    tool's version (default: the running one). Cheap when nothing changed: the content is
    hashed and compared with the version's latest tag.
    """
    from filelock import FileLock, Timeout

    root = shipped if shipped is not None else sources.template_root()
    if version is None:
        import generator

        version = generator.__version__
    _check_version(version)
    files = _shipped_files(root)
    data = data_dir()
    try:
        data.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(data / f"{REPO_NAME}.lock"), timeout=LOCK_TIMEOUT)
        with lock:
            return _sync_locked(data / REPO_NAME, files, version)
    except Timeout as error:
        raise StoreError(
            f"Another new-project run has held the template store lock {error.lock_file} "
            f"for {LOCK_TIMEOUT:.0f} seconds; try again when it has finished."
        ) from error
    except OSError as error:
        raise StoreError(f"Cannot write the template store in {data}: {error}") from error


def _check_version(version: str) -> None:
    problem = version_problem(version)
    if problem:
        raise StoreError(problem)


# --- the shipped content --------------------------------------------------------------------


@dataclass(frozen=True)
class _File:
    name: str  # posix path inside the store
    source: Path
    mode: str  # git file mode


def _shipped_files(root: Path) -> list[_File]:
    """The files of `copier.yml` and `templates/` under `root`, without caches."""
    if not (root / "copier.yml").is_file() or not (root / "templates").is_dir():
        raise StoreError(f"No template in {root}: reinstall new-project.")
    files = [_file(root, root / "copier.yml")]
    for directory, dirnames, filenames in os.walk(root / "templates"):
        dirnames[:] = sorted(name for name in dirnames if name not in _SKIPPED_DIRS)
        for filename in sorted(filenames):
            path = Path(directory, filename)
            if (
                filename in _SKIPPED_NAMES
                or filename.endswith(_SKIPPED_SUFFIXES)
                or not path.is_file()
            ):
                continue
            files.append(_file(root, path))
    return files


def _file(root: Path, path: Path) -> _File:
    name = path.relative_to(root).as_posix()
    if "\n" in name or "\t" in name:
        raise StoreError(f"Cannot store a template file named {name!r}.")
    mode = "100755" if os.access(path, os.X_OK) else "100644"
    return _File(name, path, mode)


# --- the repository -------------------------------------------------------------------------


def _sync_locked(repo: Path, files: list[_File], version: str) -> StoreVersion:
    _remove_leftovers(repo.parent)
    rebuilt = False
    if repo.exists() and not _is_sound(repo):
        _discard(repo)
        rebuilt = True
    try:
        tag = _check_out(repo, files, version)
    except _DamagedObjectsError:
        if rebuilt:
            raise
        _discard(repo)
        rebuilt = True
        tag = _check_out(repo, files, version)
    return StoreVersion(repo, tag, rebuilt, _plain_copy(repo, tag, fresh=rebuilt))


def _plain_copy(repo: Path, tag: str, *, fresh: bool) -> Path:
    """The files of `tag`, in `plain/<tag>` beside the store: extracted from the tag once
    (so they are its content whatever happened to the shipped files since), then reused.
    Copies of other tags go once unused for a day; a run of another version of the tool
    may be reading one right now."""
    plain = repo.parent / _PLAIN_DIR
    target = plain / tag
    if fresh or not (target / "copier.yml").is_file():
        plain.mkdir(exist_ok=True)
        building = Path(tempfile.mkdtemp(prefix=_LEFTOVER_PREFIX, dir=plain))
        try:
            archive = building / "tag.tar"
            _run(repo, "archive", "--format=tar", f"--output={archive}", tag)
            with tarfile.open(archive) as tar:
                if hasattr(tarfile, "data_filter"):
                    tar.extractall(building / tag, filter="data")
                else:  # Python before 3.11.4: our own archive, from our own store
                    tar.extractall(building / tag)  # noqa: S202
            shutil.rmtree(target, ignore_errors=True)
            (building / tag).rename(target)  # in one step: a copy is whole or absent
        finally:
            shutil.rmtree(building, ignore_errors=True)
    old = time.time() - _PLAIN_COPY_KEPT
    for other in plain.iterdir():
        if other.name != tag and other.stat().st_mtime < old:
            shutil.rmtree(other, ignore_errors=True)
    os.utime(target)
    return target


class _DamagedObjectsError(StoreError):
    """Objects of the version to render cannot be read: the store is built again."""


def _check_out(repo: Path, files: list[_File], version: str) -> str:
    """Commit and tag the shipped files if they are new, and make that tag HEAD."""
    if not repo.exists():
        _create(repo)
    tree = _write_tree(repo, files)
    tag = _tag_for(repo, tree, version)
    _verify_objects(repo, tag)
    # HEAD is always the tag this tool renders from, never an untagged commit (Copier
    # cannot name a version for one), and the work tree is exactly its content: Copier
    # reads that when it clones a local HEAD, and nobody should edit it, but someone might.
    # Every commit is tagged, so moving the branch back for an older tool loses nothing.
    _run(repo, "update-ref", f"refs/heads/{_BRANCH}", f"refs/tags/{tag}^{{commit}}")
    _run(repo, "reset", "--hard", "--quiet")
    _run(repo, "clean", "-ffdxq")
    return tag


def _verify_objects(repo: Path, tag: str) -> None:
    """Read every object of the version `tag` once (its commit, trees and files).

    The tag's tree is the hash of the shipped files (see `_tag_for`), so the content is
    right if it can be read. Only this version is read, so the check does not grow with
    the store the way `git fsck` does.
    """
    archive = _run(repo, "archive", "--format=tar", f"--output={os.devnull}", tag, check=False)
    if archive.returncode != 0:
        raise _DamagedObjectsError(f"The template store {repo} is damaged: {archive.stderr}")


def _is_sound(repo: Path) -> bool:
    """A git repository of its own, branch and tags as we made them, every tag readable.

    Cheap on purpose (it runs on every invocation): the objects of the version in use
    are read later, by `_verify_objects`.
    """
    if not (repo / ".git").is_dir():
        return False
    checks = [
        _run(repo, "rev-parse", "--show-toplevel", check=False),
        _run(repo, "symbolic-ref", "HEAD", check=False),
        _run(repo, "for-each-ref", "--format=%(objecttype) %(tree)", "refs/tags", check=False),
    ]
    if any(result.returncode != 0 for result in checks):
        return False
    toplevel, head, tags = (result.stdout.strip() for result in checks)
    if Path(toplevel).resolve() != repo.resolve() or head != f"refs/heads/{_BRANCH}":
        return False
    if any(line.split(" ")[0] != "commit" for line in tags.splitlines()):
        return False
    # An unborn branch is fine (a first sync killed half-way); a branch with no commit
    # behind it is not.
    branch = _run(repo, "rev-parse", "--quiet", "--verify", "HEAD^{commit}", check=False)
    has_refs = bool(_run(repo, "for-each-ref", "--count=1", check=False).stdout.strip())
    return branch.returncode == 0 or not has_refs


def _discard(repo: Path) -> None:
    graveyard = Path(tempfile.mkdtemp(prefix=f"{_LEFTOVER_PREFIX}damaged-", dir=repo.parent))
    repo.rename(graveyard / repo.name)
    shutil.rmtree(graveyard, ignore_errors=True)


def _remove_leftovers(data: Path) -> None:
    """Half-built or discarded stores of runs that were killed."""
    for leftover in data.glob(f"{_LEFTOVER_PREFIX}*"):
        if leftover.is_dir():
            shutil.rmtree(leftover, ignore_errors=True)


def _create(repo: Path) -> None:
    """An empty repository, set up beside `repo` and moved into place in one step."""
    building = Path(tempfile.mkdtemp(prefix=f"{_LEFTOVER_PREFIX}new-", dir=repo.parent))
    try:
        staged = building / repo.name
        staged.mkdir()
        _run(staged, "init", "--quiet", f"--initial-branch={_BRANCH}")
        for key, value in (
            # Store bytes exactly as shipped, whatever the user's global settings say.
            ("core.autocrlf", "false"),
            ("core.fileMode", "true"),
            ("core.hooksPath", os.devnull),
            ("commit.gpgSign", "false"),
            ("tag.gpgSign", "false"),
            ("gc.autoDetach", "false"),
        ):
            _run(staged, "config", key, value)
        (staged / ".git" / "description").write_text(
            "Templates shipped with new-project, one tag per version. Managed by "
            "new-project: do not edit; it is rebuilt if damaged.\n",
            encoding="utf-8",
        )
        staged.rename(repo)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _write_tree(repo: Path, files: list[_File]) -> str:
    """Hash the shipped files into the store and return their tree, touching no work tree."""
    hashed = _run(
        repo,
        "hash-object",
        "-w",
        "--no-filters",
        "--stdin-paths",
        stdin="".join(f"{file.source}\n" for file in files),
    ).stdout.split()
    if len(hashed) != len(files):
        raise StoreError(f"git hash-object returned {len(hashed)} ids for {len(files)} files.")
    with _scratch_index(repo) as env:
        index_info = "".join(
            f"{file.mode} {sha}\t{file.name}\n" for file, sha in zip(files, hashed, strict=True)
        )
        _run(repo, "update-index", "--add", "--index-info", stdin=index_info, env=env)
        return _run(repo, "write-tree", env=env).stdout.strip()


@contextmanager
def _scratch_index(repo: Path) -> Iterator[dict[str, str]]:
    handle, name = tempfile.mkstemp(prefix="new-project-index-", dir=repo / ".git")
    os.close(handle)
    os.unlink(name)  # git wants to create the index itself
    try:
        yield {"GIT_INDEX_FILE": name}
    finally:
        Path(name).unlink(missing_ok=True)


def _tag_for(repo: Path, tree: str, version: str) -> str:
    """The version's latest tag if it holds `tree`, else a new commit with the next tag."""
    tags = dict(
        line.split("\t", 1)
        for line in _run(
            repo, "for-each-ref", "--format=%(refname:strip=2)\t%(tree)", "refs/tags"
        ).stdout.splitlines()
        if "\t" in line
    )
    own = sorted(
        ((number, tag) for tag in tags if (number := variant_number(tag, version)) is not None),
    )
    if own and tags[own[-1][1]] == tree:
        return own[-1][1]
    tag = next_tag(version, tags)
    parent = _run(repo, "rev-parse", "--quiet", "--verify", "HEAD^{commit}", check=False)
    parents = ["-p", parent.stdout.strip()] if parent.returncode == 0 else []
    commit = _run(
        repo,
        "commit-tree",
        "--no-gpg-sign",
        *parents,
        "-m",
        f"Templates of new-project {tag}",
        tree,
    ).stdout.strip()
    # The zero id makes git refuse to move a tag that exists already. The tag comes before
    # the branch moves: a run killed in between leaves nothing untagged behind HEAD.
    _run(repo, "update-ref", f"refs/tags/{tag}", commit, "0" * 40)
    return tag


def _run(
    repo: Path,
    *args: str,
    check: bool = True,
    stdin: str | None = None,
    env: Mapping[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    try:
        return git.run(repo, *args, check=check, stdin=stdin, env={**_GIT_ENV, **(env or {})})
    except git.GitMissingError as error:
        raise StoreError("git is not installed; new-project needs it to keep templates.") from error
    except git.GitError as error:
        raise StoreError(str(error)) from error
