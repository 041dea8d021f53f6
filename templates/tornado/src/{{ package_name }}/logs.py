"""Logging: one JSON object per line for the production server, tracebacks included, so a
log collector keeps each event (and its traceback) together (see request_log.py); readable
lines for the development server.

Tornado's own access log stays off: the handlers log one line per request.
"""

import logging.config

from .request_log import logging_settings


def configure_logging(json_lines: bool = True, level: str = "INFO") -> None:
    logging.config.dictConfig(
        logging_settings(json_lines=json_lines, level=level, silenced=("tornado.access",))
    )
