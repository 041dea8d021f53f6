"""Bearer tokens: what verifying a token on each request costs a generated project.

One production server (the catalog's `serve` command, in a project generated with
accounts, `auth=true`) answers the items list to wrk in alternating rounds: anonymous
requests, then the same requests with `Authorization: Bearer <token>` of a user registered
over HTTP. The ratio of requests per second is taken per round (with a token / without),
then the median of those ratios. Reading the list is open, so both answer 200 with the
same page; a forged token on the same request must answer 401, which shows the server
does read the token there (otherwise the ratio would measure nothing).
"""

from __future__ import annotations

import contextlib
import json
import secrets
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import green
import served
import yaml
from common import BenchError, Context, Row, Section, set_aside

GOAL = 0.8  # requests with a token at least 0.8x the anonymous ones
ITEMS_ON_THE_PAGE = 20  # the list's default page, full
HTTP_TIMEOUT = 30.0
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def run(ctx: Context) -> Section:
    section = Section("bearer tokens")
    if ctx.tools.wrk is None:
        section.error = served.WRK_MISSING
        return section
    duration, rounds = (2, 3) if ctx.quick else (2, 6)
    section.data["settings"] = {
        "duration_s": duration,
        "rounds": rounds,
        "connections": served.CONNECTIONS,
        "threads": 1,
    }
    for framework in ctx.frameworks:
        try:
            section.data[framework] = _framework(ctx, framework, duration, rounds, section)
        except BenchError as error:
            section.rows.append(
                Row("items with a token", framework, "failed", "", None, f">= {GOAL}x", False,
                    str(error))
            )  # fmt: skip
    return section


def _post(url: str, body: bytes, content_type: str, token: str = "") -> tuple[int, bytes]:
    headers = {"Content-Type": content_type, "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")  # noqa: S310 - loopback
    try:
        with _OPENER.open(request, timeout=HTTP_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _get(url: str, token: str = "") -> tuple[int, bytes]:
    headers = {"Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - loopback
    try:
        with _OPENER.open(request, timeout=HTTP_TIMEOUT) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def sign_up(base: str) -> str:
    """Register a new user over HTTP and return its access token."""
    email = f"bench.{secrets.token_hex(4)}@example.com"
    password = secrets.token_urlsafe(12)
    body = json.dumps({"email": email, "password": password}).encode()
    status, answer = _post(f"{base}/auth/register", body, "application/json")
    if status != 201:
        raise BenchError(f"POST {base}/auth/register answered {status} {answer[:200]!r}")
    form = urllib.parse.urlencode({"username": email, "password": password}).encode()
    status, answer = _post(f"{base}/auth/token", form, "application/x-www-form-urlencoded")
    token = _json(answer).get("access_token") if status == 200 else None
    if not isinstance(token, str):
        raise BenchError(f"POST {base}/auth/token answered {status} {answer[:200]!r}")
    return token


def _json(body: bytes) -> dict[str, object]:
    with contextlib.suppress(ValueError):
        value = json.loads(body)
        if isinstance(value, dict):
            return value
    return {}


def has_accounts(project: Path) -> bool:
    answers = yaml.safe_load((project / ".copier-answers.yml").read_text(encoding="utf-8"))
    return bool(isinstance(answers, dict) and answers.get("auth"))


def _framework(
    ctx: Context, framework: str, duration: int, rounds: int, section: Section
) -> dict[str, object]:
    from generator.catalog import TEMPLATES

    template = TEMPLATES[framework]
    project = green.project(ctx, framework)
    if not has_accounts(project):
        raise BenchError("the generated project has no accounts (auth=false)")
    env = ctx.env(SECRET_KEY=secrets.token_urlsafe(50), **template.serve_env)
    logs = ctx.workdir("tokens", framework)
    with set_aside(project / ".env"), contextlib.ExitStack() as stack:
        ctx.run(["sh", "-c", template.migrate], cwd=project, env=env)
        server = stack.enter_context(served.serve("project", template.serve, project, env, logs))
        served.wait_ready(server, template.hello_path, template.hello_json)
        api = server.url + template.api_base
        url = f"{api}/items"
        status, answer = _get(url)
        if status != 200:
            raise BenchError(f"GET {url} answered {status} {answer[:200]!r}, expected 200")
        anonymous = served.wrk(ctx, url, 1)  # warm-up, and the anonymous side on its own
        try:
            token = sign_up(api)
        except BenchError as error:
            raise BenchError(
                f"no token ({error}); anonymous alone: {anonymous.requests_per_second:.0f} "
                f"req/s, {anonymous.errors} errors"
            ) from None
        for number in range(ITEMS_ON_THE_PAGE):
            body = json.dumps({"name": f"item {number}"}).encode()
            status, answer = _post(url, body, "application/json", token)
            if status != 201:
                raise BenchError(f"POST {url} with a token answered {status} {answer[:200]!r}")
        plain, with_token = _get(url), _get(url, token)
        if plain[0] != 200 or with_token != plain:
            raise BenchError(
                f"GET {url}: {plain[0]} without a token, {with_token[0]} with one, "
                "expected the same 200 page"
            )
        forged_status, _ = _get(url, token[:-4] + ("AAAA" if token[-4:] != "AAAA" else "BBBB"))
        header = [f"Authorization: Bearer {token}"]
        served.wrk(ctx, url, 1, header)  # warm-up with the token
        group = server.process.pid
        result = served.compare(
            ctx,
            served.Side("token", url, group, header),
            served.Side("anonymous", url, group),
            duration,
            rounds,
        )
    ratio, errors = result.ratio, result.errors
    note = (
        f"GET {template.api_base}/items (a page of {ITEMS_ON_THE_PAGE}), one server; median of "
        f"{rounds} alternating rounds of {duration} s, {served.CONNECTIONS} connections; "
        f"{result.cpu_note('token', 'anonymous')}; a forged token answered {forged_status}"
    )
    reads_token = forged_status == 401
    if not reads_token:
        # Reading the list is open there and the token is not even looked at: no goal applies.
        note += " (the route does not check the token: the ratio measures nothing)"
    if any(errors.values()):
        note += f"; errors {errors}"
    section.rows.append(
        Row(
            benchmark="items with a token",
            subject=framework,
            measured=result.measured("token"),
            baseline=f"{result.measured('anonymous')} (anonymous)",
            ratio=ratio,
            goal=f">= {GOAL}x" if reads_token else "",
            met=(ratio >= GOAL and not any(errors.values())) if reads_token else None,
            note=note,
        )
    )
    return {
        "serve": template.serve,
        "url_path": f"{template.api_base}/items",
        "forged_token_status": forged_status,
        **result.data(),
    }
