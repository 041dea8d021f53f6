"""The production server: uvicorn, once the settings have been read.

uvicorn's worker processes import the app, and so read the settings, only as they start;
with `--workers`, a missing setting stops them, but their supervisor then exits with
status 0. Reading the settings here first stops the server at once, before any worker
starts: one line naming the setting, and a non-zero exit status.

`serve --host 0.0.0.0 --port 8000 --workers 2` takes uvicorn's options; the application
is always `app:app`.
"""

import sys

from uvicorn.main import main as uvicorn


def main(argv: list[str] | None = None) -> None:
    # Imported here: each worker process imports this module first, and must answer the
    # supervisor's health check within seconds; the settings pull in SQLAlchemy.
    from .settings import Settings, SettingsError

    try:
        Settings.from_env()
    except SettingsError as error:
        raise SystemExit(str(error)) from None  # the message on stderr, exit status 1
    uvicorn.main(["app:app", *(sys.argv[1:] if argv is None else argv)], prog_name="serve")
