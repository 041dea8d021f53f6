"""The accounts contract (docs/accounts-contract.md) against a running production server.

Each check takes an `Accounts` (the server as a conformance `Target`, the SECRET_KEY it
was started with, and a way to read its database), talks plain HTTP to it through
tests/conformance.py's client, and returns a one-line summary or raises `CheckFailed`
listing every problem it found. Each check registers the users it needs, so any one of
them can run alone. The module knows no framework by name: paths come from `api_base`,
the validation status from the registry.

- `check_register`: 201 with `{"id", "email"}`, 409 for the same email in another case,
  the validation status naming the field for each malformed request.
- `check_token`: the OAuth2 password form; 401 with `WWW-Authenticate: Bearer` and the
  same body for a wrong password and an unknown email.
- `check_me_and_tokens`: me; the issued token's claims; tokens re-signed with the
  project's SECRET_KEY, accepted as issued and refused once expired; a bad signature,
  `alg: none`, a missing user and no token refused.
- `check_item_ownership`: creating needs a token and records `owner_id`; another user's
  PATCH and DELETE answer 403, the owner's work.
- `check_login_failures`: 429 with `Retry-After` after LOGIN_FAILURE_LIMIT failures for
  one email; a successful token request clears the count.
- `check_password_hash`: the stored password is an Argon2id hash, read from the database.
- `check_no_accounts`: with `auth` off, no accounts routes, no `users` table, open writes.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
import subprocess
import time
import urllib.parse
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

import postgres
from conformance import CheckFailed, Reply, Session, Target

DEFAULT_FAILURE_LIMIT = 5
DEFAULT_FAILURE_WINDOW = 900
DEFAULT_TOKEN_MINUTES = 30
USER_KEYS = {"id", "email"}
FORM = {"Content-Type": "application/x-www-form-urlencoded"}
# An Argon2id hash in the PHC string format, which a framework's hasher may prefix with its
# own name (`argon2$argon2id$...`).
ARGON2ID = re.compile(
    r"^(argon2)?\$argon2id\$v=\d+\$m=\d+,t=\d+,p=\d+\$[A-Za-z0-9+/]+\$[A-Za-z0-9+/]+$"
)
# Lifetimes may differ by the second that passes between `iat` and `exp` being taken.
LIFETIME_SLACK = 5


# --- the database -------------------------------------------------------------------------


class Database(Protocol):
    """Read access to the service's database, whatever the engine: its table names, and the
    rows of a table that contain a text, as column -> value."""

    def tables(self) -> list[str]: ...

    def rows_containing(self, table: str, text: str) -> list[dict[str, Any]]: ...


@dataclass
class SqliteDatabase:
    """The SQLite files of a project (found when read: the server may create them late)."""

    files: Callable[[], list[Path]]

    def _each(self) -> list[tuple[Path, list[str]]]:
        found = []
        for file in self.files():
            with (
                contextlib.suppress(sqlite3.Error),
                contextlib.closing(sqlite3.connect(file, timeout=5)) as db,
            ):
                names = [
                    row[0]
                    for row in db.execute("select name from sqlite_master where type = 'table'")
                ]
                found.append((file, names))
        return found

    def tables(self) -> list[str]:
        return [name for _, names in self._each() for name in names]

    def rows_containing(self, table: str, text: str) -> list[dict[str, Any]]:
        rows: list[dict[str, Any]] = []
        for file, names in self._each():
            if table not in names:
                continue
            with contextlib.closing(sqlite3.connect(file, timeout=5)) as db:
                cursor = db.execute(f'select * from "{table}"')  # noqa: S608 - a name it listed
                columns = [d[0] for d in cursor.description]
                for values in cursor:
                    row = dict(zip(columns, values, strict=True))
                    if any(text.lower() in str(value).lower() for value in values):
                        rows.append(row)
        return rows


@dataclass
class PostgresDatabase:
    """A PostgreSQL database, read with the `psql` next to the suite's server binaries."""

    url: str

    def psql(self, sql: str) -> list[str]:
        bin_dir = postgres.postgres_binaries()
        psql = bin_dir / "psql" if bin_dir is not None else Path("psql")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
        env["PGCONNECT_TIMEOUT"] = "10"
        result = subprocess.run(
            [str(psql), "--no-psqlrc", "--no-align", "--tuples-only",
             "--set", "ON_ERROR_STOP=1", "--dbname", self.url, "--command", sql],
            env=env, capture_output=True, text=True, timeout=60, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            raise CheckFailed(f"psql could not read the database: {result.stderr.strip()}")
        return [line for line in result.stdout.splitlines() if line.strip()]

    def tables(self) -> list[str]:
        return self.psql(
            "select table_name from information_schema.tables "
            "where table_schema = current_schema() and table_type = 'BASE TABLE'"
        )

    def rows_containing(self, table: str, text: str) -> list[dict[str, Any]]:
        quoted = '"' + table.replace('"', '""') + '"'
        pattern = "%" + re.sub(r"[^A-Za-z0-9@.+_-]", "", text) + "%"
        lines = self.psql(
            f"select row_to_json(t)::text from {quoted} t "  # noqa: S608 - a listed name
            f"where row_to_json(t)::text ilike '{pattern}'"
        )
        return [json.loads(line) for line in lines]


# --- the service under check --------------------------------------------------------------


@dataclass
class Accounts:
    """A running service with accounts, and what the checks need to know about it."""

    target: Target
    secret_key: str
    database: Database
    failure_limit: int = DEFAULT_FAILURE_LIMIT
    failure_window: int = DEFAULT_FAILURE_WINDOW
    token_minutes: int = DEFAULT_TOKEN_MINUTES

    def path(self, suffix: str) -> str:
        return f"{self.target.api_base}{suffix}"

    @classmethod
    def from_env(cls, target: Target, env: Mapping[str, str], database: Database) -> Accounts:
        """The limits the production server was started with (the contract's defaults
        where its environment does not set them)."""

        def number(key: str, default: int) -> int:
            with contextlib.suppress(ValueError):
                return int(env.get(key, default))
            return default

        return cls(
            target,
            env["SECRET_KEY"],
            database,
            failure_limit=number("LOGIN_FAILURE_LIMIT", DEFAULT_FAILURE_LIMIT),
            failure_window=number("LOGIN_FAILURE_WINDOW_SECONDS", DEFAULT_FAILURE_WINDOW),
            token_minutes=number("ACCESS_TOKEN_EXPIRE_MINUTES", DEFAULT_TOKEN_MINUTES),
        )


@dataclass
class User:
    email: str
    password: str
    id: int | None = None
    token: str | None = None


def fresh_email(label: str) -> str:
    """A new address with capitals in it, so a case-folding bug shows."""
    return f"{label.capitalize()}.{secrets.token_hex(4)}@Example.com"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def register(session: Session, user: User) -> Reply:
    payload = {"email": user.email, "password": user.password}
    path = f"{session.target.api_base}/auth/register"
    reply = session.send("POST", path, payload, auth=False)
    body = reply.json()
    if reply.status == 201 and isinstance(body, dict) and _is_int(body.get("id")):
        user.id = body["id"]
    return reply


def token_request(session: Session, email: str, password: str) -> Reply:
    """The OAuth2 password form: `username` is the email."""
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    path = f"{session.target.api_base}/auth/token"
    return session.send("POST", path, raw=form, headers=FORM, auth=False)


def sign_in(session: Session, user: User) -> str | None:
    """The user's token, or None (the problem noted)."""
    reply = token_request(session, user.email, user.password)
    body = reply.json()
    if not session.expect(reply, 200, "a token for the right email and password"):
        return None
    if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
        session.note(f"{reply}: no access_token string")
        return None
    user.token = body["access_token"]
    return user.token


def new_user(session: Session, label: str) -> User | None:
    """A registered user with a token, or None (the problem noted)."""
    user = User(fresh_email(label), secrets.token_urlsafe(12))
    reply = register(session, user)
    if not session.expect(reply, 201, f"register {label}") or user.id is None:
        return None
    return user if sign_in(session, user) else None


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def expect_bearer_401(session: Session, reply: Reply, why: str) -> None:
    """401 with a `WWW-Authenticate: Bearer` challenge."""
    if session.expect(reply, 401, why):
        challenge = reply.header("WWW-Authenticate") or ""
        if not challenge.lower().startswith("bearer"):
            session.note(f"{why}: {reply}: WWW-Authenticate is {challenge!r}, expected Bearer")


def _invalid(session: Session, accounts: Accounts, payload: Any, field_name: str, why: str) -> None:
    reply = session.send("POST", accounts.path("/auth/register"), payload, auth=False)
    if session.expect(reply, accounts.target.validation_status, why) and (
        field_name.encode() not in reply.body
    ):
        session.note(f"{why}: {reply}: the error does not name {field_name!r}")


# --- register -----------------------------------------------------------------------------


def check_register(accounts: Accounts) -> str:
    session = Session(accounts.target)
    user = User(fresh_email("ann"), "p" * 8)  # the shortest password allowed
    reply = register(session, user)
    if reply.status == 404:  # no accounts routes: the rest would say the same again
        session.expect(reply, 201, "register")
        return session.finish("")
    if session.expect(reply, 201, "register with an 8-character password"):
        body = reply.json()
        if not isinstance(body, dict) or set(body) != USER_KEYS:
            fields = sorted(body) if isinstance(body, dict) else body
            session.note(f"{reply}: fields {fields}, expected {sorted(USER_KEYS)}")
        elif body["email"] != user.email:
            session.note(f"{reply}: email {body['email']!r}, expected it as given {user.email!r}")
        if user.id is None or not 1 <= user.id < 2**63:
            session.note(f"{reply}: id is not a positive 64-bit integer")
        if user.password.encode() in reply.body:
            session.note(f"{reply}: the password is in the answer")
    for other in (user.email.lower(), user.email.upper()):
        again = session.send(
            "POST",
            accounts.path("/auth/register"),
            {"email": other, "password": "q" * 12},
            auth=False,
        )
        session.expect(again, 409, f"register {other!r}, the same email in another case")
    longest = User(fresh_email("bo"), "l" * 128)
    session.expect(register(session, longest), 201, "a 128-character password")

    email = fresh_email("cy")
    for bad_email in ("not-an-email", "ann@localhost", "@example.com", "ann@", "a@b@c.io"):
        _invalid(
            session,
            accounts,
            {"email": bad_email, "password": "secret-enough"},
            "email",
            f"register with email {bad_email!r}",
        )
    too_long = "x" * 245 + "@example.io"  # 256 characters
    _invalid(session, accounts, {"email": too_long, "password": "secret-enough"}, "email",
             "register with a 256-character email")  # fmt: skip
    for password, what in (("p" * 7, "a 7-character"), ("p" * 129, "a 129-character")):
        _invalid(session, accounts, {"email": email, "password": password}, "password",
                 f"register with {what} password")  # fmt: skip
    _invalid(session, accounts, {"email": email}, "password", "register without a password")
    _invalid(session, accounts, {"password": "secret-enough"}, "email",
             "register without an email")  # fmt: skip
    _invalid(session, accounts, {"email": email, "password": "secret-enough", "nickname": "c"},
             "nickname", "register with an unknown field")  # fmt: skip
    return session.finish("201 with id and email, 409 in another case, each bad field named")


# --- token --------------------------------------------------------------------------------


def check_token(accounts: Accounts) -> str:
    session = Session(accounts.target)
    user = User(fresh_email("dee"), secrets.token_urlsafe(12))
    if not session.expect(register(session, user), 201, "register"):
        return session.finish("")
    reply = token_request(session, user.email, user.password)
    if session.expect(reply, 200, "token with the OAuth2 password form"):
        body = reply.json()
        if not isinstance(body, dict) or not isinstance(body.get("access_token"), str):
            session.note(f"{reply}: no access_token string")
        elif body.get("token_type") != "bearer":
            session.note(f"{reply}: token_type {body.get('token_type')!r}, expected 'bearer'")
    wrong = token_request(session, user.email, user.password + "x")
    expect_bearer_401(session, wrong, "token with a wrong password")
    unknown = token_request(session, fresh_email("nobody"), user.password)
    expect_bearer_401(session, unknown, "token for an unknown email")
    if wrong.status == unknown.status == 401 and (
        (wrong.json(), wrong.body if wrong.json() is None else b"")
        != (unknown.json(), unknown.body if unknown.json() is None else b"")
    ):
        session.note(
            f"a wrong password and an unknown email answer different bodies: "
            f"{wrong.body[:200]!r} and {unknown.body[:200]!r}"
        )
    return session.finish("form token, 401 Bearer with one body for both failures")


# --- me and tokens --------------------------------------------------------------------------


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _b64url_decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def make_jwt(secret: str, claims: Mapping[str, Any], *, alg: str = "HS256") -> str:
    """A JWT signed with HS256 (or unsigned, for `alg: none`), made by hand."""
    header = _b64url(json.dumps({"alg": alg, "typ": "JWT"}).encode())
    payload = _b64url(json.dumps(dict(claims)).encode())
    signing_input = f"{header}.{payload}"
    if alg == "none":
        return f"{signing_input}."
    signature = hmac.new(secret.encode(), signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{_b64url(signature)}"


def read_jwt(token: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
    """A JWT's header and claims, unverified; None if it is not one."""
    parts = token.split(".")
    if len(parts) != 3:
        return None
    try:
        header, claims = (json.loads(_b64url_decode(part)) for part in parts[:2])
    except ValueError:
        return None
    if not isinstance(header, dict) or not isinstance(claims, dict):
        return None
    return header, claims


def check_me_and_tokens(accounts: Accounts) -> str:
    session = Session(accounts.target)
    me = accounts.path("/users/me")
    user = new_user(session, "eve")
    if user is None or user.token is None:
        return session.finish("")
    reply = session.send("GET", me, headers=bearer(user.token))
    if session.expect(reply, 200, "me with the user's token") and reply.json() != {
        "id": user.id,
        "email": user.email,
    }:
        session.note(
            f"me with the user's token: {reply}: expected {{'id': {user.id}, "
            f"'email': {user.email!r}}}"
        )

    read = read_jwt(user.token)
    claims: dict[str, Any] = {}
    if read is None:
        session.note(f"the token is not a JWT: {user.token[:60]!r}")
    else:
        header, claims = read
        if header.get("alg") != "HS256":
            session.note(f"the token's alg is {header.get('alg')!r}, expected HS256")
        if claims.get("sub") != str(user.id):
            session.note(f"the token's sub is {claims.get('sub')!r}, expected {str(user.id)!r}")
        if not (_is_int(claims.get("iat")) and _is_int(claims.get("exp"))):
            session.note(f"the token's iat/exp are not integers: {claims}")
        elif abs(claims["exp"] - claims["iat"] - accounts.token_minutes * 60) > LIFETIME_SLACK:
            session.note(
                f"the token lives {claims['exp'] - claims['iat']}s, expected "
                f"{accounts.token_minutes} minutes"
            )

    def refused(token: str | None, why: str) -> None:
        headers = bearer(token) if token is not None else {}
        expect_bearer_401(session, session.send("GET", me, headers=headers), why)

    refused(None, "me without a token")
    refused("not-a-token", "me with a malformed token")
    if claims:
        now = int(time.time())
        # The issued claims re-signed with SECRET_KEY: accepted, so the refusals below
        # differ from an accepted token only in what they name.
        resigned = make_jwt(accounts.secret_key, claims)
        reply = session.send("GET", me, headers=bearer(resigned))
        if not session.expect(reply, 200, "me with the issued claims re-signed with SECRET_KEY"):
            session.note("(SECRET_KEY as given to the server, HS256, the token's own claims)")
        expired = {**claims, "iat": now - 7200, "exp": now - 3600}
        refused(make_jwt(accounts.secret_key, expired), "me with an expired token")
        refused(make_jwt("another-" + accounts.secret_key, claims), "me with a bad signature")
        refused(make_jwt(accounts.secret_key, claims, alg="none"), "me with alg none")
        missing = {**claims, "sub": str(2**62 + secrets.randbelow(2**30))}
        refused(make_jwt(accounts.secret_key, missing), "me with a token for a missing user")
        for claim in ("sub", "exp", "iat"):
            without = {key: value for key, value in claims.items() if key != claim}
            refused(make_jwt(accounts.secret_key, without), f"me with a token without {claim}")
    return session.finish("me; expired, forged, unsigned and userless tokens refused")


# --- items with owners ------------------------------------------------------------------------


def check_item_ownership(accounts: Accounts) -> str:
    session = Session(accounts.target)
    items = accounts.target.items()
    anonymous = session.send("POST", items, {"name": "anonymous"}, auth=False)
    expect_bearer_401(session, anonymous, "create an item without a token")
    owner = new_user(session, "olga")
    other = new_user(session, "pat")
    if owner is None or other is None or owner.token is None or other.token is None:
        return session.finish("")
    created = session.send("POST", items, {"name": "owned"}, headers=bearer(owner.token))
    if not session.expect(created, 201, "create an item with a token"):
        return session.finish("")
    item = created.json()
    if not isinstance(item, dict) or not _is_int(item.get("id")):
        session.note(f"{created}: no item id")
        return session.finish("")
    if item.get("owner_id") != owner.id or not _is_int(item.get("owner_id")):
        session.note(f"{created}: owner_id {item.get('owner_id')!r}, expected {owner.id}")
    path = accounts.target.items(f"/{item['id']}")
    read = session.send("GET", path, auth=False)
    if session.expect(read, 200, "read an item without a token") and (
        isinstance(read.json(), dict) and read.json().get("owner_id") != owner.id
    ):
        session.note(f"{read}: owner_id is not {owner.id}")
    for method, payload in (("PATCH", {"name": "taken"}), ("DELETE", None)):
        expect_bearer_401(
            session,
            session.send(method, path, payload, auth=False),
            f"{method} an item without a token",
        )
        session.expect(
            session.send(method, path, payload, headers=bearer(other.token)),
            403,
            f"{method} another user's item",
        )
    kept = session.send("GET", path, auth=False)
    if session.expect(kept, 200, "the item after the refused writes") and (
        isinstance(kept.json(), dict) and kept.json().get("name") != "owned"
    ):
        session.note(f"{kept}: another user's PATCH changed the item")
    changed = session.send("PATCH", path, {"name": "renamed"}, headers=bearer(owner.token))
    session.expect(changed, 200, "the owner's PATCH")
    deleted = session.send("DELETE", path, headers=bearer(owner.token))
    session.expect(deleted, 204, "the owner's DELETE")
    return session.finish("writes need a token, owner_id recorded, others get 403")


# --- repeated failures ------------------------------------------------------------------------


def check_login_failures(accounts: Accounts) -> str:
    session = Session(accounts.target)
    limit = accounts.failure_limit
    user = User(fresh_email("quinn"), secrets.token_urlsafe(12))
    if not session.expect(register(session, user), 201, "register"):
        return session.finish("")
    for attempt in range(1, limit + 1):
        failed = token_request(session, user.email, "wrong-" + user.password)
        expect_bearer_401(session, failed, f"wrong password {attempt} of {limit}")
    blocked = token_request(session, user.email, user.password)
    retry = blocked.header("Retry-After") or ""
    if session.expect(blocked, 429, f"the right password after {limit} failures"):
        if not retry.isdigit():
            session.note(f"{blocked}: Retry-After {retry!r} is not a number of seconds")
        elif not 1 <= int(retry) <= accounts.failure_window:
            session.note(f"{blocked}: Retry-After {retry} is outside 1..{accounts.failure_window}")
    again = token_request(session, user.email, "wrong-" + user.password)
    session.expect(again, 429, "a wrong password while blocked")

    # A success clears the count: twice just under the limit, a success between.
    cleared = User(fresh_email("rex"), secrets.token_urlsafe(12))
    if limit > 1 and session.expect(register(session, cleared), 201, "register"):
        for round_ in (1, 2):
            for _ in range(limit - 1):
                token_request(session, cleared.email, "wrong-" + cleared.password)
            ok = token_request(session, cleared.email, cleared.password)
            session.expect(
                ok, 200, f"the right password after {limit - 1} failures (round {round_})"
            )
    return session.finish(f"429 with Retry-After {retry or '?'}s after {limit} failures")


# --- the stored password ---------------------------------------------------------------------


def check_password_hash(accounts: Accounts) -> str:
    session = Session(accounts.target)
    user = User(fresh_email("sam"), secrets.token_urlsafe(12))
    if not session.expect(register(session, user), 201, "register"):
        return session.finish("")
    found = [
        (table, row)
        for table in accounts.database.tables()
        for row in accounts.database.rows_containing(table, user.email)
    ]
    if not found:
        session.note(f"no row in the database holds {user.email!r}")
    hashes = []
    for table, row in found:
        for column, value in row.items():
            if isinstance(value, str) and user.password in value:
                session.note(f"{table}.{column} holds the password in clear")
            if isinstance(value, str) and value.startswith(("$", "argon2", "pbkdf2", "bcrypt")):
                hashes.append(f"{table}.{column}: {value[:40]}")
                if not ARGON2ID.match(value):
                    session.note(
                        f"{table}.{column} holds {value[:40]!r}..., not an Argon2id hash "
                        "($argon2id$v=..$m=..,t=..,p=..$salt$hash)"
                    )
    if found and not hashes:
        session.note(f"no password hash next to {user.email!r} in {[t for t, _ in found]}")
    return session.finish("; ".join(hashes))


# --- auth off ---------------------------------------------------------------------------------


def check_no_accounts(target: Target, database: Database) -> str:
    session = Session(target)
    register_path = f"{target.api_base}/auth/register"
    payload = {"email": fresh_email("una"), "password": "secret-enough"}
    reply = session.send("POST", register_path, payload, auth=False)
    session.expect(reply, {404, 405}, "register with auth off")
    tables = database.tables()
    if any(name.lower() == "users" for name in tables):
        session.note(f"a users table exists with auth off: {sorted(tables)}")
    items = target.items()
    created = session.send("POST", items, {"name": "open"}, auth=False)
    item = created.json()
    if session.expect(created, 201, "create without a token") and isinstance(item, dict):
        if "owner_id" in item:
            session.note(f"{created}: owner_id with auth off")
        path = target.items(f"/{item.get('id')}")
        patched = session.send("PATCH", path, {"quantity": 2}, auth=False)
        session.expect(patched, 200, "PATCH without a token")
        deleted = session.send("DELETE", path, auth=False)
        session.expect(deleted, 204, "DELETE without a token")
    return session.finish(f"no accounts routes, no users table among {len(tables)}, open writes")


# The contract suite's steps for `auth=true`, in order; NO_ACCOUNTS_STEP is for `auth=false`.
CHECKS: dict[str, Callable[[Accounts], str]] = {
    "accounts: register": check_register,
    "accounts: token": check_token,
    "accounts: me and tokens": check_me_and_tokens,
    "accounts: item ownership": check_item_ownership,
    "accounts: repeated failures answer 429": check_login_failures,
    "accounts: password stored as Argon2id": check_password_hash,
}
NO_ACCOUNTS_STEP = "accounts: none when auth is off"
STEP_NAMES = (*CHECKS, NO_ACCOUNTS_STEP)
