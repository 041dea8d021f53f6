"""The lock step of generation (generator/lock.py) and the deployment checks
(tests/deploy_checks.py), on small projects made here."""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
import time
import tomllib
import uuid
from pathlib import Path

import deploy_checks
import pytest
import yaml
from packaging.licenses import canonicalize_license_expression

from generator.git import clean_environ
from generator.lock import lock_project
from generator.render import render_project, template_root
from generator.update import _relock

SHARED = template_root() / "templates" / "_shared"
PYPROJECT = '[project]\nname = "tiny"\nversion = "0.1.0"\nrequires-python = ">=3.11"\n'


def make_runner(project: Path) -> deploy_checks.Runner:
    def run(args: list[str]) -> str:
        result = subprocess.run(
            args, cwd=project, env=clean_environ(), capture_output=True, text=True, check=False
        )
        if result.returncode != 0:
            raise RuntimeError(f"{args} failed: {result.stdout}{result.stderr}")
        return result.stdout

    return run


def fake_uv(tmp_path: Path, script: str) -> Path:
    bin_dir = tmp_path / "fake-bin"
    bin_dir.mkdir()
    uv = bin_dir / "uv"
    uv.write_text(f"#!/bin/sh\n{script}\n")
    uv.chmod(0o755)
    return bin_dir


@pytest.fixture
def tiny(tmp_path: Path) -> Path:
    project = tmp_path / "tiny"
    project.mkdir()
    (project / "pyproject.toml").write_text(PYPROJECT)
    (project / ".gitignore").write_text(".venv\n")
    return project


def commit_all(project: Path) -> None:
    run = make_runner(project)
    run(["git", "init", "--quiet", "--initial-branch=main"])
    run(["git", "add", "--all"])
    run(["git", "-c", "user.name=t", "-c", "user.email=t@example.com", "commit", "-qm", "first"])


def test_lock_without_uv_says_what_to_run(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "empty-bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    outcome = lock_project(tiny, shown_as=Path("/somewhere/tiny"))
    assert not outcome.locked
    assert "uv is not installed" in outcome.message
    assert "`uv lock` in /somewhere/tiny" in outcome.message
    assert not (tiny / "uv.lock").exists()


def test_lock_failure_reports_uvs_error(
    tiny: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bin_dir = fake_uv(tmp_path, "echo 'error: Failed to fetch: network unreachable' >&2; exit 2")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    outcome = lock_project(tiny)
    assert not outcome.locked
    assert "error: Failed to fetch: network unreachable" in outcome.message
    assert f"run `uv lock` in {tiny}" in outcome.message


def test_lock_writes_uv_lock(tiny: Path) -> None:
    if shutil.which("uv") is None:
        pytest.fail("uv is not on PATH")
    outcome = lock_project(tiny)
    assert outcome.locked, outcome.message
    assert 'name = "tiny"' in (tiny / "uv.lock").read_text()


def test_locked_checks_pass_on_a_locked_first_commit(tiny: Path) -> None:
    assert lock_project(tiny).locked
    commit_all(tiny)
    run = make_runner(tiny)
    assert "uv.lock committed" in deploy_checks.check_lock_committed(run)
    assert deploy_checks.check_locked_sync_clean(run) == "lock accepted, tree clean"


def test_lock_checks_fail_without_a_committed_lock(tiny: Path) -> None:
    commit_all(tiny)
    run = make_runner(tiny)
    with pytest.raises(deploy_checks.CheckFailed, match=r"no uv\.lock"):
        deploy_checks.check_lock_committed(run)
    with pytest.raises(RuntimeError, match="--locked"):
        deploy_checks.check_locked_sync_clean(run)


def test_lock_check_fails_when_lock_is_stale(tiny: Path) -> None:
    assert lock_project(tiny).locked
    (tiny / "pyproject.toml").write_text(PYPROJECT.replace("0.1.0", "0.2.0"))
    commit_all(tiny)
    with pytest.raises(RuntimeError):
        deploy_checks.check_locked_sync_clean(make_runner(tiny))


def project_with_dependabot(tmp_path: Path, text: str) -> Path:
    project = tmp_path / "p"
    (project / ".github").mkdir(parents=True)
    (project / ".github" / "dependabot.yml").write_text(text)
    return project


def test_shared_dependabot_config_passes(tmp_path: Path) -> None:
    text = (SHARED / "dependabot.yml.jinja").read_text()
    project = project_with_dependabot(tmp_path, text)
    summary = deploy_checks.check_dependabot(project, make_runner(project))
    assert summary == "valid; weekly, grouped: docker, github-actions, uv"


def test_dependabot_missing_ecosystem_fails(tmp_path: Path) -> None:
    text = (SHARED / "dependabot.yml.jinja").read_text()
    without_docker = text.split("  - package-ecosystem: docker")[0]
    project = project_with_dependabot(tmp_path, without_docker)
    with pytest.raises(deploy_checks.CheckFailed, match="docker"):
        deploy_checks.check_dependabot(project, make_runner(project))


def test_dependabot_schema_violation_fails(tmp_path: Path) -> None:
    project = project_with_dependabot(tmp_path, "version: 2\nupdates:\n  - directory: /\n")
    with pytest.raises(RuntimeError, match="check_jsonschema"):
        deploy_checks.check_dependabot(project, make_runner(project))


def test_generation_survives_a_failing_lock(
    template_source: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    bin_dir = fake_uv(tmp_path, "echo 'error: offline' >&2; exit 2")
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    dest = tmp_path / "made"
    render_project(dest, src_path=str(template_source), data={"framework": "flask"}, defaults=True)
    err = capfd.readouterr().err
    assert f"warning: `uv lock` failed (error: offline); run `uv lock` in {dest}" in err
    assert err.count("new-project: warning:") == 1
    assert (dest / "pyproject.toml").is_file()
    assert not (dest / "uv.lock").exists()


def test_update_relocks_only_when_pyproject_changed(tiny: Path) -> None:
    assert lock_project(tiny).locked
    commit_all(tiny)
    assert _relock(tiny, []) == ""
    (tiny / "pyproject.toml").write_text(PYPROJECT.replace("0.1.0", "0.2.0"))
    assert _relock(tiny, []) == "pyproject.toml changed, so uv.lock was re-locked to match it."
    assert 'version = "0.2.0"' in (tiny / "uv.lock").read_text()
    assert "resolve them, then run `uv lock`" in _relock(tiny, ["pyproject.toml"])


LICENCE_FIRST_LINES = {
    "MIT": "MIT License",
    "Apache-2.0": "Apache License",
    "BSD-3-Clause": "BSD 3-Clause License",
    "Proprietary": "Copyright (c) {year} Ada Lovelace. All rights reserved.",
}


@pytest.mark.parametrize("licence", sorted(LICENCE_FIRST_LINES))
def test_licence_file_and_metadata(template_source: Path, tmp_path: Path, licence: str) -> None:
    dest = tmp_path / "licensed"
    render_project(
        dest,
        src_path=str(template_source),
        data={"framework": "litestar", "license": licence, "author_name": "Ada Lovelace"},
        defaults=True,
        git=False,
    )
    year = time.strftime("%Y")
    text = (dest / "LICENSE").read_text()
    assert text.lstrip().startswith(LICENCE_FIRST_LINES[licence].format(year=year))
    assert re.search(rf"Copyright (\(c\) )?{year},? Ada Lovelace", text)
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    assert "[yyyy]" not in text
    project = tomllib.loads((dest / "pyproject.toml").read_text())["project"]
    assert project["license-files"] == ["LICENSE"]
    if licence == "Proprietary":
        assert "license" not in project
        assert "Private :: Do Not Upload" in project["classifiers"]
    else:
        assert canonicalize_license_expression(project["license"]) == licence


@pytest.mark.parametrize(("framework", "database"), [("flask", "sqlite"), ("django", "postgresql")])
def test_compose_file_and_makefile(
    template_source: Path, tmp_path: Path, framework: str, database: str
) -> None:
    dest = tmp_path / "composed"
    render_project(
        dest,
        src_path=str(template_source),
        data={"framework": framework, "database": database},
        defaults=True,
        git=False,
    )
    run = make_runner(dest)
    assert deploy_checks.check_makefile(dest, run) == ("targets: dev, test, lint, fmt, migrate, up")
    makefile = dest / "Makefile"
    makefile.write_text(makefile.read_text().replace("\tuv run pytest", "\tuv run pytest -x"))
    with pytest.raises(deploy_checks.CheckFailed, match="make test"):
        deploy_checks.check_makefile(dest, run)
    postgresql = database == "postgresql"
    summary = deploy_checks.check_compose(dest, run, postgresql=postgresql)
    assert summary == "valid; services: " + ("app, db, migrate" if postgresql else "app, migrate")
    compose = yaml.safe_load((dest / "compose.yaml").read_text())
    app = compose["services"]["app"]
    assert "0.0.0.0" in " ".join(app["command"])  # noqa: S104  (inside its container)
    assert compose["services"]["migrate"]["command"][:2] == ["uv", "run"]
    # A port on every interface is refused.
    text = (dest / "compose.yaml").read_text().replace("127.0.0.1:8000:8000", "8000:8000")
    (dest / "compose.yaml").write_text(text)
    with pytest.raises(deploy_checks.CheckFailed, match="beyond 127"):
        deploy_checks.check_compose(dest, run, postgresql=postgresql)
    # So is a schema violation.
    (dest / "compose.yaml").write_text(text.replace("    ports:", "    portz:"))
    with pytest.raises(RuntimeError, match="check_jsonschema"):
        deploy_checks.check_compose(dest, run, postgresql=postgresql)


@pytest.mark.parametrize("database", ["postgresql", "sqlite"])
def test_kubernetes_manifests(template_source: Path, tmp_path: Path, database: str) -> None:
    dest = tmp_path / "my-service"
    render_project(
        dest,
        src_path=str(template_source),
        data={"framework": "fastapi", "database": database},
        defaults=True,
        git=False,
    )
    run = make_runner(dest)
    postgresql = database == "postgresql"
    readme = (dest / "README.md").read_text()
    if not postgresql:
        assert not (dest / "deploy").exists()
        assert "Several replicas cannot share a SQLite file" in readme
        assert deploy_checks.check_kubernetes(dest, run, postgresql=False).startswith("none")
        return
    assert "kubectl create secret generic my-service-secrets" in readme
    summary = deploy_checks.check_kubernetes(dest, run, postgresql=True)
    assert summary == "valid: ConfigMap, Deployment, HorizontalPodAutoscaler, Job, Service"
    job = yaml.safe_load((dest / "deploy/kubernetes/migrate-job.yaml").read_text())
    assert job["spec"]["template"]["spec"]["containers"][0]["command"] == [
        "alembic",
        "upgrade",
        "head",
    ]
    for path in (dest / "deploy" / "kubernetes").glob("*.yaml"):
        assert "kind: Secret" not in path.read_text()
    deployment = dest / "deploy" / "kubernetes" / "deployment.yaml"
    deployment.write_text(deployment.read_text().replace("readOnlyRootFilesystem: true", ""))
    with pytest.raises(deploy_checks.CheckFailed, match="root filesystem is writable"):
        deploy_checks.check_kubernetes(dest, run, postgresql=True)
    deployment.write_text(deployment.read_text().replace("replicas: 2", "replicas: two"))
    with pytest.raises(RuntimeError, match="kubernetes_validate"):
        deploy_checks.check_kubernetes(dest, run, postgresql=True)


class FakeServer:
    """A loopback HTTP server whose "log" is a list of lines; `behave` says how it answers
    and what it logs, so that each way the request-log check can fail is shown."""

    def __init__(self, behave: str) -> None:
        self.behave = behave
        self.lines: list[str] = ["server started"]
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.answer(self)

            def log_message(self, format: str, *args: object) -> None:
                if server.behave == "access log too":
                    server.lines.append(f"127.0.0.1 {self.requestline}")

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def answer(self, handler: http.server.BaseHTTPRequestHandler) -> None:
        sent = handler.headers.get("X-Request-ID")
        request_id = sent or uuid.uuid4().hex
        if self.behave == "ignores the sent id":
            request_id = uuid.uuid4().hex
        path = handler.path.partition("?")[0]
        entry = {
            "time": "2026-01-01T00:00:00.000+00:00",
            "level": "INFO",
            "logger": "app.request_log",
            "message": f"GET {path} 200",
            "method": "GET",
            "path": handler.path if self.behave == "logs the query" else path,
            "status": 200,
            "duration_ms": 1.5,
            "request_id": request_id,
        }
        if self.behave == "no duration":
            del entry["duration_ms"]
        if self.behave == "plain text":
            self.lines.append(f"GET {path} 200 {request_id}")
        elif self.behave != "no line":
            self.lines.append(json.dumps(entry))
        handler.send_response(200)
        if self.behave != "no header":
            handler.send_header("X-Request-ID", request_id)
        handler.send_header("Content-Length", "2")
        handler.end_headers()
        handler.wfile.write(b"{}")

    def __enter__(self) -> FakeServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def test_request_log_check_passes_one_json_line_per_request() -> None:
    with FakeServer("well") as server:
        summary = deploy_checks.check_request_log(
            server.base, "/hello", lambda: "\n".join(server.lines), settle=0.5
        )
    assert "ids abc (sent)" in summary
    assert len(server.lines) == 3


@pytest.mark.parametrize(
    ("behave", "said"),
    [
        ("no header", "has no X-Request-ID"),
        ("ignores the sent id", "X-Request-ID: abc came back as"),
        ("access log too", "4 log lines name /hello for 2 requests"),
        ("logs the query", "the log shows the query string"),
        ("no line", "0 log lines name /hello"),
        ("plain text", "is not a JSON object"),
        ("no duration", "no duration_ms"),
    ],
)
def test_request_log_check_fails(behave: str, said: str) -> None:
    with FakeServer(behave) as server, pytest.raises(deploy_checks.CheckFailed, match=said):
        deploy_checks.check_request_log(
            server.base, "/hello", lambda: "\n".join(server.lines), settle=0.5
        )


def test_a_made_id_that_contains_the_sent_one_does_not_pass_for_it() -> None:
    # A made id (hex) ends in "abc" about once in 140 runs: its line is not the line of
    # the request that sent X-Request-ID: abc.
    made = '{"path": "/hello", "request_id": "d9fa129df2644904b5d67be15adc5abc"}'
    assert not deploy_checks._names_id(made, "abc")
    assert deploy_checks._names_id('{"path": "/hello", "request_id": "abc"}', "abc")
    assert deploy_checks._names_id("GET /hello 200 abc", "abc")  # plain text still found
