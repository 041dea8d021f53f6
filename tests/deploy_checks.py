"""Checks of what takes a generated project from a laptop to a cluster: the lockfile, the
dependency-update configuration and the deployment files.

Each check gets the project's path and a `run` that executes a command in the project and
raises (with the command's output) when it fails; a check raises CheckFailed for what it
finds wrong and returns a one-line summary otherwise. tests/contract.py runs them as
named steps. Schemas come from check-jsonschema's vendored copies: no network.
"""

from __future__ import annotations

import json
import re
import secrets
import shutil
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

Runner = Callable[[list[str]], str]

LOCK_STEP = "uv.lock in the first commit"
DEPENDABOT_STEP = "dependabot schema"
COMPOSE_STEP = "compose.yaml schema and services"
MAKEFILE_STEP = "Makefile targets run the README's commands"
KUBERNETES_STEP = "Kubernetes manifests"
LOCKED_SYNC_STEP = "uv sync --locked leaves the tree clean"
# Run against the production server (check_request_log).
REQUEST_LOG_STEP = "request log"
# Run before the project is installed (they read files only).
STATIC_STEP_NAMES = (LOCK_STEP, DEPENDABOT_STEP, COMPOSE_STEP, MAKEFILE_STEP, KUBERNETES_STEP)
# Run once `uv sync` has passed.
INSTALLED_STEP_NAMES = (LOCKED_SYNC_STEP,)

DEPENDABOT_ECOSYSTEMS = frozenset({"uv", "github-actions", "docker"})


class CheckFailed(Exception):
    """A deployment check found a problem; the message says what."""


def check_lock_committed(run: Runner) -> str:
    committed = run(["git", "ls-tree", "--name-only", "HEAD", "--", "uv.lock"]).split()
    if committed != ["uv.lock"]:
        raise CheckFailed("the first commit has no uv.lock")
    commits = run(["git", "rev-list", "--count", "HEAD"]).strip()
    return f"uv.lock committed (commits: {commits})"


def check_locked_sync_clean(run: Runner) -> str:
    """`uv sync --locked` accepts the committed lock and leaves nothing to commit."""
    run(["uv", "sync", "--locked"])
    status = run(["git", "status", "--porcelain", "--untracked-files=all"]).strip()
    if status:
        raise CheckFailed(f"`uv sync --locked` left the tree dirty:\n{status}")
    return "lock accepted, tree clean"


def validate_builtin_schema(run: Runner, schema: str, files: list[Path]) -> None:
    run([sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, *map(str, files)])


def check_dependabot(project: Path, run: Runner) -> str:
    config = project / ".github" / "dependabot.yml"
    if not config.is_file():
        raise CheckFailed("no .github/dependabot.yml")
    validate_builtin_schema(run, "vendor.dependabot", [config])
    updates: list[dict[str, Any]] = yaml.safe_load(config.read_text()).get("updates") or []
    found = {str(update.get("package-ecosystem")) for update in updates}
    missing = DEPENDABOT_ECOSYSTEMS - found
    if missing:
        raise CheckFailed(f"dependabot does not update: {', '.join(sorted(missing))}")
    problems = [
        f"{update['package-ecosystem']}: "
        + ("not weekly" if update.get("schedule", {}).get("interval") != "weekly" else "no groups")
        for update in updates
        if update.get("schedule", {}).get("interval") != "weekly" or not update.get("groups")
    ]
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"valid; weekly, grouped: {', '.join(sorted(found))}"


def check_compose(
    project: Path, run: Runner, *, postgresql: bool, more: tuple[str, ...] = ()
) -> str:
    """compose.yaml is valid Compose, publishes on loopback only, and starts the app (and
    the template's further services, `more`) after the migrations, and those after a
    healthy PostgreSQL when the project uses it."""
    compose = project / "compose.yaml"
    if not compose.is_file():
        raise CheckFailed("no compose.yaml")
    validate_builtin_schema(run, "vendor.compose-spec", [compose])
    services: dict[str, dict[str, Any]] = yaml.safe_load(compose.read_text())["services"]
    problems: list[str] = []
    expected = {"app", "migrate", *more, *(["db"] if postgresql else [])}
    if set(services) != expected:
        problems.append(f"services are {sorted(services)}, expected {sorted(expected)}")
    for name, service in services.items():
        for port in service.get("ports", []):
            if not str(port).startswith("127.0.0.1:"):
                problems.append(f"{name} publishes {port} beyond 127.0.0.1")
    for name in ("app", *more):
        needs = services.get(name, {}).get("depends_on", {})
        if needs.get("migrate", {}).get("condition") != "service_completed_successfully":
            problems.append(f"{name} does not wait for the migrations to complete")
    if postgresql:
        db = services.get("db", {})
        if "pg_isready" not in " ".join(db.get("healthcheck", {}).get("test", [])):
            problems.append("db has no pg_isready healthcheck")
        if not re.fullmatch(r"postgres:\d+(\.\d+)?", str(db.get("image"))):
            problems.append(f"db image {db.get('image')!r} is not pinned to a major version")
        for name in ("migrate", "app", *more):
            needs = services.get(name, {}).get("depends_on", {})
            if needs.get("db", {}).get("condition") != "service_healthy":
                problems.append(f"{name} does not wait for a healthy db")
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"valid; services: {', '.join(sorted(services))}"


MAKE_TARGETS = ("dev", "test", "lint", "fmt", "migrate", "up")


def check_makefile(project: Path, run: Runner) -> str:
    """Each target exists and every command it runs (`make -n`) is one the README shows."""
    if shutil.which("make") is None:
        raise ToolMissing("make")
    readme = (project / "README.md").read_text()
    problems = []
    for target in MAKE_TARGETS:
        commands = [line.strip() for line in run(["make", "-n", target]).splitlines()]
        if not commands:
            problems.append(f"`make {target}` runs nothing")
        problems += [
            f"`make {target}` runs `{command}`, which the README does not show"
            for command in commands
            if command and command not in readme
        ]
    if problems:
        raise CheckFailed("\n".join(problems))
    return f"targets: {', '.join(MAKE_TARGETS)}"


class ToolMissing(Exception):
    """A tool a check needs is not installed here."""


KUBERNETES_KINDS = frozenset(
    {"ConfigMap", "Deployment", "Service", "HorizontalPodAutoscaler", "Job"}
)


def check_kubernetes(project: Path, run: Runner, *, postgresql: bool) -> str:
    """With PostgreSQL: the manifests pass kubernetes-validate (its bundled schemas, no
    cluster, no network) in strict mode, run as non-root on a read-only root filesystem
    with requests, limits and /health probes, and hold no Secret. With SQLite (one
    process, one file) there are none."""
    folder = project / "deploy" / "kubernetes"
    if not postgresql:
        if folder.exists():
            raise CheckFailed("a SQLite project has Kubernetes manifests")
        return "none: SQLite is single-instance"
    manifests = sorted(folder.glob("*.yaml"))
    if not manifests:
        raise CheckFailed("no deploy/kubernetes/*.yaml")
    run([sys.executable, "-m", "kubernetes_validate", "--strict", "--quiet", *map(str, manifests)])
    resources = [yaml.safe_load(path.read_text()) for path in manifests]
    kinds = {str(resource["kind"]) for resource in resources}
    problems = []
    if kinds != KUBERNETES_KINDS:
        problems.append(f"kinds are {sorted(kinds)}, expected {sorted(KUBERNETES_KINDS)}")
    for resource in resources:
        if resource["kind"] not in {"Deployment", "Job"}:
            continue
        pod = resource["spec"]["template"]["spec"]
        if pod.get("securityContext", {}).get("runAsNonRoot") is not True:
            problems.append(f"{resource['kind']} may run as root")
        for container in pod["containers"]:
            where = f"{resource['kind']} container {container['name']}"
            if container.get("securityContext", {}).get("readOnlyRootFilesystem") is not True:
                problems.append(f"{where}: root filesystem is writable")
            limits = container.get("resources", {})
            if not limits.get("requests") or not limits.get("limits"):
                problems.append(f"{where}: no requests or limits")
            if resource["kind"] == "Deployment":
                for probe in ("livenessProbe", "readinessProbe"):
                    if container.get(probe, {}).get("httpGet", {}).get("path") != "/health":
                        problems.append(f"{where}: {probe} is not on /health")
    if problems:
        raise CheckFailed("; ".join(problems))
    return f"valid: {', '.join(sorted(kinds))}"


# The fields of the one JSON line each request leaves in the production log.
REQUEST_LOG_FIELDS = (
    "time",
    "level",
    "logger",
    "message",
    "method",
    "path",
    "status",
    "duration_ms",
    "request_id",
)
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,128}")


def _get(url: str, headers: dict[str, str], timeout: float) -> tuple[int, str | None]:
    """Status and X-Request-ID of a GET, whatever the status."""
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - a loopback URL
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310
            return response.status, response.headers.get("X-Request-ID")
    except urllib.error.HTTPError as error:
        return error.code, error.headers.get("X-Request-ID")


def check_request_log(
    base: str,
    path: str,
    read_log: Callable[[], str],
    *,
    settle: float = 5.0,
    timeout: float = 30.0,
) -> str:
    """Against the production server at `base`: a GET of `path` with `X-Request-ID: abc`
    and one without. The first answer echoes `abc`, the second carries a new sane id; the
    server's output (`read_log`) gains exactly one line per request that names `path`,
    and that line is JSON with every REQUEST_LOG_FIELDS field, the path without its query
    string, the answer's status and its id."""
    before = len(read_log())
    probe = f"request-log-probe={secrets.token_hex(8)}"
    answers: list[tuple[int, str | None, str | None]] = []
    for sent in ("abc", None):
        headers = {"X-Request-ID": sent} if sent else {}
        status, returned = _get(f"{base}{path}?{probe}", headers, timeout)
        answers.append((status, sent, returned))
    problems = []
    for status, sent, returned in answers:
        if returned is None:
            problems.append(f"the answer ({status}) to a request {_with(sent)} has no X-Request-ID")
        elif sent and returned != sent:
            problems.append(f"X-Request-ID: {sent} came back as {returned!r}")
        elif not sent and not SANE_REQUEST_ID.fullmatch(returned):
            problems.append(f"the id made for a request without one is not sane: {returned!r}")
    if problems:
        raise CheckFailed("; ".join(problems))
    ids = [returned for _, _, returned in answers]
    deadline = time.monotonic() + settle
    while True:  # the server may write its lines a moment after answering
        new = read_log()[before:].splitlines()
        about = [line for line in new if path in line]
        logged = all(any(_names_id(line, i) for line in about) for i in ids)
        if logged or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    problems = [f"the log shows the query string: {line[:200]}" for line in new if probe in line]
    if len(about) != len(answers):
        shown = "\n".join(line[:200] for line in about) or "(none)"
        problems.append(f"{len(about)} log lines name {path} for {len(answers)} requests:\n{shown}")
    for status, sent, returned in answers:
        # Matched by id: two workers may write their lines in either order.
        mine = [line for line in about if _names_id(line, returned)]
        if not mine:
            problems.append(f"no log line carries the id of the request {_with(sent)}")
        for line in mine:
            problems += _request_line_problems(line, path, status, str(returned), sent)
    if problems:
        raise CheckFailed("\n".join(problems))
    return f"2 requests, 2 JSON lines; ids {ids[0]} (sent) and {ids[1]} (made)"


def _names_id(line: str, request_id: str | None) -> bool:
    """Whether `line` holds `request_id` as a whole token: a made id such as
    "d9fa...5abc" must not pass for the sent "abc"."""
    token = re.escape(str(request_id))
    return re.search(rf"(?<![\w-]){token}(?![\w-])", line) is not None


def _with(sent: str | None) -> str:
    return f"with X-Request-ID: {sent}" if sent else "without X-Request-ID"


def _request_line_problems(
    line: str, path: str, status: int, request_id: str, sent: str | None
) -> list[str]:
    """What is wrong with the log line of one request (none: an empty list)."""
    try:
        entry = json.loads(line)
    except ValueError:
        entry = None
    if not isinstance(entry, dict):
        return [f"the line of the request {_with(sent)} is not a JSON object: {line[:200]}"]
    expected = {"method": "GET", "path": path, "status": status, "request_id": request_id}
    problems = [
        f"{field} is {entry.get(field)!r}, expected {value!r}"
        for field, value in expected.items()
        if entry.get(field) != value
    ]
    missing = [field for field in REQUEST_LOG_FIELDS if field not in entry]
    if missing:
        problems.append(f"no {', '.join(missing)}")
    duration = entry.get("duration_ms")
    if not isinstance(duration, int | float) or isinstance(duration, bool) or duration < 0:
        problems.append(f"duration_ms is {duration!r}, not a number of milliseconds")
    return [f"request {_with(sent)}: {problem}: {line[:200]}" for problem in problems]
