# ruff: noqa: E501 - the catalog below is a table, one case per line
"""Bad input, interruption and failure: one clear message, the right exit code, nothing lost.

Every case runs the real `new-project` command in a working directory that already holds
files (a non-empty project, a plain file, data files, a symlink), snapshots that tree
(types, modes, sizes, contents, mtimes) before and after, and requires it to be exactly
as before. Exit codes are DESIGN's: 1 failure while working, 2 bad usage or input,
130 interrupted.
"""

from __future__ import annotations

import hashlib
import os
import shlex
import shutil
import signal
import stat
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from generator.catalog import NAMES

EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130

# An mtime far in the past: any file or directory touched by a run shows up in the snapshot.
OLD_TIME_NS = 1_000_000_000 * 1_000_000_000

NEW_PROJECT = shutil.which("new-project")
COMMAND = (
    [NEW_PROJECT]
    if NEW_PROJECT
    else [sys.executable, "-c", "from generator.cli import main; main()"]
)


# --- the working directory and its snapshot ------------------------------------------


def _default_signals() -> None:
    # A test runner started in the background may ignore SIGINT; the tool must not.
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _environment(home: Path, data_dir: Path) -> dict[str, str]:
    return {
        **os.environ,
        # The template store, shared by the session's runs (it is built once, then reused).
        "NEW_PROJECT_DATA_DIR": str(data_dir),
        # User-level state of Copier and of the tool lives outside the snapshot, and no
        # settings file of the machine (e.g. trusted template prefixes) changes a result.
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "COPIER_SETTINGS_PATH": str(home / "copier-settings.yml"),
        "GIT_CONFIG_NOSYSTEM": "1",
        "NO_COLOR": "1",
        "COLUMNS": "200",
    }


@dataclass
class Workdir:
    path: Path
    env: dict[str, str]

    def run(self, *args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [*COMMAND, *args],
            cwd=self.path,
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_default_signals,  # no threads in this process
        )


def _age(root: Path) -> None:
    """Give everything under root (root included) the same old mtime."""
    for path in [*root.rglob("*"), root]:
        os.utime(path, ns=(OLD_TIME_NS, OLD_TIME_NS), follow_symlinks=False)


def snapshot(
    root: Path, *, ignore_mtime_of: frozenset[Path] = frozenset()
) -> dict[str, tuple[object, ...]]:
    """Every entry under root: kind, mode, size, content hash or link target, mtime."""
    entries: dict[str, tuple[object, ...]] = {}
    for directory, dirnames, filenames in os.walk(root):
        for name in [".", *dirnames, *filenames]:
            path = Path(directory, name) if name != "." else Path(directory)
            info = path.lstat()
            if stat.S_ISLNK(info.st_mode):
                content = os.readlink(path)
            elif stat.S_ISREG(info.st_mode):
                content = hashlib.sha256(path.read_bytes()).hexdigest()
            else:
                content = ""
            mtime = None if path in ignore_mtime_of else info.st_mtime_ns
            entries[str(path.relative_to(root))] = (info.st_mode, info.st_size, content, mtime)
    return entries


@pytest.fixture(scope="session")
def data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("new-project-data")


@pytest.fixture
def work(tmp_path: Path, data_dir: Path) -> Workdir:
    """A working directory with things a careless tool could overwrite."""
    root = tmp_path / "work"
    root.mkdir()
    (root / "occupied").mkdir()
    (root / "occupied" / "README.md").write_text("my own work\n")
    (root / "empty").mkdir()
    (root / "afile.txt").write_text("not a directory\n")
    (root / "link").symlink_to("empty")
    (root / "malformed.yml").write_text("project_name: [unclosed\n")
    (root / "malformed.json").write_text('{"project_name": \n')
    (root / "list.json").write_text('["project_name", "demo"]\n')
    (root / "scalar.yml").write_text("just some text\n")
    (root / "latin1.yml").write_bytes("project_name: caf\xe9\n".encode("latin-1"))
    (root / "unknown-key.yml").write_text("colour: blue\n")
    (root / "bad-choice.yml").write_text("database: mysql\n")
    (root / "bad-email.json").write_text('{"author_email": "not-an-address"}\n')
    (root / "unquoted-version.yml").write_text("python_version: 3.10\n")
    (root / "folder.yml").mkdir()
    _age(root)
    return Workdir(root, _environment(tmp_path / "home", data_dir))


def assert_untouched(
    before: dict[str, tuple[object, ...]], root: Path, **ignore: frozenset[Path]
) -> None:
    after = snapshot(root, **ignore)
    added = sorted(set(after) - set(before))
    removed = sorted(set(before) - set(after))
    changed = sorted(key for key in set(before) & set(after) if before[key] != after[key])
    assert (added, removed, changed) == ([], [], []), "the working directory changed"


# --- the catalog -------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    id: str
    command: str  # the arguments, as shell words
    message: str  # a substring of the one error line
    code: int = EXIT_USAGE
    # The run got as far as rendering: a staging directory came and went beside DEST,
    # which changes the parent's mtime (and nothing else).
    renders: bool = False

    @property
    def args(self) -> list[str]:
        return shlex.split(self.command)


LONG = "a" * 65

# fmt: off
CASES = [
    # Project and package names: keywords, digits, dots, separators, '..', empty, length,
    # non-ASCII, names that shadow the standard library, the framework or the layout.
    Case("project-keyword", "proj --defaults --data project_name=class", 'package_name: "class" is a Python keyword'),
    Case("package-keyword", "proj --defaults --data package_name=import", '"import" is a Python keyword'),
    Case("package-keyword-async", "proj --defaults --data package_name=async", '"async" is a Python keyword'),
    Case("project-leading-digit", "proj --defaults --data project_name=1app", '"1app" is not a valid project name'),
    Case("package-leading-digit", "proj --defaults --data package_name=2fast", '"2fast" is not a valid package name'),
    Case("package-leading-underscore", "proj --defaults --data package_name=_private", '"_private" is not a valid package name'),
    Case("project-leading-dot", "proj --defaults --data project_name=.hidden", '".hidden" is not a valid project name'),
    Case("package-dot", "proj --defaults --data package_name=my.app", '"my.app" is not a valid package name'),
    Case("project-slash", "proj --defaults --data project_name=a/b", '"a/b" is not a valid project name'),
    Case("project-backslash", r"proj --defaults --data 'project_name=a\b'", "is not a valid project name"),
    Case("package-slash", "proj --defaults --data package_name=pkg/sub", '"pkg/sub" is not a valid package name'),
    Case("project-dotdot", "proj --defaults --data project_name=..", '".." is not a valid project name'),
    Case("project-dotdot-path", "proj --defaults --data project_name=../escape", '"../escape" is not a valid project name'),
    Case("package-dotdot", "proj --defaults --data package_name=..", '".." is not a valid package name'),
    Case("project-empty", "proj --defaults --data project_name=", "The project name is empty"),
    Case("package-empty", "proj --defaults --data package_name=", "The package name is empty"),
    Case("project-too-long", f"proj --defaults --data project_name={LONG}", "The project name is longer than 64 characters"),
    Case("package-too-long", f"proj --defaults --data package_name={LONG}", "The package name is longer than 64 characters"),
    Case("package-stdlib-json", "proj --defaults --data package_name=json", '"json" would shadow a module of the standard library'),
    Case("package-stdlib-asyncio", "proj --defaults --data package_name=asyncio", '"asyncio" would shadow'),
    Case("project-derives-stdlib", "proj --defaults --data project_name=logging", 'package_name: "logging" would shadow'),
    Case("package-framework-django", "proj --defaults --framework django --data package_name=django", '"django" would shadow'),
    Case("package-framework-fastapi", "proj --defaults --data package_name=fastapi", '"fastapi" would shadow'),
    Case("package-layout-tests", "proj --defaults --data package_name=tests", '"tests" would shadow'),
    Case("package-hyphen", "proj --defaults --data package_name=my-app", '"my-app" is not a valid package name'),
    Case("package-uppercase", "proj --defaults --data package_name=MyApp", '"MyApp" is not a valid package name'),
    Case("package-non-ascii", "proj --defaults --data package_name=café", '"café" is not a valid package name'),
    Case("project-non-ascii", "proj --defaults --data project_name=café", '"café" is not a valid project name'),
    Case("project-space", "proj --defaults --data 'project_name=my app'", '"my app" is not a valid project name'),
    Case("project-trailing-hyphen", "proj --defaults --data project_name=app-", '"app-" is not a valid project name'),
    # Names derived from DEST with --defaults: the message says how to choose another.
    Case("dest-name-shadows-stdlib", "test --defaults", 'package_name: "test" would shadow'),
    Case("dest-name-bad-project", "2048 --defaults", "Choose one with --data project_name=VALUE"),
    # The destination.
    Case("dest-not-empty", "occupied --defaults", "occupied exists and is not empty"),
    Case("dest-is-a-file", "afile.txt --defaults", "afile.txt exists and is not a directory"),
    Case("dest-under-a-file", "afile.txt/proj --defaults", "afile.txt is not a directory"),
    Case("dest-is-a-symlink", "link --defaults", "link exists and is not a directory"),
    Case("dest-is-the-working-dir", ". --defaults", "exists and is not empty"),
    Case("dest-is-the-parent", ".. --defaults", "exists and is not empty"),
    # Frameworks, needs, keys, choices, booleans, e-mail, Python versions.
    Case("unknown-framework", "proj --defaults --framework rails", "unknown framework 'rails'; choose one of django, fastapi, flask, litestar"),
    Case("framework-misspelt", "proj --defaults --framework fastap", "unknown framework 'fastap' (did you mean 'fastapi'?)"),
    Case("unknown-framework-as-data", "proj --defaults --data framework=rails", f"framework must be one of {', '.join(NAMES)}; got 'rails'"),
    Case("framework-disagree", "proj --defaults --framework flask --data framework=django", "--framework and --data framework=... disagree"),
    Case("unknown-need", "proj --defaults --need telepathy", "Unknown need: 'telepathy'. Valid needs: full-stack"),
    Case("need-typo", "proj --defaults --need asynk", "'asynk' (did you mean 'async'?)"),
    Case("unknown-data-key", "proj --defaults --data colour=blue", "Unknown answer key(s): colour. Valid keys: framework, project_name"),
    Case("data-without-equals", "proj --defaults --data project_name", "--data takes KEY=VALUE, got 'project_name'"),
    Case("data-empty-key", "proj --defaults --data =demo", "--data takes KEY=VALUE, got '=demo'"),
    Case("database-outside-choice", "proj --defaults --data database=mysql", "database must be one of sqlite, postgresql; got 'mysql'"),
    Case("orm-outside-choice", "proj --defaults --framework fastapi --data orm=peewee", "orm must be one of sqlalchemy, sqlmodel; got 'peewee'"),
    Case("django-server-outside-choice", "proj --defaults --framework django --data django_server=uwsgi", "django_server must be one of wsgi, asgi; got 'uwsgi'"),
    Case("schema-library-outside-choice", "proj --defaults --framework litestar --data schema_library=attrs", "schema_library must be one of msgspec, pydantic"),
    Case("answer-for-another-framework", "proj --defaults --framework flask --data orm=sqlmodel", "orm does not apply here: it is asked only when framework == 'fastapi'"),
    Case("bad-boolean", "proj --defaults --framework fastapi --data streaming=maybe", "streaming takes true or false, got 'maybe'"),
    Case("email-without-at", "proj --defaults --data author_email=me.example.com", '"me.example.com" is not a valid e-mail address'),
    Case("email-two-ats", "proj --defaults --data author_email=a@b@example.com", '"a@b@example.com" is not a valid e-mail address'),
    Case("email-without-domain", "proj --defaults --data author_email=me@localhost", '"me@localhost" is not a valid e-mail address'),
    Case("email-with-space", "proj --defaults --data 'author_email=me @example.com'", '"me @example.com" is not a valid e-mail address'),
    Case("python-too-old", "proj --defaults --data python_version=3.10", "python_version must be one of 3.11, 3.12, 3.13; got '3.10'"),
    Case("python-too-new", "proj --defaults --data python_version=3.14", "python_version must be one of 3.11, 3.12, 3.13; got '3.14'"),
    Case("python-2", "proj --defaults --data python_version=2.7", "got '2.7'"),
    Case("description-two-lines", "proj --defaults --data 'description=one\ntwo'", "The description must be one line"),
    Case("author-blank", "proj --defaults --data 'author_name=   '", "The author name is empty"),
    # Data files: missing, a folder, malformed, not a mapping, not UTF-8, bad contents.
    Case("data-file-missing", "proj --defaults --data-file nowhere.yml", "Cannot read the data file nowhere.yml: No such file or directory"),
    Case("data-file-is-a-folder", "proj --defaults --data-file folder.yml", "Cannot read the data file folder.yml"),
    Case("data-file-malformed-yaml", "proj --defaults --data-file malformed.yml", "The data file malformed.yml is not valid YAML or JSON"),
    Case("data-file-malformed-json", "proj --defaults --data-file malformed.json", "The data file malformed.json is not valid YAML or JSON"),
    Case("data-file-a-list", "proj --defaults --data-file list.json", "list.json must hold a mapping of answer keys to values"),
    Case("data-file-a-scalar", "proj --defaults --data-file scalar.yml", "scalar.yml must hold a mapping of answer keys to values"),
    Case("data-file-not-utf8", "proj --defaults --data-file latin1.yml", "The data file latin1.yml is not UTF-8 text"),
    Case("data-file-unknown-key", "proj --defaults --data-file unknown-key.yml", "Unknown answer key(s): colour"),
    Case("data-file-outside-choice", "proj --defaults --data-file bad-choice.yml", "database must be one of sqlite, postgresql; got 'mysql'"),
    Case("data-file-version-as-number", "proj --defaults --data-file unquoted-version.yml", "got '3.1' (the data file gives 3.1: quote it)"),
    Case("data-file-bad-email", "proj --defaults --data-file bad-email.json", '"not-an-address" is not a valid e-mail address'),
    # No terminal: stop at once, naming the flags (a bad flag is still named first).
    Case("no-tty", "proj", "no terminal to ask questions on. Run again with --defaults"),
    Case("no-tty-with-framework", "proj --framework flask", "no terminal to ask questions on"),
    Case("no-tty-bad-need-first", "proj --need nope", "Unknown need: 'nope'"),
    # Template sources and versions that do not exist.
    Case("template-source-missing", "proj --defaults --template-source no/such/dir", "The template source no/such/dir is not a directory or a git URL"),
    Case("vcs-ref-unknown", "proj --defaults --vcs-ref no-such-tag", "Unknown revision: 'no-such-tag'", renders=True),
]
# fmt: on


@pytest.mark.parametrize("case", CASES, ids=[case.id for case in CASES])
def test_bad_input_is_refused_and_nothing_changes(work: Workdir, case: Case) -> None:
    dest_parents = {(work.path / case.args[0]).parent}
    ignore = frozenset(dest_parents) if case.renders else frozenset()
    before = snapshot(work.path, ignore_mtime_of=ignore)

    result = work.run(*case.args)

    assert result.returncode == case.code, result.stderr
    assert case.message in result.stderr
    assert result.stderr.startswith("new-project: error: "), result.stderr
    assert "Traceback" not in result.stderr
    assert result.stdout == ""
    assert_untouched(before, work.path, ignore_mtime_of=ignore)


def test_the_catalog_is_large_enough() -> None:
    assert len({case.id for case in CASES}) == len(CASES) >= 40


# --- names that are accepted: '-' and '_' and '.' -----------------------------------


@pytest.mark.parametrize(
    ("project_name", "package_name"),
    [("my-app", "my_app"), ("my_app", "my_app"), ("My.App", "my_app"), ("shop--v2", "shop_v2")],
)
def test_hyphens_dots_and_underscores_become_one_underscore(
    work: Workdir, project_name: str, package_name: str
) -> None:
    result = work.run(
        "out",
        "--defaults",
        "--no-git",
        "--framework",
        "flask",
        "--data",
        f"project_name={project_name}",
    )
    assert result.returncode == 0, result.stderr
    answers = (work.path / "out" / ".copier-answers.yml").read_text()
    assert f"project_name: {project_name}\n" in answers
    assert f"package_name: {package_name}\n" in answers
    assert (work.path / "out" / "src" / package_name / "__init__.py").is_file()


def test_a_hyphenated_destination_gives_an_underscored_package(work: Workdir) -> None:
    result = work.run("my-service", "--defaults", "--no-git", "--framework", "flask")
    assert result.returncode == 0, result.stderr
    answers = (work.path / "my-service" / ".copier-answers.yml").read_text()
    assert "project_name: my-service\n" in answers
    assert "package_name: my_service\n" in answers


def test_an_empty_existing_destination_is_used(work: Workdir) -> None:
    result = work.run("empty", "--defaults", "--no-git", "--framework", "flask")
    assert result.returncode == 0, result.stderr
    assert (work.path / "empty" / "pyproject.toml").is_file()
    assert (work.path / "occupied" / "README.md").read_text() == "my own work\n"


# --- an unwritable parent ----------------------------------------------------------


@pytest.fixture
def unwritable(work: Workdir) -> Iterator[Path]:
    """A directory nobody, root included, can create entries in.

    chmod does not stop root, so as root the directory is made immutable (chattr +i); as
    any other user a plain chmod 555 does.
    """
    locked = work.path / "locked"
    locked.mkdir()
    (locked / "inside.txt").write_text("kept\n")
    _age(work.path)
    if os.geteuid() != 0:
        locked.chmod(0o555)
        undo = ["chmod", "755", str(locked)]
    else:
        chattr = shutil.which("chattr")
        if chattr is None:
            pytest.skip("running as root without chattr: no way to make a directory unwritable")
        done = subprocess.run([chattr, "+i", str(locked)], capture_output=True, text=True)
        if done.returncode != 0:
            pytest.skip(f"chattr +i is not supported here: {done.stderr.strip()}")
        undo = [chattr, "-i", str(locked)]
    os.utime(work.path, ns=(OLD_TIME_NS, OLD_TIME_NS))
    try:
        probe = locked / "probe"
        with pytest.raises(PermissionError):
            probe.mkdir()
        yield locked
    finally:
        subprocess.run(undo, check=True)


@pytest.mark.parametrize("dest", ["locked/proj", "locked/deeper/proj"])
def test_an_unwritable_parent_is_refused(work: Workdir, unwritable: Path, dest: str) -> None:
    before = snapshot(work.path)
    result = work.run(dest, "--defaults")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert f"Cannot write in {unwritable}: permission denied" in result.stderr
    assert_untouched(before, work.path)


# --- template sources that run code -------------------------------------------------


def _in_render_order(root: Path, contents: list[str]) -> list[str]:
    """Write `contents` into files Copier renders in this order; return their names.

    Copier walks a local template with os.scandir, whose order depends on the file
    system, so the files are created first and then filled in the order found.
    """
    for index in range(len(contents)):
        (root / f"file{index}.txt.jinja").write_text("", encoding="utf-8")
    names = [entry.name for entry in os.scandir(root) if entry.name.startswith("file")]
    for name, text in zip(names, contents, strict=True):
        (root / name).write_text(text, encoding="utf-8")
    return [name.removesuffix(".jinja") for name in names]


def _template(root: Path, config: str, files: dict[str, str]) -> Path:
    root.mkdir(parents=True)
    (root / "copier.yml").write_text(
        "project_name:\n  type: str\n  default: demo\n" + config, encoding="utf-8"
    )
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    return root


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """Template sources outside the working directory."""
    root = tmp_path / "templates"
    _template(
        root / "tasks", "_tasks:\n  - touch task-ran\n", {"a.txt.jinja": "{{ project_name }}\n"}
    )
    _template(
        root / "extensions",
        "_jinja_extensions:\n  - jinja2.ext.loopcontrols\n",
        {"a.txt.jinja": "{% for i in [1, 2] %}{% break %}{% endfor %}{{ project_name }}\n"},
    )
    fails = _template(root / "fails-half-way", "", {})
    _in_render_order(
        fails,
        ["{{ project_name }}\n", '{% include "no-such-partial.jinja" %}\n', "never reached\n"],
    )
    slow = _template(root / "slow", "", {})
    # Ten billion empty iterations: the second file never finishes rendering on its own.
    loop = "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}"
    first, _ = _in_render_order(slow, ["{{ project_name }}\n", loop])
    (root / "slow-first-file").write_text(first)
    return root


@pytest.mark.parametrize(
    ("source", "feature"), [("tasks", "tasks"), ("extensions", "jinja_extensions")]
)
def test_a_template_that_runs_code_is_refused_without_trust(
    work: Workdir, templates: Path, source: str, feature: str
) -> None:
    before = snapshot(work.path)
    result = work.run("proj", "--defaults", "--template-source", str(templates / source))
    assert result.returncode == EXIT_USAGE, result.stderr
    assert f"uses {feature}, which can run code on this machine" in result.stderr
    assert "--trust" in result.stderr
    assert_untouched(before, work.path)


@pytest.mark.pty
def test_a_template_with_tasks_is_refused_before_any_prompt(work: Workdir, templates: Path) -> None:
    child = _spawn(work, "proj", "--template-source", str(templates / "tasks"))
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == EXIT_USAGE
    assert "--trust" in str(child.before)
    assert "What are you building" not in str(child.before)


@pytest.mark.parametrize("source", ["tasks", "extensions"])
def test_trust_allows_such_a_template(work: Workdir, templates: Path, source: str) -> None:
    result = work.run(
        "proj", "--defaults", "--no-git", "--trust", "--template-source", str(templates / source)
    )
    assert result.returncode == 0, result.stderr
    assert (work.path / "proj" / "a.txt").read_text() == "demo\n"
    assert (work.path / "proj" / "task-ran").exists() == (source == "tasks")


# --- a failure half-way through rendering -------------------------------------------


def test_a_template_failing_on_its_second_file_leaves_nothing(
    work: Workdir, templates: Path
) -> None:
    before = snapshot(work.path, ignore_mtime_of=frozenset({work.path}))
    result = work.run("proj", "--defaults", "--template-source", str(templates / "fails-half-way"))
    assert result.returncode == EXIT_FAILURE, result.stderr
    assert "The template failed to render: 'no-such-partial.jinja' not found" in result.stderr
    assert "Traceback" not in result.stderr
    assert_untouched(before, work.path, ignore_mtime_of=frozenset({work.path}))


def test_a_failure_in_new_parent_directories_removes_them(work: Workdir, templates: Path) -> None:
    before = snapshot(work.path, ignore_mtime_of=frozenset({work.path}))
    result = work.run(
        "new/nested/proj", "--defaults", "--template-source", str(templates / "fails-half-way")
    )
    assert result.returncode == EXIT_FAILURE, result.stderr
    assert_untouched(before, work.path, ignore_mtime_of=frozenset({work.path}))


# A fault of the tool's own (here: Copier made to raise what it never raises) is not an
# input error: it shows its traceback and exits 1, and still leaves nothing behind.
FAULTY = (
    "import copier\n"
    "def run_copy(*args, **kwargs):\n"
    "    raise RuntimeError('an unexpected fault')\n"
    "copier.run_copy = run_copy\n"
    "from generator.cli import main\n"
    "main()\n"
)


def test_an_unexpected_error_shows_its_traceback_and_leaves_nothing(work: Workdir) -> None:
    before = snapshot(work.path, ignore_mtime_of=frozenset({work.path}))
    result = subprocess.run(
        [sys.executable, "-c", FAULTY, "proj", "--defaults", "--framework", "flask"],
        cwd=work.path,
        env=work.env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == EXIT_FAILURE, result.stderr
    assert "Traceback" in result.stderr
    assert "RuntimeError" in result.stderr
    assert "an unexpected fault" in result.stderr
    assert "Rendering failed" not in result.stderr
    assert_untouched(before, work.path, ignore_mtime_of=frozenset({work.path}))


# --- Ctrl-C ---------------------------------------------------------------------------


def _spawn(work: Workdir, *args: str) -> pexpect.spawn[str]:
    return pexpect.spawn(
        COMMAND[0],
        [*COMMAND[1:], *args],
        cwd=str(work.path),
        env={**work.env, "TERM": "xterm", "LINES": "50"},
        encoding="utf-8",
        dimensions=(50, 200),
        timeout=60,
        preexec_fn=_default_signals,
    )


LATER = "--framework flask --data project_name=demo --data package_name=demo --data description=x"


@pytest.mark.pty
@pytest.mark.parametrize(
    ("prompt", "command"),
    [
        pytest.param("What are you building", "", id="needs-checklist"),
        pytest.param("Which framework", "--need api", id="framework-select"),
        pytest.param("Project name", "--framework flask", id="copier-question"),
        pytest.param("Author or team name", LATER, id="later-copier-question"),
    ],
)
def test_ctrl_c_at_a_prompt_exits_130_and_leaves_nothing(
    work: Workdir, prompt: str, command: str
) -> None:
    # Copier's questions are asked while its staging directory exists beside DEST.
    ignore = frozenset({work.path})
    before = snapshot(work.path, ignore_mtime_of=ignore)
    child = _spawn(work, "proj", *shlex.split(command))
    child.expect(prompt)
    time.sleep(0.3)  # let the prompt take over the terminal
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == EXIT_INTERRUPTED, child.before
    assert "interrupted; nothing was written" in str(child.before)
    assert "Traceback" not in str(child.before)
    assert_untouched(before, work.path, ignore_mtime_of=ignore)


@pytest.mark.pty
def test_a_bad_name_typed_at_the_prompt_is_explained_and_asked_again(work: Workdir) -> None:
    ignore = frozenset({work.path})
    before = snapshot(work.path, ignore_mtime_of=ignore)
    child = _spawn(work, "proj", "--framework", "flask")
    child.expect("Project name")
    time.sleep(0.3)
    child.send("\x15")  # Ctrl-U: clear the offered default
    child.send("1app\r")
    child.expect('"1app" is not a valid project name')
    child.send("\x03")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == EXIT_INTERRUPTED
    assert_untouched(before, work.path, ignore_mtime_of=ignore)


@pytest.mark.parametrize(
    ("signum", "code", "message"),
    [
        pytest.param(
            signal.SIGINT, EXIT_INTERRUPTED, "interrupted; nothing was written", id="SIGINT"
        ),
        pytest.param(signal.SIGTERM, 128 + signal.SIGTERM, "", id="SIGTERM"),
        pytest.param(signal.SIGHUP, 128 + signal.SIGHUP, "", id="SIGHUP"),
    ],
)
def test_a_signal_while_rendering_leaves_nothing(
    work: Workdir, templates: Path, signum: int, code: int, message: str
) -> None:
    ignore = frozenset({work.path})
    before = snapshot(work.path, ignore_mtime_of=ignore)
    process = subprocess.Popen(
        [*COMMAND, "proj", "--defaults", "--template-source", str(templates / "slow")],
        cwd=work.path,
        env=work.env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_signals,  # no threads in this process
    )
    try:
        # Wait until the first file is rendered into the staging directory: the slow
        # one is being rendered now.
        deadline = time.monotonic() + 60
        first = (templates / "slow-first-file").read_text()
        while not list(work.path.glob(f".proj.new-project-*/proj/{first}")):
            assert process.poll() is None, process.communicate()
            assert time.monotonic() < deadline, "rendering never started"
            time.sleep(0.05)
        process.send_signal(signum)
        _, stderr = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == code, stderr
    assert message in stderr
    assert "Traceback" not in stderr
    assert_untouched(before, work.path, ignore_mtime_of=ignore)


# --- update on a directory it must not touch (see "Updates" in DESIGN) ------------------


@pytest.fixture
def generated(work: Workdir) -> Path:
    result = work.run("proj", "--defaults", "--framework", "flask")
    assert result.returncode == 0, result.stderr
    return work.path / "proj"


def _git_state(project: Path) -> tuple[str, str]:
    def git(*args: str) -> str:
        return subprocess.run(
            ["git", *args], cwd=project, capture_output=True, text=True, check=True
        ).stdout

    return git("rev-parse", "HEAD"), git("status", "--porcelain", "--untracked-files=all")


@pytest.mark.parametrize(
    "edit",
    [
        pytest.param(lambda p: (p / "README.md").write_text("changed\n"), id="modified-file"),
        pytest.param(lambda p: (p / "notes.txt").write_text("new\n"), id="untracked-file"),
        pytest.param(lambda p: (p / "README.md").unlink(), id="deleted-file"),
    ],
)
def test_update_refuses_a_dirty_project(
    work: Workdir, generated: Path, edit: Callable[[Path], object]
) -> None:
    edit(generated)
    _age(work.path)
    state = _git_state(generated)
    # git itself refreshes its index while looking at the tree; the index is not the user's.
    ignore = frozenset({generated / ".git"})
    before = snapshot(work.path, ignore_mtime_of=ignore)
    before.pop("proj/.git/index", None)
    result = work.run("update", "proj", "--defaults")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "has uncommitted changes" in result.stderr
    after = snapshot(work.path, ignore_mtime_of=ignore)
    after.pop("proj/.git/index", None)
    assert after == before
    assert _git_state(generated) == state


@pytest.mark.parametrize(
    "target", ["occupied", "empty", "afile.txt", "no-such-dir"], ids=lambda t: t
)
def test_update_refuses_a_directory_that_was_never_generated(work: Workdir, target: str) -> None:
    before = snapshot(work.path)
    result = work.run("update", target, "--defaults")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert result.stderr.startswith("new-project: error: ")
    assert "Traceback" not in result.stderr
    assert_untouched(before, work.path)


def test_update_refuses_a_generated_project_outside_git(work: Workdir) -> None:
    result = work.run("proj", "--defaults", "--no-git", "--framework", "flask")
    assert result.returncode == 0, result.stderr
    _age(work.path)
    before = snapshot(work.path)
    result = work.run("update", "proj", "--defaults")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "is not in a git repository" in result.stderr
    assert_untouched(before, work.path)


def test_update_refuses_a_git_repository_of_something_else(work: Workdir) -> None:
    repo = work.path / "occupied"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    subprocess.run(["git", "-C", str(repo), "add", "-A"], check=True)
    subprocess.run(
        [
            "git",
            "-C",
            str(repo),
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@example.com",
            "commit",
            "-qm",
            "mine",
        ],
        check=True,
    )
    _age(work.path)
    state = _git_state(repo)
    before = snapshot(work.path, ignore_mtime_of=frozenset({repo / ".git"}))
    before.pop("occupied/.git/index", None)
    result = work.run("update", "occupied", "--defaults")
    assert result.returncode == EXIT_USAGE, result.stderr
    assert "Traceback" not in result.stderr
    after = snapshot(work.path, ignore_mtime_of=frozenset({repo / ".git"}))
    after.pop("occupied/.git/index", None)
    assert after == before
    assert _git_state(repo) == state
