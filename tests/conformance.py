"""Outside clients against a generated service's production server.

Each check takes a `Target` (where the server listens and the registry's facts about its
API), talks plain HTTP to it, and returns a one-line summary or raises `CheckFailed`
listing every problem it found, so one run tells all that is wrong. The checks follow
docs/resource-contract.md; the module knows no framework by name.

- `check_resource_contract`: create/read/list/change/delete with the exact fields,
  defaults, limits, the page envelope and the template's validation status.
- `check_probes`: malformed and hostile requests each get a deliberate 4xx, never a 5xx.
- `check_locked_database`: a SQLite file another process holds locked answers 503 with a
  JSON body, and the event is logged as a JSON line.
- `check_production_log`: every traceback in the production log is inside one JSON line.
- `run_schemathesis`: the schemathesis CLI, all checks, a fixed seed, bounded examples.
"""

from __future__ import annotations

import base64
import contextlib
import http.client
import json
import os
import re
import secrets
import socket
import sqlite3
import subprocess
import time
import urllib.parse
from collections.abc import Callable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HTTP_TIMEOUT = 30.0  # above SQLite's 5 s busy timeout, which the lock probe waits out
MAX_ID = 2**63 - 1  # the largest 64-bit key
MAX_INT32 = 2**31 - 1
LIMITS = {"name": 100, "description": 1000, "quantity": 1_000_000}
PAGE_KEYS = {"items", "total", "offset", "limit"}
ITEM_KEYS = {"id", "name", "description", "quantity"}
DEFAULT_LIMIT, MAX_LIMIT = 20, 100
LARGE_BODY_BYTES = 5 * 1024 * 1024  # well past the default MAX_REQUEST_BYTES (1 MiB)
NESTING_DEPTH = 1000

# schemathesis: fixed seed and a bounded number of examples per operation, so a run is
# reproducible and stays well under a minute.
SCHEMATHESIS_SEED = 20261130
SCHEMATHESIS_EXAMPLES = 5
SCHEMATHESIS_TIMEOUT = 300.0

STEP_NAMES = (
    "API user for writes",
    "resource contract",
    "probes",
    "locked SQLite database answers 503",
    "schemathesis",
    "production log: tracebacks only as JSON lines",
)


class CheckFailed(Exception):
    """The service broke the contract; the message lists each problem."""


class NotApplicable(Exception):
    """The check does not apply to this service (the message says why)."""


@dataclass
class Target:
    """A running service and what the registry says about its API."""

    base: str  # http://127.0.0.1:PORT
    api_base: str
    schema_path: str
    validation_status: int
    postgresql: bool = False
    # The Authorization header sent with writes ("Bearer ..." with accounts, "Basic ..."
    # where the registry names a user command), None when writes are open.
    authorization: str | None = None
    accounts: bool = False  # `auth=true`: items carry their owner_id
    log: Path | None = None  # the production server's output
    sqlite_files: list[Path] = field(default_factory=list)
    # Unhandled errors the checks met (a 5xx other than the deliberate 503), one line
    # each: their tracebacks must then be in the log.
    server_errors: list[str] = field(default_factory=list)

    @property
    def host_port(self) -> tuple[str, int]:
        parsed = urllib.parse.urlsplit(self.base)
        return parsed.hostname or "127.0.0.1", parsed.port or 80

    def items(self, suffix: str = "") -> str:
        return f"{self.api_base}/items{suffix}"

    @property
    def item_keys(self) -> set[str]:
        return ITEM_KEYS | {"owner_id"} if self.accounts else ITEM_KEYS


# --- plain HTTP ---------------------------------------------------------------------------


@dataclass
class Reply:
    method: str
    path: str
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        for key, value in self.headers:
            if key.lower() == name.lower():
                return value
        return None

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            return None

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status} {self.body[:200]!r}"


WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def basic_authorization(credentials: tuple[str, str]) -> str:
    """The Authorization header value of HTTP Basic for (username, password)."""
    return "Basic " + base64.b64encode(":".join(credentials).encode()).decode()


def request(
    target: Target,
    method: str,
    path: str,
    body: bytes | None = None,
    *,
    auth: bool = False,
    headers: Mapping[str, str] | None = None,
) -> Reply:
    """One request on a fresh connection; redirects are not followed."""
    host, port = target.host_port
    sent = {"Accept": "application/json", **(headers or {})}
    if body is not None:
        sent.setdefault("Content-Type", "application/json")
    if auth and target.authorization:
        sent["Authorization"] = target.authorization
    connection = http.client.HTTPConnection(host, port, timeout=HTTP_TIMEOUT)
    try:
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return Reply(method, path, response.status, response.getheaders(), response.read())
    finally:
        connection.close()


def send_large_body(target: Target, path: str, size: int, *, auth: bool) -> Reply | str:
    """POST `size` bytes of JSON, and read the answer even if the server stops reading
    early (as it may once it has decided on 413). A string says why there was none."""
    host, port = target.host_port
    body = b'{"name": "' + b"x" * (size - 13) + b'"}'
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: {host}:{port}",
        "Content-Type: application/json",
        "Accept: application/json",
        f"Content-Length: {len(body)}",
        "Connection: close",
    ]
    if auth and target.authorization:
        lines.append(f"Authorization: {target.authorization}")
    with socket.create_connection((host, port), timeout=HTTP_TIMEOUT) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        with contextlib.suppress(OSError):  # the server may answer and close mid-body
            for start in range(0, len(body), 65536):
                sock.sendall(body[start : start + 65536])
        response = http.client.HTTPResponse(sock, method="POST")
        try:
            response.begin()
            return Reply("POST", path, response.status, response.getheaders(), response.read())
        except (OSError, http.client.HTTPException) as error:
            return f"no answer ({type(error).__name__}: {error})"


class Session:
    """Requests with expectations; every unmet one is noted, none stops the check."""

    def __init__(self, target: Target) -> None:
        self.target = target
        self.problems: list[str] = []
        self.replies: list[Reply] = []

    def send(
        self,
        method: str,
        path: str,
        payload: Any = None,
        *,
        raw: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        auth: bool | None = None,
    ) -> Reply:
        """One request; the target's credentials go with writes unless `auth` says."""
        body = raw if raw is not None else None if payload is None else json.dumps(payload).encode()
        with_credentials = method in WRITE_METHODS if auth is None else auth
        try:
            reply = request(self.target, method, path, body, auth=with_credentials, headers=headers)
        except (OSError, http.client.HTTPException) as error:
            self.problems.append(f"{method} {path}: no answer ({type(error).__name__}: {error})")
            return Reply(method, path, 0, [], b"")
        self.replies.append(reply)
        self.judge_error_body(reply)
        if reply.status >= 500 and reply.status != 503:
            self.target.server_errors.append(str(reply))
        return reply

    def judge_error_body(self, reply: Reply) -> None:
        """Errors are JSON objects and never show a traceback."""
        if b"Traceback (most recent call last)" in reply.body:
            self.problems.append(f"{reply.method} {reply.path}: the body shows a traceback")
        if reply.status >= 400 and reply.method != "HEAD" and not isinstance(reply.json(), dict):
            self.problems.append(f"{reply}: the error body is not a JSON object")

    def expect(self, reply: Reply, statuses: int | set[int], why: str) -> bool:
        wanted = {statuses} if isinstance(statuses, int) else statuses
        if reply.status in wanted:
            return True
        if reply.status:  # 0: no answer, already noted
            expected = " or ".join(str(s) for s in sorted(wanted))
            self.problems.append(f"{why}: {reply}, expected {expected}")
        return False

    def note(self, problem: str) -> None:
        self.problems.append(problem)

    def finish(self, summary: str) -> str:
        if self.problems:
            raise CheckFailed(
                f"{len(self.problems)} problem(s):\n" + "\n".join(f"- {p}" for p in self.problems)
            )
        return f"{summary} ({len(self.replies)} requests)"


# --- the resource contract ------------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _judge_item(session: Session, reply: Reply, expected: Mapping[str, Any]) -> dict[str, Any]:
    item = reply.json()
    if not isinstance(item, dict):
        session.note(f"{reply}: not an item object")
        return {}
    keys = session.target.item_keys
    if set(item) != keys:
        session.note(
            f"{reply.method} {reply.path}: item fields {sorted(item)}, expected {sorted(keys)}"
        )
    if not _is_int(item.get("id")) or not 1 <= item["id"] <= MAX_ID:
        session.note(
            f"{reply.method} {reply.path}: id {item.get('id')!r} is not a positive 64-bit integer"
        )
    for key, value in expected.items():
        if item.get(key) != value or type(item.get(key)) is not type(value):
            session.note(
                f"{reply.method} {reply.path}: {key} is {item.get(key)!r}, expected {value!r}"
            )
    return item


def _judge_page(session: Session, reply: Reply, offset: int, limit: int) -> list[dict[str, Any]]:
    page = reply.json()
    if not isinstance(page, dict) or set(page) != PAGE_KEYS:
        session.note(f"{reply}: the page is not an object with exactly {sorted(PAGE_KEYS)}")
        return []
    if page["offset"] != offset or page["limit"] != limit:
        session.note(
            f"{reply.method} {reply.path}: offset/limit {page['offset']!r}/"
            f"{page['limit']!r}, expected {offset}/{limit}"
        )
    items = page["items"]
    if not isinstance(items, list) or not _is_int(page["total"]):
        session.note(f"{reply}: items is not a list or total not an integer")
        return []
    if len(items) > limit:
        session.note(f"{reply.method} {reply.path}: {len(items)} items on a page of {limit}")
    ids = [item.get("id") for item in items if isinstance(item, dict)]
    numbers = [i for i in ids if isinstance(i, int) and not isinstance(i, bool)]
    if numbers != sorted(numbers) or len(numbers) != len(items):
        session.note(f"{reply.method} {reply.path}: items not in ascending id order: {ids}")
    for item in items:
        if not isinstance(item, dict) or set(item) != session.target.item_keys:
            session.note(
                f"{reply.method} {reply.path}: a listed item has fields "
                f"{sorted(item) if isinstance(item, dict) else item!r}"
            )
            break
    return [item for item in items if isinstance(item, dict)]


def _invalid(
    session: Session, method: str, path: str, payload: Any, field_name: str, why: str
) -> None:
    """A validation error with the template's status that names the offending field."""
    reply = session.send(method, path, payload)
    if session.expect(reply, session.target.validation_status, why) and (
        field_name and field_name.encode() not in reply.body
    ):
        session.note(f"{why}: {reply}: the error does not name {field_name!r}")


def check_health(session: Session) -> None:
    reply = session.send("GET", "/health")
    if session.expect(reply, 200, "GET /health") and reply.json() != {
        "status": "ok",
        "database": "ok",
    }:
        session.note(f'{reply}: expected {{"status": "ok", "database": "ok"}}')


def check_resource_contract(target: Target) -> str:
    session = Session(target)
    check_health(session)
    items = target.items()

    # Create: defaults, stripping, every field given.
    created = session.send("POST", items, {"name": "  Notebook  "})
    first: dict[str, Any] = {}
    if session.expect(created, 201, "create with only a name"):
        first = _judge_item(
            session, created, {"name": "Notebook", "description": None, "quantity": 0}
        )
    full = {"name": "Pen", "description": "Blue ink", "quantity": 3}
    second_reply = session.send("POST", items, full)
    second: dict[str, Any] = {}
    if session.expect(second_reply, 201, "create with every field"):
        second = _judge_item(session, second_reply, full)
    if not (first.get("id") and second.get("id")):
        return session.finish("create failed: nothing more to check")
    first_id, second_id = first["id"], second["id"]

    # Read.
    read = session.send("GET", target.items(f"/{first_id}"))
    if session.expect(read, 200, "read an item") and read.json() != first:
        session.note(f"{read}: differs from the created item {first}")

    # List and the page envelope.
    page = session.send("GET", items)
    if session.expect(page, 200, "list"):
        listed = _judge_page(session, page, 0, DEFAULT_LIMIT)
        if not {first_id, second_id} <= {item.get("id") for item in listed}:
            session.note(f"{page}: the created items are not listed")
    later = session.send("GET", f"{items}?offset=1&limit=1")
    if session.expect(later, 200, "list with offset=1&limit=1"):
        _judge_page(session, later, 1, 1)
    biggest = session.send("GET", f"{items}?limit={MAX_LIMIT}")
    if session.expect(biggest, 200, f"list with limit={MAX_LIMIT}"):
        _judge_page(session, biggest, 0, MAX_LIMIT)
    last = session.send("GET", f"{items}?offset={MAX_ID}")
    if session.expect(last, 200, f"list with offset={MAX_ID}") and _judge_page(
        session, last, MAX_ID, DEFAULT_LIMIT
    ):
        session.note(f"{last}: items on a page past the end")
    for query in (
        "limit=0",
        f"limit={MAX_LIMIT + 1}",
        "offset=-1",
        f"offset={MAX_ID + 1}",
        "limit=abc",
    ):
        reply = session.send("GET", f"{items}?{query}")
        session.expect(reply, target.validation_status, f"list with {query}")

    # Change: only the fields sent.
    item_path = target.items(f"/{second_id}")
    changed = session.send("PATCH", item_path, {"quantity": 5})
    if session.expect(changed, 200, "PATCH quantity"):
        _judge_item(session, changed, {**full, "quantity": 5})
    unchanged = session.send("PATCH", item_path, {})
    if session.expect(unchanged, 200, "PATCH {}"):
        _judge_item(session, unchanged, {**full, "quantity": 5})
    cleared = session.send("PATCH", item_path, {"description": None})
    if session.expect(cleared, 200, "PATCH description null"):
        _judge_item(session, cleared, {**full, "quantity": 5, "description": None})
    _invalid(session, "PATCH", item_path, {"name": None}, "name", "PATCH name null")
    _invalid(session, "PATCH", item_path, {"quantity": None}, "quantity", "PATCH quantity null")
    _invalid(session, "PATCH", item_path, {"colour": "red"}, "colour", "PATCH unknown field")

    # Limits and validation.
    for key, edge in LIMITS.items():
        value: Any = edge if key == "quantity" else "x" * edge
        at_edge = session.send("POST", items, {"name": "edge", key: value})
        if session.expect(at_edge, 201, f"create with {key} at its limit"):
            _judge_item(session, at_edge, {key: value})
        over: Any = edge + 1 if key == "quantity" else "x" * (edge + 1)
        _invalid(
            session,
            "POST",
            items,
            {"name": "edge", key: over},
            key,
            f"create with {key} over its limit",
        )
    _invalid(
        session,
        "POST",
        items,
        {"name": "edge", "quantity": -1},
        "quantity",
        "create with a negative quantity",
    )
    _invalid(session, "POST", items, {"name": ""}, "name", "create with an empty name")
    _invalid(session, "POST", items, {"quantity": 1}, "name", "create without a name")
    _invalid(
        session,
        "POST",
        items,
        {"name": "a", "colour": "red"},
        "colour",
        "create with an unknown field",
    )
    bad_json = session.send("POST", items, raw=b'{"name": ')
    session.expect(bad_json, 400, "create with a body that is not JSON")

    # Delete.
    deleted = session.send("DELETE", item_path)
    if session.expect(deleted, 204, "delete") and deleted.body:
        session.note(f"{deleted}: 204 with a body")
    session.expect(session.send("GET", item_path), 404, "read a deleted item")
    session.expect(session.send("DELETE", item_path), 404, "delete a deleted item")
    return session.finish("create, read, list, change, delete and validation as specified")


# --- probes -------------------------------------------------------------------------------


def openapi_version(target: Target) -> str:
    """The `openapi` field of the schema the service publishes ("" if unreadable)."""
    reply = request(target, "GET", target.schema_path)
    document = reply.json()
    version = document.get("openapi") if isinstance(document, dict) else None
    return version if isinstance(version, str) else ""


def check_probes(target: Target) -> str:
    session = Session(target)
    items = target.items()
    invalid = target.validation_status
    made = session.send("POST", items, {"name": "probe"})
    item_id = made.json().get("id") if isinstance(made.json(), dict) else None
    if not session.expect(made, 201, "create an item to probe") or not _is_int(item_id):
        item_id = 1

    # Ids and offsets outside the 64-bit (and, on PostgreSQL, the 32-bit) range.
    huge = [MAX_ID, MAX_ID + 1, 2**64, 0, -1]
    if target.postgresql:
        huge.append(MAX_INT32 + 1)
    for value in huge:
        path = target.items(f"/{value}")
        session.expect(session.send("GET", path), 404, f"read id {value}")
    for method, payload in (("PATCH", {"quantity": 1}), ("DELETE", None)):
        path = target.items(f"/{MAX_ID + 1}")
        session.expect(session.send(method, path, payload), 404, f"{method} id 2^63")
    session.expect(
        session.send("GET", f"{items}?offset={MAX_ID + 1}"), {400, invalid}, "offset 2^63"
    )
    if target.postgresql:
        session.expect(
            session.send("GET", f"{items}?offset={MAX_INT32 + 1}"), 200, "offset 2^31 on PostgreSQL"
        )

    # Text PostgreSQL cannot store or UTF-8 cannot encode.
    for label, raw in (
        ("NUL in the name", b'{"name": "nul\\u0000x"}'),
        ("NUL in the description", b'{"name": "a", "description": "nul\\u0000x"}'),
        ("an unpaired surrogate in the name", b'{"name": "lone\\ud800x"}'),
    ):
        session.expect(session.send("POST", items, raw=raw), invalid, label)
    session.expect(
        session.send("PATCH", target.items(f"/{item_id}"), raw=b'{"name": "nul\\u0000x"}'),
        invalid,
        "NUL in a PATCH",
    )

    # Nesting and size.
    deep = b'{"name": ' + b"[" * NESTING_DEPTH + b"]" * NESTING_DEPTH + b"}"
    session.expect(
        session.send("POST", items, raw=deep), {400, invalid}, f"JSON nested {NESTING_DEPTH} deep"
    )
    large = send_large_body(target, items, LARGE_BODY_BYTES, auth=True)
    if isinstance(large, str):
        session.note(f"POST {items} with {LARGE_BODY_BYTES} bytes: {large}, expected 413")
    else:
        session.replies.append(large)
        session.judge_error_body(large)
        session.expect(large, 413, f"POST {LARGE_BODY_BYTES} bytes")

    # Values the contract refuses.
    session.expect(session.send("POST", items, {"name": "   "}), invalid, "a name of spaces")
    strict: tuple[Any, ...] = (True, "7", 7.5)
    for value in strict:
        session.expect(
            session.send("POST", items, {"name": "a", "quantity": value}),
            invalid,
            f"quantity {json.dumps(value)}",
        )
    # 7.0 is the number 7 to JSON Schema 2020-12 (OpenAPI 3.1) and not an integer to the
    # older dialect of OpenAPI 3.0: the server must agree with the schema it publishes.
    seven = session.send("POST", items, {"name": "a", "quantity": 7.0})
    if openapi_version(target).startswith("3.0"):
        session.expect(seven, invalid, "quantity 7.0 under OpenAPI 3.0")
    elif session.expect(seven, 201, "quantity 7.0 under OpenAPI 3.1 (the number 7)"):
        body = seven.json()
        if not isinstance(body, dict) or body.get("quantity") != 7:
            session.note(f"{seven}: quantity 7.0 not stored as 7")
    session.expect(
        session.send("PATCH", target.items(f"/{item_id}"), {"name": None}),
        invalid,
        "PATCH name null",
    )
    unknown_sort = session.send("GET", f"{items}?order_by=zzz")
    if unknown_sort.status != 400:
        session.expect(unknown_sort, 200, "an unknown sort parameter (ignored or 400)")

    # Methods and paths.
    for method, path in (("PUT", items), ("POST", target.items(f"/{item_id}"))):
        reply = session.send(method, path, {"name": "a"})
        if session.expect(reply, 405, f"{method} {path}") and not reply.header("Allow"):
            session.note(f"{reply}: 405 without an Allow header")
    head = session.send("HEAD", items)
    if session.expect(head, 200, "HEAD on the list") and head.body:
        session.note(f"{head}: HEAD with a body")
    with_slash: tuple[tuple[str, str, dict[str, Any]], ...] = (
        ("POST", target.items("/"), {"name": "slash"}),
        ("PATCH", target.items(f"/{item_id}/"), {"quantity": 2}),
    )
    for method, path, payload in with_slash:
        reply = session.send(method, path, payload)
        if reply.status in {301, 302}:
            session.note(
                f"{reply}: a {method} is redirected with {reply.status} (the body would be lost)"
            )
        elif reply.status >= 500:
            session.note(f"{reply}: a server error")
    for reply in session.replies:
        if reply.status >= 500 and not any(str(reply) in p for p in session.problems):
            session.note(f"{reply}: a server error")
    return session.finish("every probe answered a deliberate status")


# --- a locked SQLite database ----------------------------------------------------------------


def _items_database(files: list[Path]) -> Path | None:
    """The SQLite file that holds the items table."""
    for file in files:
        with contextlib.suppress(sqlite3.Error), contextlib.closing(sqlite3.connect(file)) as db:
            names = [row[0] for row in db.execute("select name from sqlite_master")]
            if any(re.search(r"(^|_)items?$", name) for name in names):
                return file
    return None


@contextlib.contextmanager
def exclusive_lock(file: Path) -> Iterator[None]:
    """Hold SQLite's write lock on `file` (readers may still read in WAL mode)."""
    db = sqlite3.connect(file, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN EXCLUSIVE")
        yield
    finally:
        with contextlib.suppress(sqlite3.Error):
            db.execute("ROLLBACK")
        db.close()


def _log_text(target: Target) -> str:
    if target.log is None:
        return ""
    try:
        return target.log.read_text(errors="replace")
    except OSError:
        return ""


def _json_object(line: str) -> dict[str, Any] | None:
    with contextlib.suppress(ValueError):
        value = json.loads(line)
        if isinstance(value, dict):
            return value
    return None


def check_locked_database(target: Target, settle: float = 2.0) -> str:
    if target.postgresql:
        raise NotApplicable("PostgreSQL: no file to lock")
    database = _items_database(target.sqlite_files)
    if database is None:
        raise CheckFailed(f"no SQLite file with an items table among {target.sqlite_files}")
    session = Session(target)
    before = len(_log_text(target))
    started = time.monotonic()
    with exclusive_lock(database):
        reply = session.send("POST", target.items(), {"name": "while locked"})
    waited = time.monotonic() - started
    session.expect(reply, 503, "a write while another process holds the database locked")
    deadline = time.monotonic() + settle
    logged: list[dict[str, Any]] = []
    while time.monotonic() < deadline and not logged:
        new = _log_text(target)[before:].splitlines()
        logged = [
            entry
            for line in new
            if (entry := _json_object(line.strip())) is not None
            and re.search(r"(?i)lock|database", json.dumps(entry))
        ]
        time.sleep(0.2)
    if not logged:
        tail = "\n".join(_log_text(target)[before:].splitlines()[-5:])
        session.note(f"no JSON log line about the database after the 503; new log:\n{tail}")
    summary = f"503 after {waited:.1f}s; logged: {json.dumps(logged[0])[:160] if logged else ''}"
    return session.finish(summary)


# --- the production log ---------------------------------------------------------------------

_TRACEBACK = re.compile(r"Traceback \(most recent call last\)")


_TRACEBACK_KEYS = re.compile(r"(?i)^(exc_info|exc_text|exception|stack_trace|traceback)$")


def _carries_traceback(entry: dict[str, Any]) -> bool:
    """A JSON log entry with a traceback, as text or under a structured key."""
    return bool(_TRACEBACK.search(json.dumps(entry))) or any(
        _TRACEBACK_KEYS.match(key) and value for key, value in entry.items()
    )


def check_production_log(target: Target) -> str:
    """A traceback in production is one JSON line a collector can parse, never loose text;
    and an unhandled error the checks met (a 5xx, or schemathesis's "Server error") left
    one in the log.

    No request the contract defines is meant to fail on the server, so nothing here can
    force an unhandled error; what the run produced (probes, schemathesis) is judged."""
    text = _log_text(target)
    if target.log is None or not text:
        raise CheckFailed("no production log to read")
    loose = []
    logged = 0
    for number, line in enumerate(text.splitlines(), 1):
        entry = _json_object(line.strip())
        if entry is not None:
            logged += _carries_traceback(entry)
        elif _TRACEBACK.search(line):
            loose.append(f"line {number}: {line.strip()[:200]}")
    problems = []
    if loose:
        problems.append(
            f"{len(loose)} traceback(s) logged as plain text, not one JSON line:\n"
            + "\n".join(loose[:5])
        )
    if target.server_errors and not logged:
        problems.append(
            f"{len(target.server_errors)} unhandled error(s) answered, but no JSON log line "
            f"carries a traceback; the first: {target.server_errors[0]}"
        )
    if problems:
        raise CheckFailed("\n".join(problems))
    lines = len(text.splitlines())
    return (
        f"{lines} log lines, {logged} traceback(s), each inside a JSON line; "
        f"{len(target.server_errors)} unhandled error(s) met"
    )


# --- the API user -----------------------------------------------------------------------------


def create_api_user(
    command: str,
    env_template: Mapping[str, str],
    run: Callable[[str, dict[str, str]], object],
) -> tuple[str, str] | None:
    """Run the registry's user-creation command with a fresh name and password; None
    when the service's writes need no user."""
    if not command:
        return None
    # An email address, so that it also logs in where the email is the user name.
    username = f"conform{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(18)
    env = {
        key: value.format(username=username, password=password)
        for key, value in env_template.items()
    }
    run(command, env)
    return username, password


# --- schemathesis -----------------------------------------------------------------------------


@dataclass
class SchemathesisRun:
    operations: int
    generated: int
    failures: int
    seconds: float  # the whole command, start-up included
    testing_seconds: float  # what schemathesis reports for its test phases
    failing: list[str]  # "METHOD path: codes" per failing operation, then curl lines
    exit_code: int
    output_tail: str

    def summary(self) -> str:
        return (
            f"{self.operations} operations, {self.generated} generated test cases, "
            f"{self.failures} unique failures, {self.seconds:.1f}s "
            f"({self.testing_seconds:.1f}s testing)"
        )


_SECTION = re.compile(r"^_{3,} (.+?) _{3,}$")
_CODE = re.compile(r"^- (ST\d+ .+)$")
_CURL = re.compile(r"^\s+(curl .+)$")


def parse_failures(output: str) -> list[str]:
    """Each failing operation of schemathesis's report with its checks and curl lines."""
    found: dict[str, dict[str, list[str]]] = {}
    current: str | None = None
    for line in output.splitlines():
        if match := _SECTION.match(line.strip()):
            title = match.group(1)
            current = None if title in {"FAILURES", "SUMMARY", "ERRORS"} else title
            if current:
                found.setdefault(current, {"codes": [], "curls": []})
        elif current and (match := _CODE.match(line.strip())):
            if match.group(1) not in found[current]["codes"]:
                found[current]["codes"].append(match.group(1))
        elif current and (match := _CURL.match(line)):
            found[current]["curls"].append(match.group(1))
    lines = []
    for operation, parts in found.items():
        lines.append(f"{operation}: {'; '.join(parts['codes']) or 'failed'}")
        lines.extend(f"    {curl}" for curl in parts["curls"][:2])
    return lines


def run_schemathesis(
    target: Target,
    workdir: Path,
    executable: list[str],
    *,
    seed: int = SCHEMATHESIS_SEED,
    examples: int = SCHEMATHESIS_EXAMPLES,
    label: str = "",
) -> SchemathesisRun:
    """The schemathesis CLI against the served schema, with its figures. With
    SCHEMATHESIS_REPORT set, one JSON line per run (labelled `label`) is appended there."""
    workdir.mkdir(parents=True, exist_ok=True)
    report = workdir / "schemathesis.json"
    command = [
        *executable, "run", target.base + target.schema_path,
        "--url", target.base,
        "--checks", "all",
        "--seed", str(seed),
        "--max-examples", str(examples),
        "--workers", "1",
        "--request-timeout", str(HTTP_TIMEOUT),
        "--generation-database", "none",
        "--no-color",
        "--report", "json",
        "--report-json-path", str(report),
    ]  # fmt: skip
    env = {**os.environ, "NO_COLOR": "1", "SCHEMATHESIS_TELEMETRY": "false"}
    if target.authorization:
        # Credentials on writes only, as a client would send them: a password hash per
        # read (HTTP Basic) would make the run many times slower and test nothing more.
        config = workdir / "schemathesis.toml"
        config.write_text(
            "[[operations]]\n"
            f"include-method = {json.dumps(sorted(WRITE_METHODS))}\n"
            'headers = { Authorization = "${CONFORMANCE_AUTHORIZATION}" }\n'
        )
        env["CONFORMANCE_AUTHORIZATION"] = target.authorization
        command[len(executable) : len(executable)] = ["--config-file", str(config)]
    started = time.monotonic()
    try:
        result = subprocess.run(
            command, cwd=workdir, env=env, capture_output=True, text=True, errors="replace",
            timeout=SCHEMATHESIS_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired as error:
        partial = error.stdout or ""
        if isinstance(partial, bytes):
            partial = partial.decode(errors="replace")
        raise CheckFailed(
            f"schemathesis did not finish within {SCHEMATHESIS_TIMEOUT:.0f}s; its output "
            f"so far:\n{partial[-2000:]}"
        ) from None
    seconds = time.monotonic() - started
    output = result.stdout + result.stderr
    try:
        data = json.loads(report.read_text())
    except (OSError, ValueError):
        raise CheckFailed(
            f"schemathesis wrote no report (exit {result.returncode}):\n{output[-3000:]}"
        ) from None
    run = SchemathesisRun(
        operations=int(data["operations"]["tested"]),
        generated=int(data["test_cases"]["generated"]),
        failures=int(data["test_cases"]["unique_failures"]) + len(data.get("errors") or []),
        seconds=seconds,
        testing_seconds=float(data.get("running_time") or 0.0),
        failing=parse_failures(output),
        exit_code=result.returncode,
        output_tail=output[-3000:],
    )
    target.server_errors += [line for line in run.failing if "ST101" in line]
    record = os.environ.get("SCHEMATHESIS_REPORT")
    if record:
        line = {"case": label, **{k: v for k, v in asdict(run).items() if k != "output_tail"}}
        with Path(record).open("a", encoding="utf-8") as out:
            out.write(json.dumps(line) + "\n")
    return run


def judge_schemathesis(run: SchemathesisRun) -> str:
    """Fail on any failure schemathesis found, listing each operation with a curl line."""
    if run.operations == 0:
        raise CheckFailed(f"schemathesis tested no operation:\n{run.output_tail}")
    if run.exit_code != 0 or run.failures:
        raise CheckFailed(f"{run.summary()}\n" + ("\n".join(run.failing) or run.output_tail))
    return run.summary()
