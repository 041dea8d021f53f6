"""Log records as one JSON object per line, which log collectors parse without rules."""

import json
import logging
from typing import Any


class JsonFormatter(logging.Formatter):
    """`{"time", "level", "logger", "message"}`, plus `status_code` when a request's record
    has one and `traceback` (newlines escaped, so still one line) when there is one."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        status_code = getattr(record, "status_code", None)
        if isinstance(status_code, int):
            entry["status_code"] = status_code
        if record.exc_info:
            entry["traceback"] = self.formatException(record.exc_info)
        elif record.stack_info:
            entry["traceback"] = self.formatStack(record.stack_info)
        return json.dumps(entry, default=str)
