"""Logging for the production server: one JSON object per line, tracebacks included, so a
log collector keeps each event (and its traceback) together.

The development server (`fastapi dev`) keeps uvicorn's readable logs.
"""

import json
import logging
import logging.config
from datetime import UTC, datetime
from typing import Any


class JsonLines(logging.Formatter):
    """Formats a record as one line of JSON (non-ASCII escaped, so never split)."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


def configure_json_logging(level: str = "INFO") -> None:
    """Send every log record, the server's own and its access log included, to stdout as
    JSON lines."""
    logging.config.dictConfig(
        {
            "version": 1,
            "disable_existing_loggers": False,
            "formatters": {"json": {"()": JsonLines}},
            "handlers": {
                "stdout": {
                    "class": "logging.StreamHandler",
                    "formatter": "json",
                    "stream": "ext://sys.stdout",
                }
            },
            "root": {"handlers": ["stdout"], "level": level},
            # granian's loggers have their own handlers: point them here too.
            "loggers": {
                name: {"handlers": ["stdout"], "level": level, "propagate": False}
                for name in ("_granian", "granian.access")
            },
        }
    )
