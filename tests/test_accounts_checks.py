"""Each accounts check can fail: a small in-process service that keeps the accounts
contract passes them all, and each deliberate breakage of one rule is caught by the check
meant to catch it, with a message that says what broke."""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import math
import re
import secrets
import sqlite3
import time
import urllib.parse
from collections.abc import Callable, Iterable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import accounts_checks
import conformance
import pytest
from fake_service import in_thread

VALIDATION = 422
LIMIT = 3  # LOGIN_FAILURE_LIMIT, small so the tests stay quick
WINDOW = 900
Answer = tuple[int, Any, list[tuple[str, str]]]
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _phc64(data: bytes) -> str:
    """The PHC string format's base64: the standard alphabet without padding."""
    return base64.b64encode(data).rstrip(b"=").decode()


def _unphc64(text: str) -> bytes:
    return base64.b64decode(text + "=" * (-len(text) % 4))


class Refused(Exception):
    """An answer other than success, raised from deep inside a handler."""

    def __init__(self, status: int, body: Any, headers: list[tuple[str, str]] | None = None):
        super().__init__(status)
        self.answer: Answer = (status, body, headers or [])


def _unauthorized() -> Refused:
    return Refused(401, {"detail": "not authenticated"}, [("WWW-Authenticate", "Bearer")])


class Service:
    """Items and accounts as docs/accounts-contract.md says (or, with `auth` off, open
    items and no accounts), over one SQLite file; `breaks` names the deviations."""

    def __init__(self, database: Path, secret: str, *, auth: bool, breaks: Iterable[str]):
        self.database = database
        self.secret = secret
        self.auth = auth
        self.breaks = frozenset(breaks)
        with contextlib.closing(self.connect()) as db:
            db.execute(
                "create table items (id integer primary key, name text not null, "
                "description text, quantity integer not null default 0, owner_id integer)"
            )
            if auth or self.breaks & {"users-table-when-off", "register-when-off"}:
                db.execute(
                    "create table users (id integer primary key, email text not null, "
                    "password text not null, active integer not null default 1)"
                )
                db.execute("create table login_failures (email text not null, at real not null)")

    def connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.database, timeout=5, isolation_level=None)

    def broken(self, name: str) -> bool:
        return name in self.breaks

    # -- passwords and tokens --

    def hash_password(self, password: str) -> str:
        if self.broken("plaintext-password"):
            return password
        salt = secrets.token_bytes(16)
        digest = hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000)
        if self.broken("hash-pbkdf2"):
            return f"pbkdf2_sha256$1000${_phc64(salt)}${_phc64(digest)}"
        prefix = "argon2" if self.broken("hasher-name-prefix") else ""
        return f"{prefix}$argon2id$v=19$m=65536,t=3,p=4${_phc64(salt)}${_phc64(digest)}"

    @staticmethod
    def password_matches(stored: str, password: str) -> bool:
        parts = stored.split("$")
        if len(parts) < 3:
            return hmac.compare_digest(stored, password)
        salt, digest = _unphc64(parts[-2]), _unphc64(parts[-1])
        return hmac.compare_digest(
            hashlib.pbkdf2_hmac("sha256", password.encode(), salt, 1000), digest
        )

    def sign(self, claims: dict[str, Any]) -> str:
        head = _b64(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
        body = _b64(json.dumps(claims).encode())
        mac = hmac.new(self.secret.encode(), f"{head}.{body}".encode(), hashlib.sha256)
        return f"{head}.{body}.{_b64(mac.digest())}"

    def user_of(self, db: sqlite3.Connection, authorization: str | None) -> int:
        """The id of the token's user, or Refused(401)."""
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer":
            raise _unauthorized()
        try:
            head_part, body_part, signature = token.split(".")
            head = json.loads(_unb64(head_part))
            claims = json.loads(_unb64(body_part))
        except ValueError:
            raise _unauthorized() from None
        if head.get("alg") != "HS256" and not (
            self.broken("alg-none-accepted") and head.get("alg") == "none"
        ):
            raise _unauthorized()
        if head.get("alg") == "HS256" and not self.broken("signature-unchecked"):
            mac = hmac.new(self.secret.encode(), f"{head_part}.{body_part}".encode(), "sha256")
            if not hmac.compare_digest(_b64(mac.digest()), signature):
                raise _unauthorized()
        required = {"sub", "exp"} if self.broken("claims-optional") else {"sub", "iat", "exp"}
        if not required <= set(claims):
            raise _unauthorized()
        if claims["exp"] < time.time() and not self.broken("expired-accepted"):
            raise _unauthorized()
        found = db.execute(
            "select id from users where id = ? and active", (int(claims["sub"]),)
        ).fetchone()
        if found is None:
            if self.broken("missing-user-accepted"):
                return int(claims["sub"])
            raise _unauthorized()
        return int(found[0])

    # -- accounts --

    def register(self, db: sqlite3.Connection, payload: Any) -> Answer:
        if not isinstance(payload, dict):
            raise Refused(VALIDATION, {"detail": {"body": "an object"}})
        allowed = set(payload) if self.broken("unknown-field-ignored") else {"email", "password"}
        problems = {key: "unknown field" for key in set(payload) - allowed}
        email, password = payload.get("email"), payload.get("password")
        low = 7 if self.broken("short-password-ok") else 8
        high = 10_000 if self.broken("long-password-ok") else 128
        if not isinstance(email, str) or not (
            self.broken("email-unchecked") or (EMAIL.match(email) and 3 <= len(email) <= 254)
        ):
            problems["email"] = "a valid email"
        if not isinstance(password, str) or not low <= len(password) <= high:
            problems["password"] = "8 to 128 characters"  # noqa: S105 - a message
        if problems:
            detail = "invalid" if self.broken("error-unnamed") else problems
            raise Refused(VALIDATION, {"detail": detail})
        assert isinstance(email, str)
        assert isinstance(password, str)
        same = "email = ?" if self.broken("duplicate-case-sensitive") else "lower(email) = lower(?)"
        if db.execute(f"select 1 from users where {same}", (email,)).fetchone():  # noqa: S608
            raise Refused(409, {"detail": "that email is taken"})
        stored = email.lower() if self.broken("email-lowercased") else email
        cursor = db.execute(
            "insert into users (email, password) values (?, ?)",
            (stored, self.hash_password(password)),
        )
        user = {"id": cursor.lastrowid, "email": stored}
        if self.broken("register-echoes-password"):
            user["password"] = password
        return (200 if self.broken("register-200") else 201), user, []

    def token(self, db: sqlite3.Connection, body: bytes, content_type: str) -> Answer:
        if "x-www-form-urlencoded" in content_type and not self.broken("token-json-only"):
            form = {key: values[-1] for key, values in urllib.parse.parse_qs(body.decode()).items()}
        else:
            form = {}
        email, password = form.get("username"), form.get("password")
        if not email or not password:
            raise Refused(VALIDATION, {"detail": {"username": "required", "password": "required"}})
        now = time.time()
        db.execute("delete from login_failures where at < ?", (now - WINDOW,))
        times = [
            at
            for (at,) in db.execute(
                "select at from login_failures where lower(email) = lower(?) order by at", (email,)
            )
        ]
        limit = LIMIT - 1 if self.broken("limit-early") else LIMIT
        if len(times) >= limit and not self.broken("no-rate-limit"):
            wait = max(1, math.ceil(times[0] + WINDOW - now))
            headers = [] if self.broken("no-retry-after") else [("Retry-After", str(wait))]
            raise Refused(429, {"detail": "too many failed attempts"}, headers)
        found = db.execute(
            "select id, password from users where lower(email) = lower(?)", (email,)
        ).fetchone()
        if found is None or not self.password_matches(found[1], password):
            db.execute("insert into login_failures values (?, ?)", (email, now))
            body_of = (
                {"detail": "no such user"} if self.broken("leaky-body") and not found else None
            )
            challenge = [] if self.broken("no-challenge") else [("WWW-Authenticate", "Bearer")]
            raise Refused(401, body_of or {"detail": "wrong email or password"}, challenge)
        if not self.broken("success-keeps-count"):
            db.execute("delete from login_failures where lower(email) = lower(?)", (email,))
        minutes = 60 if self.broken("lifetime-60") else 30
        issued = int(now)
        sub: Any = found[0] if self.broken("sub-int") else str(found[0])
        claims = {"sub": sub, "iat": issued, "exp": issued + minutes * 60}
        token_type = "Bearer" if self.broken("token-type-capital") else "bearer"
        return 200, {"access_token": self.sign(claims), "token_type": token_type}, []

    def me(self, db: sqlite3.Connection, authorization: str | None) -> Answer:
        user_id = self.user_of(db, authorization)
        row = db.execute("select id, email from users where id = ?", (user_id,)).fetchone()
        if row is None and self.broken("missing-user-accepted"):
            row = (user_id, None)
        if row is None:
            raise _unauthorized()
        me = {"id": row[0], "email": row[1]}
        if self.broken("me-extra-field"):
            me["active"] = True
        return 200, me, []

    # -- items --

    def item(self, db: sqlite3.Connection, item_id: int) -> dict[str, Any] | None:
        row = db.execute(
            "select id, name, description, quantity, owner_id from items where id = ?", (item_id,)
        ).fetchone()
        if row is None:
            return None
        item = dict(zip(("id", "name", "description", "quantity", "owner_id"), row, strict=True))
        if not self.auth or self.broken("no-owner-id"):
            del item["owner_id"]
        return item

    def writer(self, db: sqlite3.Connection, authorization: str | None) -> int | None:
        if not self.auth:
            if self.broken("writes-need-token-when-off"):
                raise _unauthorized()
            return None
        return self.user_of(db, authorization)

    def items(
        self, db: sqlite3.Connection, method: str, path: str, payload: Any, auth: Any
    ) -> Answer:
        if path == "/items" and method == "POST":
            open_create = self.broken("create-open") and not auth
            owner = None if open_create else self.writer(db, auth)
            if not isinstance(payload, dict) or not isinstance(payload.get("name"), str):
                raise Refused(VALIDATION, {"detail": {"name": "required"}})
            cursor = db.execute(
                "insert into items (name, owner_id) values (?, ?)", (payload["name"], owner)
            )
            return 201, self.item(db, int(cursor.lastrowid or 0)), []
        match = re.fullmatch(r"/items/(\d+)", path)
        item = self.item(db, int(match.group(1))) if match else None
        if item is None:
            raise Refused(404, {"detail": "not found"})
        if method == "GET":
            return 200, item, []
        user = self.writer(db, auth)
        owner = db.execute("select owner_id from items where id = ?", (item["id"],)).fetchone()[0]
        others_may = self.broken(f"others-can-{method.lower()}")
        if self.auth and owner != user and not others_may:
            raise Refused(403, {"detail": "not your item"})
        if method == "PATCH":
            if isinstance(payload, dict) and isinstance(payload.get("name"), str):
                db.execute("update items set name = ? where id = ?", (payload["name"], item["id"]))
            return 200, self.item(db, item["id"]), []
        db.execute("delete from items where id = ?", (item["id"],))
        return 204, None, []

    def route(self, method: str, path: str, headers: Any, body: bytes) -> Answer:
        payload: Any = None
        content_type = headers.get("Content-Type") or ""
        if body and "json" in content_type:
            try:
                payload = json.loads(body)
            except ValueError:
                return 400, {"detail": "not JSON"}, []
        authorization = headers.get("Authorization")
        with contextlib.closing(self.connect()) as db:
            try:
                accounts = self.auth or self.broken("register-when-off")
                if accounts and (method, path) == ("POST", "/auth/register"):
                    return self.register(db, payload)
                if self.auth and (method, path) == ("POST", "/auth/token"):
                    return self.token(db, body, content_type)
                if self.auth and (method, path) == ("GET", "/users/me"):
                    return self.me(db, authorization)
                if path == "/items" or path.startswith("/items/"):
                    return self.items(db, method, path, payload, authorization)
                return 404, {"detail": "not found"}, []
            except Refused as refused:
                return refused.answer


def _handler(service: Service) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            path = urllib.parse.urlsplit(self.path).path
            status, payload, headers = service.route(self.command, path, self.headers, body)
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = do_DELETE = answer

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextlib.contextmanager
def serving(
    tmp_path: Path, breaks: Iterable[str] = (), *, auth: bool = True
) -> Iterator[accounts_checks.Accounts]:
    secret = secrets.token_urlsafe(32)
    database = tmp_path / "service.sqlite3"
    service = Service(database, secret, auth=auth, breaks=breaks)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(service))
    server.daemon_threads = True
    with in_thread(server) as base:
        target = conformance.Target(
            base=base,
            api_base="",
            schema_path="/openapi.json",
            validation_status=VALIDATION,
            sqlite_files=[database],
        )
        env = {"SECRET_KEY": secret, "LOGIN_FAILURE_LIMIT": str(LIMIT)}
        reader = accounts_checks.SqliteDatabase(lambda: [database])
        yield accounts_checks.Accounts.from_env(target, env, reader)


def test_a_conforming_service_passes_every_check(tmp_path: Path) -> None:
    with serving(tmp_path) as accounts:
        for name, check in accounts_checks.CHECKS.items():
            assert check(accounts), name


def test_a_service_without_accounts_passes_the_auth_off_check(tmp_path: Path) -> None:
    with serving(tmp_path, auth=False) as accounts:
        summary = accounts_checks.check_no_accounts(accounts.target, accounts.database)
    assert "open writes" in summary


def test_a_service_without_accounts_routes_fails_register_once(tmp_path: Path) -> None:
    with (
        serving(tmp_path, auth=False) as accounts,
        pytest.raises(conformance.CheckFailed) as failed,
    ):
        accounts_checks.check_register(accounts)
    assert str(failed.value).startswith("1 problem(s):\n- register: POST /auth/register -> 404")


def test_the_auth_off_check_fails_a_service_with_accounts(tmp_path: Path) -> None:
    with (
        serving(tmp_path) as accounts,
        pytest.raises(conformance.CheckFailed) as failed,
    ):
        accounts_checks.check_no_accounts(accounts.target, accounts.database)
    message = str(failed.value)
    assert "register with auth off" in message
    assert "users table" in message
    assert "create without a token" in message


def test_an_argon2id_hash_prefixed_with_the_hashers_name_is_accepted(tmp_path: Path) -> None:
    with serving(tmp_path, ["hasher-name-prefix"]) as accounts:
        assert "argon2$argon2id$" in accounts_checks.check_password_hash(accounts)


Check = Callable[[accounts_checks.Accounts], str]
C = accounts_checks
BREAKAGES: dict[str, tuple[Check, str]] = {
    # breakage: (the check that must catch it, what its message must say)
    "register-200": (C.check_register, "register with an 8-character password: POST"),
    "register-echoes-password": (C.check_register, "the password is in the answer"),
    "email-lowercased": (C.check_register, "expected it as given"),
    "duplicate-case-sensitive": (C.check_register, "the same email in another case"),
    "email-unchecked": (C.check_register, "register with email 'ann@localhost'"),
    "short-password-ok": (C.check_register, "a 7-character password"),
    "long-password-ok": (C.check_register, "a 129-character password"),
    "unknown-field-ignored": (C.check_register, "register with an unknown field"),
    "error-unnamed": (C.check_register, "the error does not name 'password'"),
    "token-json-only": (C.check_token, "token with the OAuth2 password form"),
    "token-type-capital": (C.check_token, "token_type 'Bearer'"),
    "no-challenge": (C.check_token, "WWW-Authenticate is '', expected Bearer"),
    "leaky-body": (C.check_token, "answer different bodies"),
    "me-extra-field": (C.check_me_and_tokens, "me with the user's token"),
    "sub-int": (C.check_me_and_tokens, "the token's sub is"),
    "lifetime-60": (C.check_me_and_tokens, "the token lives 3600s"),
    "expired-accepted": (C.check_me_and_tokens, "me with an expired token"),
    "signature-unchecked": (C.check_me_and_tokens, "me with a bad signature"),
    "alg-none-accepted": (C.check_me_and_tokens, "me with alg none"),
    "missing-user-accepted": (C.check_me_and_tokens, "a token for a missing user"),
    "claims-optional": (C.check_me_and_tokens, "a token without iat"),
    "create-open": (C.check_item_ownership, "create an item without a token"),
    "no-owner-id": (C.check_item_ownership, "owner_id None"),
    "others-can-patch": (C.check_item_ownership, "PATCH another user's item"),
    "others-can-delete": (C.check_item_ownership, "DELETE another user's item"),
    "no-rate-limit": (C.check_login_failures, f"the right password after {LIMIT} failures"),
    "no-retry-after": (C.check_login_failures, "Retry-After '' is not a number"),
    "limit-early": (C.check_login_failures, f"wrong password {LIMIT} of {LIMIT}"),
    "success-keeps-count": (C.check_login_failures, "(round 2)"),
    "hash-pbkdf2": (C.check_password_hash, "not an Argon2id hash"),
    "plaintext-password": (C.check_password_hash, "holds the password in clear"),
}


@pytest.mark.parametrize("breakage", sorted(BREAKAGES))
def test_each_breakage_is_caught_by_its_check(tmp_path: Path, breakage: str) -> None:
    check, expected = BREAKAGES[breakage]
    with (
        serving(tmp_path, [breakage]) as accounts,
        pytest.raises(conformance.CheckFailed) as failed,
    ):
        check(accounts)
    assert expected in str(failed.value), str(failed.value)


@pytest.mark.parametrize(
    ("breakage", "expected"),
    [
        ("users-table-when-off", "a users table exists with auth off"),
        ("register-when-off", "register with auth off"),
        ("writes-need-token-when-off", "create without a token"),
    ],
)
def test_each_auth_off_breakage_is_caught(tmp_path: Path, breakage: str, expected: str) -> None:
    with (
        serving(tmp_path, [breakage], auth=False) as accounts,
        pytest.raises(conformance.CheckFailed) as failed,
    ):
        accounts_checks.check_no_accounts(accounts.target, accounts.database)
    assert expected in str(failed.value), str(failed.value)


def test_a_hand_made_token_is_what_pyjwt_would_make() -> None:
    """HS256 over base64url(header).base64url(claims), without padding (RFC 7515)."""
    token = accounts_checks.make_jwt("key", {"sub": "1"})
    head, body, signature = token.split(".")
    assert json.loads(_unb64(head)) == {"alg": "HS256", "typ": "JWT"}
    assert json.loads(_unb64(body)) == {"sub": "1"}
    expected = hmac.new(b"key", f"{head}.{body}".encode(), hashlib.sha256).digest()
    assert _unb64(signature) == expected
    assert "=" not in token
    assert accounts_checks.read_jwt(token) == ({"alg": "HS256", "typ": "JWT"}, {"sub": "1"})
    assert accounts_checks.make_jwt("key", {"sub": "1"}, alg="none").endswith(".")


def test_the_postgresql_reader_finds_a_users_row(postgres_url: str) -> None:
    database = accounts_checks.PostgresDatabase(postgres_url)
    stored = "$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA"
    database.psql(
        "create table users (id bigint primary key, email text, password text);"  # noqa: S608
        f"insert into users values (1, 'Ann@Example.com', '{stored}')"
    )
    assert "users" in database.tables()
    assert database.rows_containing("users", "ann@example.com") == [
        {"id": 1, "email": "Ann@Example.com", "password": stored}
    ]
    assert database.rows_containing("users", "bob@example.com") == []


def test_the_conformance_checks_send_the_targets_bearer_token_with_writes(tmp_path: Path) -> None:
    with serving(tmp_path) as accounts:
        target = accounts.target
        session = conformance.Session(target)
        writer = accounts_checks.new_user(session, "writer")
        assert writer is not None
        assert writer.token is not None
        target.authorization = f"Bearer {writer.token}"
        target.accounts = True
        created = session.send("POST", target.items(), {"name": "written"})
        assert created.status == 201, created
        assert set(created.json()) == target.item_keys == conformance.ITEM_KEYS | {"owner_id"}
        assert session.send("POST", target.items(), {"name": "x"}, auth=False).status == 401
        assert session.send("GET", target.items(f"/{created.json()['id']}")).status == 200
