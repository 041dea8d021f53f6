"""Every error is answered with a JSON object and a deliberate status code.

- A request that breaks the rules: 422 naming the field, echoing at most a short excerpt
  of the offending value (400 when the body is not JSON at all).
- A method the path does not serve: 405 with an `Allow` header listing those it does.
- A database that is busy or unreachable: 503, logged.
- Anything else: 500 without details; the traceback goes to the log.
"""

import logging
import math
from typing import Any

from fastapi import FastAPI, Request, status
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from starlette.exceptions import HTTPException
from starlette.routing import Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

logger = logging.getLogger(__name__)


class ErrorMessage(BaseModel):
    """The body of every error: a message, or for a validation error a list of problems."""

    detail: str | list[dict[str, Any]]


def documented(description: str) -> dict[str, Any]:
    # Always JSON, also on a route whose own answers are another type (event streams).
    schema = ErrorMessage.model_json_schema()
    return {"description": description, "content": {"application/json": {"schema": schema}}}


# The errors routes may answer, for their OpenAPI documentation: `responses=...`.
COMMON_ERRORS: dict[int | str, dict[str, Any]] = {
    413: documented("Request body larger than MAX_REQUEST_BYTES"),
}
BODY_ERRORS: dict[int | str, dict[str, Any]] = {
    400: documented("Body not JSON, or nested too deep"),
    **COMMON_ERRORS,
}
DATABASE_ERRORS: dict[int | str, dict[str, Any]] = {
    503: documented("Database busy or unreachable"),
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


def _describe(error: dict[str, Any]) -> dict[str, Any]:
    described: dict[str, Any] = {
        "type": error["type"],
        "loc": [part if isinstance(part, int) else _clean(str(part)) for part in error["loc"]],
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


async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    errors = [_describe(dict(error)) for error in exc.errors()]
    not_json = any(error["type"] == "json_invalid" for error in errors)
    code = status.HTTP_400_BAD_REQUEST if not_json else status.HTTP_422_UNPROCESSABLE_CONTENT
    return JSONResponse({"detail": errors}, status_code=code)


# The methods a route can serve; HEAD is answered wherever GET is (middleware.HeadAsGet).
ROUTE_METHODS = ("DELETE", "GET", "PATCH", "POST", "PUT")


def allowed_methods(request: Request) -> list[str]:
    """Every method some route serves at the request's path."""
    routes = request.app.router.routes
    methods = {
        method
        for method in ROUTE_METHODS
        if any(
            route.matches({**request.scope, "method": method})[0] == Match.FULL for route in routes
        )
    }
    if "GET" in methods:
        methods.add("HEAD")
    return sorted(methods)


async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    headers = dict(exc.headers or {})
    if exc.status_code == status.HTTP_405_METHOD_NOT_ALLOWED:
        headers["Allow"] = ", ".join(allowed_methods(request))
    return JSONResponse({"detail": exc.detail}, status_code=exc.status_code, headers=headers)


async def database_unavailable(request: Request, exc: Exception) -> JSONResponse:
    # Busy (a locked SQLite file), down or out of connections: the client may try again.
    logger.error(
        "database unavailable on %s %s: %s", request.method, request.url.path, _clean(str(exc))
    )
    return JSONResponse(
        {"detail": "The database is unavailable; try again shortly"},
        status_code=status.HTTP_503_SERVICE_UNAVAILABLE,
        headers={"Retry-After": "5"},
    )


class UnhandledErrors:
    """Answers 500 with a JSON body to any error nothing else handled, and logs it with its
    traceback. With `debug`, the error goes on to Starlette's traceback page instead."""

    def __init__(self, app: ASGIApp, debug: bool = False) -> None:
        self.app = app
        self.debug = debug

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        response_started = False

        async def tracking_send(message: Message) -> None:
            nonlocal response_started
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            logger.exception("unhandled error on %s %s", scope["method"], scope["path"])
            if self.debug:
                raise
            if not response_started:
                response = JSONResponse(
                    {"detail": "Internal Server Error"},
                    status_code=status.HTTP_500_INTERNAL_SERVER_ERROR,
                )
                await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.exception_handler(RequestValidationError)(validation_error)
    app.exception_handler(HTTPException)(http_error)
    for unavailable in (OperationalError, InterfaceError, PoolTimeoutError, OSError):
        app.exception_handler(unavailable)(database_unavailable)
