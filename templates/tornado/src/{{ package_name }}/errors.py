"""Errors the API answers on purpose, and how a validation error is described.

Every error is a JSON object with a `detail` (`handlers/base.py` writes it):

- A request that breaks the rules: 422 naming the field, echoing at most a short excerpt
  of the offending value; 400 when the body is not JSON at all (or nests too deep).
- A method the path does not serve: 405 with an `Allow` header listing those it does.
- A database that is busy or unreachable: 503, logged.
- Anything else: 500 without details; the traceback goes to the log.
"""

import math
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from tornado.web import HTTPError

# Busy (a locked SQLite file), down or out of connections: the client may try again (503).
DATABASE_UNAVAILABLE = (OperationalError, InterfaceError, PoolTimeoutError, OSError)

# Longest piece of a client's input repeated back in a validation error.
EXCERPT_CHARS = 40


class ApiError(HTTPError):
    """An answer with this status, `{"detail": detail}` and these headers."""

    def __init__(
        self,
        status: int,
        detail: str | list[dict[str, Any]],
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status)
        self.detail = detail
        self.headers = headers or {}


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


def _describe(error: Any, where: str) -> dict[str, Any]:
    described: dict[str, Any] = {
        "type": error["type"],
        "loc": [where, *(p if isinstance(p, int) else _clean(str(p)) for p in error["loc"])],
        "msg": _clean(str(error["msg"])),
    }
    if "input" in error:
        described["input"] = excerpt(error["input"])
    return described


def invalid(error: ValidationError, where: Literal["body", "query"]) -> ApiError:
    """422 naming each field that broke a rule; 400 when the body is not even JSON."""
    problems = [_describe(detail, where) for detail in error.errors()]
    not_json = any(problem["type"] == "json_invalid" for problem in problems)
    return ApiError(400 if not_json else 422, problems)
