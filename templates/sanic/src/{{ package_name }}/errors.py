"""Every error is answered with a JSON object `{"detail": ...}` and a deliberate status.

- A request that breaks the rules: 400 naming the field, echoing at most a short excerpt
  of the offending value; a body that is not JSON: 400 too.
- A method the path does not serve: 405 with Sanic's `Allow` header.
- A body larger than MAX_REQUEST_BYTES: 413 (Sanic's REQUEST_MAX_SIZE).
- A database that is busy or unreachable: 503, logged.
- Anything else: 500 without details; the traceback goes to the log.
"""

import logging
import math
from collections.abc import Mapping
from typing import Any

from pydantic import ValidationError
from sanic import HTTPResponse, Request, json
from sanic.exceptions import SanicException
from sanic.handlers import ErrorHandler
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)

# Longest piece of a client's input repeated back in a validation error.
EXCERPT_CHARS = 40
# Busy (a locked SQLite file), down or out of connections: the client may try again.
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError, OSError)


class InvalidRequest(SanicException):
    """A request that breaks the rules: `detail` lists each problem and where it is."""

    status_code = 400
    quiet = True

    def __init__(self, detail: list[dict[str, Any]]) -> None:
        super().__init__("Invalid request")
        self.detail = detail


def http_error(
    status: int, detail: str, headers: Mapping[str, str] | None = None
) -> SanicException:
    """An error the client caused (4xx), answered as `{"detail": detail}`."""
    return SanicException(detail, status_code=status, headers=dict(headers or {}), quiet=True)


def _clean(text: str) -> str:
    # An unpaired surrogate cannot be encoded as UTF-8: show it as an escape instead.
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def excerpt(value: Any) -> Any:
    """A short, always encodable stand-in for a client's input."""
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and abs(value) < 2**63:
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if isinstance(value, str):
        cut = value if len(value) <= EXCERPT_CHARS else value[:EXCERPT_CHARS] + "..."
        return _clean(cut)
    # Objects, arrays and huge numbers are never echoed: they can be large or deeply nested.
    return f"<{type(value).__name__}>"


def describe(error: Mapping[str, Any], where: str) -> dict[str, Any]:
    """One of Pydantic's errors as the client sees it, located in `where` (body, query)."""
    described: dict[str, Any] = {
        "type": error["type"],
        "loc": [where, *(p if isinstance(p, int) else _clean(str(p)) for p in error["loc"])],
        "msg": _clean(str(error["msg"])),
    }
    if "input" in error:
        described["input"] = excerpt(error["input"])
    context = error.get("ctx")
    if isinstance(context, dict):
        # Values such as `max_length` stay numbers; an exception becomes its message.
        described["ctx"] = {
            _clean(str(key)): excerpt(value if isinstance(value, int | float | str) else str(value))
            for key, value in context.items()
        }
    return described


def invalid(error: ValidationError, where: str) -> InvalidRequest:
    return InvalidRequest([describe(e, where) for e in error.errors()])


# The methods a route can serve; sanic-ext answers HEAD wherever GET is, OPTIONS anywhere.
ROUTE_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> str:
    """Every method some route serves at the request's path, for a 405's `Allow`."""
    methods = set()
    for method in ROUTE_METHODS:
        try:
            request.app.router.get(request.path, method, request.headers.get("host"))
        except SanicException:
            continue
        methods.add(method)
    if "GET" in methods:
        methods.add("HEAD")
    return ", ".join(sorted({*methods, "OPTIONS"}))


class JsonErrorHandler(ErrorHandler):
    """Answers every error as JSON; Sanic's own error pages (HTML or text) never show."""

    def default(self, request: Request, exception: Exception) -> HTTPResponse:
        if isinstance(exception, InvalidRequest):
            return json({"detail": exception.detail}, status=exception.status_code)
        if isinstance(exception, SanicException) and exception.status_code < 500:
            headers = dict(getattr(exception, "headers", None) or {})
            if exception.status_code == 405:
                # Sanic names them only for some paths; RFC 9110 asks for them on every 405.
                headers["Allow"] = allowed_methods(request)
            detail = str(exception) or "Error"
            return json({"detail": detail}, status=exception.status_code, headers=headers)
        if isinstance(exception, DATABASE_UNAVAILABLE):
            logger.error(
                "database unavailable on %s %s: %s",
                request.method,
                request.path,
                _clean(str(exception)),
            )
            return json(
                {"detail": "The database is unavailable; try again shortly"},
                status=503,
                headers={"Retry-After": "5"},
            )
        logger.error(
            "unhandled error on %s %s",
            request.method,
            request.path,
            exc_info=(type(exception), exception, exception.__traceback__),
        )
        return json({"detail": "Internal Server Error"}, status=500)
