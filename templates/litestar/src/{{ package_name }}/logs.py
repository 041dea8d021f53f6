"""Logging: one JSON object per line in production, so that a log collector can parse it."""

import json
import logging
from datetime import UTC, datetime

from litestar.logging.config import LoggingConfig


class JSONFormatter(logging.Formatter):
    """A record as one line of JSON; a traceback is a string field, not extra lines."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def logging_config(*, debug: bool) -> LoggingConfig:
    """Litestar's logging, as JSON lines unless in debug mode. Exceptions are logged by the
    handlers in `errors.py`, once each, and only those that are the server's fault."""
    formatter: dict[str, object] = (
        {"format": "%(levelname)s - %(asctime)s - %(name)s - %(message)s"}
        if debug
        else {"()": JSONFormatter}
    )
    return LoggingConfig(
        formatters={"standard": formatter},
        log_exceptions="never",
    )
