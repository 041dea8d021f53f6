"""Each conformance check can fail: a small in-process service that keeps the resource
contract passes them all, and each deliberate breakage of it is caught by the check meant
to catch it, with a message that says what broke."""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import sqlite3
import sys
import threading
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

import conformance
import contract
import pytest
from fake_service import in_thread

VALIDATION = 422
MAX_BODY = 1024 * 1024
Headers = list[tuple[str, str]]
StartResponse = Callable[[str, Headers], object]
Answer = tuple[int, Any, Headers]

REASONS = {
    200: "OK", 201: "Created", 204: "No Content", 301: "Moved Permanently", 400: "Bad Request",
    404: "Not Found", 405: "Method Not Allowed", 413: "Content Too Large",
    422: "Unprocessable Content", 500: "Internal Server Error", 503: "Service Unavailable",
}  # fmt: skip


class Invalid(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


def _text(field: str, value: Any, limit: int, *, strip: bool = False) -> str:
    if not isinstance(value, str):
        raise Invalid(field, "not a string")
    text: str = value
    if "\x00" in text:
        raise Invalid(field, "NUL is not allowed")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        raise Invalid(field, "an unpaired surrogate") from None
    text = text.strip() if strip else text
    if (strip and not text) or len(text) > limit:
        raise Invalid(field, f"1 to {limit} characters")
    return text


class Service:
    """The items resource as docs/resource-contract.md says, over one SQLite file;
    `breaks` names the deviations a test switches on."""

    def __init__(self, database: Path, log: Path, breaks: Iterable[str] = ()) -> None:
        self.database = database
        self.log = log
        self.breaks = frozenset(breaks)
        with contextlib.closing(self.connect()) as db:
            db.execute("pragma journal_mode=wal")
            db.execute(
                "create table if not exists items (id integer primary key, name text not "
                "null, description text, quantity integer not null)"
            )

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.database, timeout=0.3, isolation_level=None)

    # -- validation --

    def item_fields(self, payload: Any, *, create: bool) -> dict[str, Any]:
        if not isinstance(payload, dict):
            raise Invalid("body", "a JSON object is expected")
        unknown = set(payload) - {"name", "description", "quantity"}
        if unknown and "unknown-field-ignored" not in self.breaks:
            raise Invalid(sorted(unknown)[0], "unknown field")
        fields: dict[str, Any] = {}
        if "name" in payload or create:
            if "name" not in payload:
                raise Invalid("name", "required")
            name = payload["name"]
            as_sent = "no-strip" in self.breaks or "nul-accepted" in self.breaks
            if name is None and "patch-null-name" in self.breaks:
                pass  # ignored instead of refused
            elif as_sent and isinstance(name, str):
                fields["name"] = name
            else:
                fields["name"] = _text("name", payload["name"], 100, strip=True)
        if payload.get("description") is not None:
            fields["description"] = _text("description", payload["description"], 1000)
        elif "description" in payload:
            fields["description"] = None
        if "quantity" in payload:
            quantity = payload["quantity"]
            if "lax-ints" in self.breaks and isinstance(quantity, str | float | bool):
                quantity = int(quantity)
            if isinstance(quantity, bool) or not isinstance(quantity, int):
                raise Invalid("quantity", "an integer")
            if not 0 <= quantity <= 1_000_000:
                raise Invalid("quantity", "0 to 1000000")
            fields["quantity"] = quantity
        return fields

    def page_bounds(self, query: dict[str, list[str]]) -> tuple[int, int]:
        bounds = []
        for key, default, low, high in (
            ("offset", 0, 0, conformance.MAX_ID),
            ("limit", 20, 1, 10**9 if "limit-unbounded" in self.breaks else 100),
        ):
            raw = query.get(key, [str(default)])[-1]
            if not re.fullmatch(r"-?\d+", raw) or not low <= int(raw) <= high:
                raise Invalid(key, f"{low} to {high}")
            bounds.append(int(raw))
        return bounds[0], bounds[1]

    # -- the items --

    def row(self, db: sqlite3.Connection, item_id: int) -> dict[str, Any] | None:
        found = db.execute(
            "select id, name, description, quantity from items where id = ?", (item_id,)
        ).fetchone()
        if found is None:
            return None
        item = dict(zip(("id", "name", "description", "quantity"), found, strict=True))
        if "default-quantity-null" in self.breaks and item["quantity"] == 0:
            item["quantity"] = None
        return item

    def collection(self, method: str, query: dict[str, list[str]], payload: Any) -> Answer:
        with contextlib.closing(self.connect()) as db:
            if method in {"GET", "HEAD"}:
                offset, limit = self.page_bounds(query)
                order = "desc" if "descending" in self.breaks else "asc"
                ids = db.execute(
                    f"select id from items order by id {order} limit ? offset ?",  # noqa: S608
                    (limit, min(offset, 2**62)),
                ).fetchall()
                total = db.execute("select count(*) from items").fetchone()[0]
                items = [self.row(db, i) for (i,) in ids]
                keys = (
                    ("results", "count") if "wrong-envelope" in self.breaks else ("items", "total")
                )
                page = {keys[0]: items, keys[1]: total, "offset": offset, "limit": limit}
                return 200, page, []
            fields = {"description": None, "quantity": 0, **self.item_fields(payload, create=True)}
            cursor = db.execute(
                "insert into items (name, description, quantity) values (?, ?, ?)",
                (fields["name"], fields["description"], fields["quantity"]),
            )
            return 201, self.row(db, int(cursor.lastrowid or 0)), []

    def one(self, method: str, item_id: int, payload: Any) -> Answer:
        with contextlib.closing(self.connect()) as db:
            item = self.row(db, item_id)
            if item is None:
                return 404, {"detail": "no such item"}, []
            if method == "PATCH":
                fields = self.item_fields(payload, create=False)
                for key, value in fields.items():
                    db.execute(f"update items set {key} = ? where id = ?", (value, item_id))  # noqa: S608
                return 200, self.row(db, item_id), []
            if method == "DELETE":
                db.execute("delete from items where id = ?", (item_id,))
                return (
                    (200, {"deleted": item_id}, [])
                    if "delete-200" in self.breaks
                    else (204, None, [])
                )
            return 200, item, []

    # -- HTTP --

    def route(self, method: str, path: str, query: dict[str, list[str]], body: bytes) -> Answer:
        if path.endswith("/") and len(path) > 1:
            if "redirect-slash" in self.breaks:
                return 301, {"detail": "moved"}, [("Location", path.rstrip("/"))]
            path = path.rstrip("/")
        if path == "/openapi.json":
            # OpenAPI 3.0: 7.0 is not an integer there, and this service refuses it.
            return 200, {"openapi": "3.0.3", "info": {"title": "fake"}, "paths": {}}, []
        if path == "/health":
            health = {
                "status": "ok",
                "database": "ok" if "health-wrong" not in self.breaks else "?",
            }
            return 200, health, []
        if path == "/items":
            allowed: tuple[str, ...] = ("GET", "HEAD", "POST")
            item_id = None
        elif match := re.fullmatch(r"/items/(-?\d+)", path):
            allowed = ("GET", "HEAD", "PATCH", "DELETE")
            item_id = int(match.group(1))
            if not 1 <= item_id <= conformance.MAX_ID:
                if "server-error-on-huge-id" in self.breaks and item_id > conformance.MAX_ID:
                    raise OverflowError("Python int too large to convert to SQLite INTEGER")
                return 404, {"detail": "no such item"}, []
        else:
            return 404, {"detail": "not found"}, []
        if "head-405" in self.breaks and method == "HEAD":
            allowed = tuple(m for m in allowed if m != "HEAD")
        if method not in allowed:
            headers = [] if "no-allow-header" in self.breaks else [("Allow", ", ".join(allowed))]
            return 405, {"detail": "method not allowed"}, headers
        payload: Any = None
        if method in {"POST", "PATCH"}:
            try:
                payload = json.loads(body)
            except (ValueError, RecursionError):
                return 400, {"detail": "the body is not JSON"}, []
        try:
            if item_id is None:
                return self.collection(method, query, payload)
            return self.one(method, item_id, payload)
        except Invalid as error:
            detail = (
                error.args[0]
                if "error-not-naming-field" in self.breaks
                else {error.field: error.args[0]}
            )
            return VALIDATION, {"detail": detail}, []
        except sqlite3.OperationalError as error:
            if "lock-500" in self.breaks:
                raise
            if "lock-log-plain" in self.breaks:
                self.write_log(f"WARNING database busy: {error}")
            else:
                self.write_log(json.dumps({"level": "WARNING", "message": f"database: {error}"}))
            return 503, {"detail": "the database is busy"}, []

    def write_log(self, line: str) -> None:
        with self.log.open("a") as out:
            out.write(line + "\n")

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ["REQUEST_METHOD"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        stream = environ["wsgi.input"]
        if length > MAX_BODY and "no-413" not in self.breaks:
            while length > 0:  # drain it, so the client reads the answer
                length -= len(stream.read(min(length, 65536)) or b"x" * length)
            status, payload, headers = (
                413,
                {"detail": "the body is too large"},
                list[tuple[str, str]](),
            )
        else:
            body = stream.read(length) if length else b""
            query = urllib.parse.parse_qs(environ.get("QUERY_STRING", ""))
            try:
                status, payload, headers = self.route(method, environ["PATH_INFO"], query, body)
            except Exception:  # an unhandled error, as a framework would answer it
                status, payload, headers = 500, None, []
        data = b"" if payload is None else json.dumps(payload).encode()
        if status == 500:
            data = b"Internal Server Error"
        elif status == 404 and "html-errors" in self.breaks:
            data = b"<h1>Not Found</h1>"
        headers = [
            *headers,
            ("Content-Type", "application/json"),
            ("Content-Length", str(len(data))),
        ]
        start_response(f"{status} {REASONS[status]}", headers)
        return [] if method == "HEAD" else [data]


class _Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


@dataclass
class Running:
    target: conformance.Target
    service: Service


@contextlib.contextmanager
def serving(tmp_path: Path, breaks: Iterable[str] = ()) -> Iterator[Running]:
    log = tmp_path / "server.log"
    log.write_text("service started\n")
    service = Service(tmp_path / "items.sqlite3", log, breaks)
    server = make_server("127.0.0.1", 0, service, _ThreadingServer, _Quiet)
    with in_thread(server) as base:
        target = conformance.Target(
            base=base,
            api_base="",
            schema_path="/openapi.json",
            validation_status=VALIDATION,
            log=log,
            sqlite_files=[service.database],
        )
        yield Running(target, service)


CHECKS: dict[str, Callable[[conformance.Target], str]] = {
    "resource": conformance.check_resource_contract,
    "probes": conformance.check_probes,
    "locked": lambda target: conformance.check_locked_database(target, settle=0.5),
    "log": conformance.check_production_log,
}


def test_a_conforming_service_passes_every_check(tmp_path: Path) -> None:
    with serving(tmp_path) as running:
        for name, check in CHECKS.items():
            assert check(running.target), name


BREAKAGES = {
    # breakage: (the check that must catch it, what its message must say)
    "health-wrong": ("resource", "GET /health"),
    "no-strip": ("resource", "name is '  Notebook  '"),
    "default-quantity-null": ("resource", "quantity is None, expected 0"),
    "wrong-envelope": ("resource", "the page is not an object"),
    "descending": ("resource", "ascending id order"),
    "limit-unbounded": ("resource", "list with limit=101"),
    "unknown-field-ignored": ("resource", "create with an unknown field"),
    "patch-null-name": ("resource", "PATCH name null"),
    "error-not-naming-field": ("resource", "does not name 'quantity'"),
    "html-errors": ("resource", "not a JSON object"),
    "delete-200": ("resource", "delete: DELETE"),
    "server-error-on-huge-id": ("probes", "read id 9223372036854775808"),
    "nul-accepted": ("probes", "NUL in the name"),
    "lax-ints": ("probes", 'quantity "7"'),
    "no-413": ("probes", "expected 413"),
    "no-allow-header": ("probes", "405 without an Allow header"),
    "head-405": ("probes", "HEAD on the list"),
    "redirect-slash": ("probes", "is redirected with 301"),
    "lock-500": ("locked", "expected 503"),
    "lock-log-plain": ("locked", "no JSON log line about the database"),
}


@pytest.mark.parametrize("breakage", list(BREAKAGES))
def test_each_breakage_is_caught(breakage: str, tmp_path: Path) -> None:
    check, message = BREAKAGES[breakage]
    with (
        serving(tmp_path, {breakage}) as running,
        pytest.raises(conformance.CheckFailed) as failure,
    ):
        CHECKS[check](running.target)
    assert message in str(failure.value)


def test_the_locked_database_check_does_not_apply_to_postgresql(tmp_path: Path) -> None:
    target = conformance.Target("http://127.0.0.1:9", "", "/openapi.json", 422, postgresql=True)
    with pytest.raises(conformance.NotApplicable):
        conformance.check_locked_database(target)


_JSON_TRACEBACK = json.dumps({"exc_info": "Traceback (most recent call last):\n  x"})
_TEXT_TRACEBACK = 'Traceback (most recent call last):\n  File "app.py"\nValueError\n'


@pytest.mark.parametrize(
    ("log", "server_errors", "passes"),
    [
        (f"started\n{_JSON_TRACEBACK}\n", 1, True),
        ("started\n", 0, True),
        (f"started\n{_TEXT_TRACEBACK}", 1, False),
        ("started\n", 1, False),  # an unhandled error, and nothing logged
        ("", 0, False),
    ],
    ids=["traceback-as-json", "no-error", "traceback-as-text", "error-not-logged", "no-log"],
)
def test_tracebacks_must_be_logged_as_json_lines(
    tmp_path: Path, log: str, server_errors: int, passes: bool
) -> None:
    path = tmp_path / "server.log"
    path.write_text(log)
    target = conformance.Target("http://127.0.0.1:9", "", "/openapi.json", 422, log=path)
    target.server_errors = ["GET /items/x -> 500 b''"] * server_errors
    if passes:
        assert f"{server_errors} unhandled error(s) met" in conformance.check_production_log(target)
    else:
        with pytest.raises(conformance.CheckFailed):
            conformance.check_production_log(target)


def test_an_unhandled_error_met_by_a_check_is_remembered(tmp_path: Path) -> None:
    with serving(tmp_path, {"server-error-on-huge-id"}) as running:
        with pytest.raises(conformance.CheckFailed):
            conformance.check_probes(running.target)
        assert running.target.server_errors
        with pytest.raises(conformance.CheckFailed, match="no JSON log line carries"):
            conformance.check_production_log(running.target)


# --- schemathesis ---------------------------------------------------------------------------


def _message_operation(summary: str) -> dict[str, Any]:
    body = {
        "type": "object",
        "required": ["message"],
        "properties": {"message": {"type": "string"}},
        "additionalProperties": False,
    }
    ok = {"description": "ok", "content": {"application/json": {"schema": body}}}
    return {"get": {"summary": summary, "responses": {"200": ok}}}


class SchemaService:
    """GET-only operations with a documented JSON body; `broken` turns on, for one
    operation each, a 500, a body that breaks the schema and a 405 without Allow."""

    def __init__(self, broken: bool) -> None:
        self.broken = broken
        self.schema = {
            "openapi": "3.0.3",
            "info": {"title": "fake", "version": "1"},
            "paths": {path: _message_operation(path) for path in ("/hello", "/boom", "/wrong")},
        }

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method, path = environ["REQUEST_METHOD"], environ["PATH_INFO"]
        headers: Headers = []
        payload: dict[str, Any]
        if path == "/openapi.json":
            status, payload = 200, self.schema
        elif path not in self.schema["paths"]:
            status, payload = 404, {"detail": "not found"}
        elif method not in {"GET", "HEAD"}:
            status, payload = 405, {"detail": "method not allowed"}
            if not (self.broken and path == "/hello"):
                headers.append(("Allow", "GET"))
        elif self.broken and path == "/boom":
            status, payload = 500, {"detail": "boom"}
        elif self.broken and path == "/wrong":
            status, payload = 200, {"message": 5}
        else:
            status, payload = 200, {"message": "hi"}
        data = json.dumps(payload).encode()
        headers += [("Content-Type", "application/json"), ("Content-Length", str(len(data)))]
        start_response(f"{status} {REASONS[status]}", headers)
        return [] if method == "HEAD" else [data]


@contextlib.contextmanager
def serving_schema(broken: bool) -> Iterator[conformance.Target]:
    server = make_server("127.0.0.1", 0, SchemaService(broken), _ThreadingServer, _Quiet)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_port}"
        yield conformance.Target(base, "", "/openapi.json", VALIDATION)
    finally:
        server.shutdown()
        server.server_close()


def _schemathesis() -> list[str]:
    script = Path(sys.executable).parent / "schemathesis"
    found = str(script) if script.exists() else shutil.which("schemathesis")
    if found is None:
        pytest.fail("schemathesis is not installed: it is in the dev group (uv sync)")
    return [found]


def test_schemathesis_passes_a_service_that_keeps_its_schema(tmp_path: Path) -> None:
    with serving_schema(broken=False) as target:
        run = conformance.run_schemathesis(target, tmp_path, _schemathesis(), examples=3)
    assert run.operations == 3
    assert run.generated > 0
    assert "3 operations" in conformance.judge_schemathesis(run)


def test_schemathesis_names_each_failing_operation_with_a_curl(tmp_path: Path) -> None:
    with serving_schema(broken=True) as target:
        run = conformance.run_schemathesis(target, tmp_path, _schemathesis(), examples=3)
    with pytest.raises(conformance.CheckFailed) as failure:
        conformance.judge_schemathesis(run)
    message = str(failure.value)
    # A 500, a body against the schema, a 405 without Allow for an undeclared method.
    for operation, code in (("GET /boom", "ST101"), ("GET /wrong", "ST108"), ("/hello", "ST204")):
        line = next((line for line in message.splitlines() if operation in line), "")
        assert code in line, f"{operation} {code} not reported:\n{message}"
    assert f"curl -X GET {target.base}/boom" in message


def test_schemathesis_runs_on_each_templates_default_and_one_postgresql_case() -> None:
    """Two cases per template, one of which the quick run has, so that between them the
    quick run checks every template, on both databases."""
    chosen = contract._schemathesis_cases()
    quick = contract.quick_matrix(contract.option_matrix())
    for framework, cases in contract.option_matrix().items():
        picked = [case for case in cases if case.id in chosen]
        assert len(picked) == 2, [case.id for case in picked]
        assert picked[0].default
        assert picked[1].answer("database") == "postgresql"
        assert quick[framework][0] in picked
    databases = {cases[0].answer("database") for cases in quick.values()}
    assert databases == {"sqlite", "postgresql"}
