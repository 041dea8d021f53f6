"""Logging to stdout: one JSON object per line in production, tracebacks included, so a
log collector keeps each event (and its traceback) together (see request_log.py); readable
text for the development server.
"""

import logging.config

from .request_log import logging_settings

# Sanic's own loggers. Its access log stays off: the application logs one line per request.
SANIC_LOGGERS = ("sanic.root", "sanic.error", "sanic.server", "sanic.websockets")
SANIC_ACCESS_LOG = ("sanic.access",)


def configure_logging(*, json_lines: bool = True, level: str = "INFO") -> None:
    """Send every log record, Sanic's own included, to stdout."""
    logging.config.dictConfig(
        logging_settings(
            json_lines=json_lines,
            level=level,
            own_handlers=SANIC_LOGGERS,
            silenced=SANIC_ACCESS_LOG,
        )
    )
