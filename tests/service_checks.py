"""Contract steps for a template's further servers (`Template.more_services`), and, for a
pairing, the end-to-end checks that the servers share one user base and one database.

A second server is an entry in the registry, not a special case: each gets the steps
`<name>: serve`, `<name>: hello` and `<name>: docs`, run while the main server is up.
"""

from __future__ import annotations

import http.cookies
import json
import re
import secrets
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from generator.catalog import Service, Template

SERVICE_STEPS = ("serve", "hello", "docs")
SHARED_USERS_STEP = "a token from the main server works on every service"
SHARED_ITEMS_STEP = "items are shared between the services and the admin"
HTTP_TIMEOUT = 20.0


class CheckFailed(Exception):
    """The servers do not share what they should."""


def step_names(template: Template) -> tuple[str, ...]:
    """The steps a template's further servers add, in the order they run."""
    names = [
        f"{service.name}: {step}" for service in template.more_services for step in SERVICE_STEPS
    ]
    if template.more_services:
        names += [SHARED_USERS_STEP, SHARED_ITEMS_STEP]
    return tuple(names)


@dataclass
class Answer:
    status: int
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        try:
            return json.loads(self.body)
        except ValueError:
            raise CheckFailed(f"not JSON ({self.status}): {self.body[:300]!r}") from None


_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def call(
    url: str,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
) -> Answer:
    request = urllib.request.Request(url, data=body, headers=dict(headers or {}), method=method)  # noqa: S310 - loopback
    try:
        with _OPENER.open(request, timeout=HTTP_TIMEOUT) as response:
            return Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        return Answer(error.code, dict(error.headers.items()), error.read())


def call_json(url: str, payload: Any, token: str | None = None, method: str = "POST") -> Answer:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    return call(url, method, json.dumps(payload).encode(), headers)


def check_hello(service: Service, base: str) -> str:
    answer = call(base + service.hello_path)
    if answer.status != 200 or answer.json() != service.hello_json:
        raise CheckFailed(f"GET {service.hello_path}: {answer.status} {answer.body[:300]!r}")
    return json.dumps(service.hello_json)


def check_docs(service: Service, base: str) -> str:
    answer = call(base + service.docs_path)
    if answer.status != 200:
        raise CheckFailed(f"GET {service.docs_path}: {answer.status} {answer.body[:300]!r}")
    return f"GET {service.docs_path}: 200, {len(answer.body)} bytes"


@dataclass
class Pair:
    """The main server and one further service of a pairing, both running."""

    main: str
    main_api: str
    service: str
    service_api: str

    def register(self, label: str) -> tuple[int, str, str]:
        """A user registered with the main server: (id, email, token)."""
        email = f"{label}-{secrets.token_hex(4)}@example.com"
        password = secrets.token_urlsafe(12)
        made = call_json(
            f"{self.main}{self.main_api}/auth/register", {"email": email, "password": password}
        )
        if made.status != 201:
            raise CheckFailed(f"register: {made.status} {made.body[:300]!r}")
        form = urllib.parse.urlencode({"username": email, "password": password}).encode()
        issued = call(
            f"{self.main}{self.main_api}/auth/token",
            "POST",
            form,
            {"Content-Type": "application/x-www-form-urlencoded"},
        )
        if issued.status != 200:
            raise CheckFailed(f"token: {issued.status} {issued.body[:300]!r}")
        return int(made.json()["id"]), email, str(issued.json()["access_token"])


def check_shared_users(pair: Pair) -> str:
    user_id, email, token = pair.register("shared")
    me = call(
        f"{pair.service}{pair.service_api}/users/me", headers={"Authorization": f"Bearer {token}"}
    )
    if me.status != 200 or me.json().get("id") != user_id:
        raise CheckFailed(
            f"service /users/me with a token of the main server: {me.status} {me.body[:300]!r}"
        )
    forged = call(
        f"{pair.service}{pair.service_api}/users/me", headers={"Authorization": f"Bearer {token}x"}
    )
    if forged.status != 401:
        raise CheckFailed(f"service /users/me with a tampered token: {forged.status}, expected 401")
    return f"{email} (id {user_id}) registered with the main server is the service's /users/me"


def admin_changelist(base: str, email: str, password: str, path: str) -> str:
    """Logs in to the main server's admin over HTTP as a staff user and returns `path`'s page."""
    jar: dict[str, str] = {}

    def remember(answer: Answer) -> None:
        for name, value in answer.headers.items():
            if name.lower() == "set-cookie":
                cookie = http.cookies.SimpleCookie(value)
                jar.update({key: morsel.value for key, morsel in cookie.items()})

    def cookies() -> dict[str, str]:
        return {"Cookie": "; ".join(f"{key}={value}" for key, value in jar.items())}

    login = call(base + "/admin/login/")
    remember(login)
    found = re.search(rb'name="csrfmiddlewaretoken" value="([^"]+)"', login.body)
    if login.status != 200 or found is None:
        raise CheckFailed(f"GET /admin/login/: {login.status}, no CSRF token in the form")
    form = urllib.parse.urlencode(
        {
            "csrfmiddlewaretoken": found.group(1).decode(),
            "username": email,
            "password": password,
            "next": path,
        }
    ).encode()
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), _NoRedirect())
    request = urllib.request.Request(  # noqa: S310 - loopback
        base + "/admin/login/",
        data=form,
        headers={**cookies(), "Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    try:
        with opener.open(request, timeout=HTTP_TIMEOUT) as response:
            posted = Answer(response.status, dict(response.headers.items()), response.read())
    except urllib.error.HTTPError as error:
        posted = Answer(error.code, dict(error.headers.items()), error.read())
    remember(posted)
    if posted.status != 302 or "sessionid" not in jar:
        raise CheckFailed(f"POST /admin/login/: {posted.status}, not logged in")
    page = call(base + path, headers=cookies())
    if page.status != 200:
        raise CheckFailed(f"GET {path}: {page.status}")
    return page.body.decode(errors="replace")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def check_shared_items(
    pair: Pair, make_staff: Callable[[str, str], None], changelist_path: str
) -> str:
    _, _, token = pair.register("items")
    name = f"from-main-{secrets.token_hex(3)}"
    made = call_json(f"{pair.main}{pair.main_api}/items", {"name": name}, token)
    if made.status != 201:
        raise CheckFailed(f"main POST /items: {made.status} {made.body[:300]!r}")
    item_id = made.json()["id"]
    read = call(f"{pair.service}{pair.service_api}/items/{item_id}")
    if read.status != 200 or read.json().get("name") != name:
        raise CheckFailed(f"service GET /items/{item_id}: {read.status} {read.body[:300]!r}")
    name = f"from-service-{secrets.token_hex(3)}"
    made = call_json(f"{pair.service}{pair.service_api}/items", {"name": name}, token)
    if made.status != 201:
        raise CheckFailed(f"service POST /items: {made.status} {made.body[:300]!r}")
    staff_email = f"staff-{secrets.token_hex(4)}@example.com"
    staff_password = secrets.token_urlsafe(12)
    make_staff(staff_email, staff_password)
    page = admin_changelist(pair.main, staff_email, staff_password, changelist_path)
    if name not in page:
        raise CheckFailed(f"{name!r}, made by the service, is not in the admin's {changelist_path}")
    return (
        f"item {item_id} made through the main server read by the service; {name!r} made by the "
        f"service listed in the admin's {changelist_path}"
    )
