"""Logging for the production server: one JSON object per line (see request_log.py).

gunicorn.conf.py installs `GUNICORN_LOGGING`; the app's loggers propagate to the root
logger configured here, so every line is JSON, tracebacks too.
"""

from typing import Any

from .request_log import logging_settings

# gunicorn's `logconfig_dict`. Its access log is silenced: the application logs one line
# per request (request_log.RequestLogWSGI), with the request id.
GUNICORN_LOGGING: dict[str, Any] = logging_settings(
    own_handlers=("gunicorn.error",), silenced=("gunicorn.access",)
)
