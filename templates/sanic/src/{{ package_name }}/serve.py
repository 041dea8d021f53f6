"""`uv run serve`: check the settings, then run the application under Sanic's own server.

Production (the default): debug off whatever `.env` says, no banner, no access log (the
application logs one JSON line per request), `--workers` processes, each with its own
connection pool. `--dev`: one process, auto-reload, readable logs.

A missing or wrong setting stops the command with one line before any worker starts.
"""

import argparse

from sanic import Sanic
from sanic.worker.loader import AppLoader

from .app import App, create_app
from .error_reporting import init_error_reporting
from .logs import configure_logging
from .settings import get_settings


def production_app() -> App:
    """The application as each production worker builds it (Sanic starts workers afresh)."""
    configure_logging(json_lines=True)
    # Before the application is built, so that Sentry can hook into it (only with SENTRY_DSN).
    init_error_reporting()
    return create_app(get_settings())


def development_app() -> App:
    configure_logging(json_lines=False)
    return create_app(get_settings())


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="serve", description="Run the application under Sanic's own server."
    )
    parser.add_argument("--host", default="127.0.0.1", help="address to listen on")
    parser.add_argument("--port", type=int, default=8000, help="port to listen on")
    parser.add_argument(
        "--workers", type=int, default=1, help="worker processes (about one per CPU core)"
    )
    parser.add_argument("--dev", action="store_true", help="development: auto-reload, debug")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    loader = AppLoader(factory=development_app if args.dev else production_app)
    # Building it here checks the settings (and SECRET_KEY) before any worker starts.
    app = loader.load()
    if args.dev:
        app.prepare(host=args.host, port=args.port, dev=True)
    else:
        app.prepare(
            host=args.host,
            port=args.port,
            workers=args.workers,
            debug=False,
            access_log=False,
            motd=False,
        )
    Sanic.serve(primary=app, app_loader=loader)


if __name__ == "__main__":
    main()
