"""Logging for the production server: one JSON object per line, tracebacks included, so a
log collector keeps each event (and its traceback) together (see request_log.py).

The development server (`quart run`) keeps Quart's readable logs.
"""

import logging.config

from .request_log import logging_settings


def configure_json_logging(level: str = "INFO") -> None:
    """Send every log record, the server's own included, to stdout as JSON lines. The
    server's access log stays off: the application logs one line per request."""
    # granian's logger has its own handler: it gets this one instead.
    logging.config.dictConfig(logging_settings(level=level, own_handlers=("_granian",)))
