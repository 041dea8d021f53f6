"""Every error is answered with a JSON object and a deliberate status code.

- A request that breaks the rules: 422 naming the field, echoing at most a short excerpt
  of the offending value (400 when the body is not JSON at all).
- A method the path does not serve: 405 with an `Allow` header listing those it does.
- A database that is busy or unreachable: 503, logged.
- Anything else: 500 without details; Quart logs the traceback.
"""

import logging
import math
from typing import Any

from pydantic import BaseModel, ValidationError
from quart import Quart, Response, current_app, jsonify, request
from quart_schema import RequestSchemaValidationError
from quart_schema.validation import QuerystringValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException, InternalServerError, MethodNotAllowed

logger = logging.getLogger(__name__)

VALIDATION_STATUS = 422


class ErrorMessage(BaseModel):
    """An error: a message, or for a validation error a list of problems."""

    detail: str | list[dict[str, Any]]


# What each error status means, for the OpenAPI documentation of the routes that answer it.
DESCRIPTIONS = {
    400: "Body not JSON, or nested too deep",
    401: "No token, or a token that is invalid, expired or for an inactive user",
    403: "The item belongs to another user",
    404: "Not found",
    409: "An account with this email (in any case) already exists",
    413: "Request body larger than MAX_REQUEST_BYTES",
    415: "The body is not JSON",
    422: "A field breaks its rules",
    429: "Too many failed logins; `Retry-After` says how many seconds to wait",
    503: "Database busy or unreachable",
}


# Longest piece of a client's input repeated back in a validation error.
EXCERPT_CHARS = 40


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


def describe(error: dict[str, Any], where: str) -> dict[str, Any]:
    """One of Pydantic's errors, located in the body or the query, safe to send back."""
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


def error_response(status: int, detail: Any, headers: dict[str, str] | None = None) -> Response:
    response = jsonify({"detail": detail})
    response.status_code = status
    response.headers.update(headers or {})
    return response


async def validation_error(error: RequestSchemaValidationError) -> Response:
    where = "query" if isinstance(error, QuerystringValidationError) else "body"
    cause = error.validation_error
    if isinstance(cause, ValidationError):
        detail: Any = [describe(dict(problem), where) for problem in cause.errors()]
    else:
        detail = [{"type": "value_error", "loc": [where], "msg": _clean(str(cause))}]
    return error_response(VALIDATION_STATUS, detail)


async def http_error(error: HTTPException) -> Response:
    status = error.code or 500
    headers: dict[str, str] = {}
    if isinstance(error, MethodNotAllowed):
        headers["Allow"] = ", ".join(sorted(error.valid_methods or ()))
    if status == 401:
        # Every 401 names the scheme the client should use.
        headers["WWW-Authenticate"] = "Bearer"
    if status == 413:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        detail = f"Request body larger than {limit} bytes"
        headers["Connection"] = "close"
    elif error.description and error.description != type(error).description:
        detail = error.description  # a message the application gave, e.g. "Item not found"
    else:
        detail = error.name
    for name, value in error.get_headers():
        if name.lower() not in {"content-type", "content-length", "www-authenticate"}:
            headers.setdefault(name, value)
    return error_response(status, detail, headers)


async def database_unavailable(error: Exception) -> Response:
    # Busy (a locked SQLite file), down or out of connections: the client may try again.
    logger.error(
        "database unavailable on %s %s: %s", request.method, request.path, _clean(str(error))
    )
    return error_response(
        503, "The database is unavailable; try again shortly", {"Retry-After": "5"}
    )


async def internal_error(error: InternalServerError) -> Response:
    # Quart has logged the original error with its traceback; the client learns nothing.
    return error_response(500, "Internal Server Error")


def install_error_handlers(app: Quart) -> None:
    app.register_error_handler(RequestSchemaValidationError, validation_error)
    app.register_error_handler(HTTPException, http_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError, OSError):
        app.register_error_handler(unavailable, database_unavailable)
    app.register_error_handler(InternalServerError, internal_error)
