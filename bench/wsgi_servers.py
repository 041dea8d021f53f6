"""On request: the Pyramid template's `/hello` under its production server (gunicorn, as
the catalog serves it) and under waitress, Pyramid's own default server.

    uv run python bench/run.py --only wsgi-servers

Both serve the same rendered project (`wsgi:app`) with production settings, loaded in
alternating rounds by wrk, as `served` compares a project with the guide's minimal app.
"""

from __future__ import annotations

import contextlib
import secrets

import green
from common import BenchError, Context, Row, Section, set_aside
from served import CONNECTIONS, WRK_MISSING, Side, compare, serve, wait_ready, wrk

FRAMEWORK = "pyramid"
# waitress as Pyramid's starter runs it: one process, its default four threads.
WAITRESS = "uv run waitress-serve --listen 127.0.0.1:{port} --threads 4 wsgi:app"


def run(ctx: Context) -> Section:
    from generator.catalog import TEMPLATES

    section = Section("wsgi servers")
    if ctx.tools.wrk is None:
        section.error = WRK_MISSING
        return section
    template = TEMPLATES[FRAMEWORK]
    duration, rounds = (2, 3) if ctx.quick else (2, 6)
    project = green.project(ctx, FRAMEWORK)
    env = ctx.env(SECRET_KEY=secrets.token_urlsafe(50), **template.serve_env)
    logs = ctx.workdir("wsgi-servers", FRAMEWORK)
    try:
        with set_aside(project / ".env"), contextlib.ExitStack() as stack:
            ctx.run(["sh", "-c", template.migrate], cwd=project, env=env)
            servers = [
                stack.enter_context(serve("gunicorn", template.serve, project, env, logs)),
                stack.enter_context(serve("waitress", WAITRESS, project, env, logs)),
            ]
            for server in servers:
                wait_ready(server, template.hello_path, template.hello_json)
                wrk(ctx, server.url + template.hello_path, 1)  # warm-up
            first, second = (
                Side(server.name, server.url + template.hello_path, server.process.pid)
                for server in servers
            )
            result = compare(ctx, first, second, duration, rounds)
    except BenchError as error:
        section.error = str(error)
        return section
    note = (
        f"median of {rounds} alternating rounds of {duration} s, {CONNECTIONS} connections; "
        "gunicorn with 2 sync workers, waitress with 4 threads; "
        + result.cpu_note("gunicorn", "waitress")
    )
    if any(result.errors.values()):
        note += f"; errors {result.errors}"
    section.rows.append(
        Row(
            benchmark="pyramid /hello: gunicorn vs waitress",
            subject=FRAMEWORK,
            measured=f"gunicorn {result.measured('gunicorn')}",
            baseline=f"waitress {result.measured('waitress')}",
            ratio=result.ratio,
            goal="",
            met=None,
            note=note,
        )
    )
    section.data[FRAMEWORK] = {"gunicorn": template.serve, "waitress": WAITRESS, **result.data()}
    return section
