"""What clients see when something goes wrong, and what the log records.

- A database that is busy (a locked SQLite file) or unreachable: 503, logged as a warning.
- Anything else unexpected: 500 with a JSON body and no traceback (except under the
  development server, in debug mode); the traceback is logged (as one JSON line in
  production).
- A validation error: Litestar's 400, never quoting more than a short excerpt.
- A missing item: Advanced Alchemy's NotFoundError becomes 404.
"""

import logging
from dataclasses import dataclass
from typing import Any

from advanced_alchemy.exceptions import NotFoundError, RepositoryError
from litestar import MediaType, Request, Response
from litestar.exceptions import NotFoundException, ValidationException
from litestar.exceptions.responses import create_debug_response, create_exception_response
from litestar.openapi.datastructures import ResponseSpec
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR, HTTP_503_SERVICE_UNAVAILABLE
from litestar.types import ExceptionHandlersMap
from sqlalchemy.exc import DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)

# Never echo more of a client's input than this in an error message.
EXCERPT_CHARS = 200

# Raised by the driver or the pool when the database cannot be reached or does not
# answer in time (OperationalError covers "database is locked" on SQLite). OSError covers
# refused connections and timeouts (TimeoutError is one) that drivers raise as is.
UNAVAILABLE = (OperationalError, InterfaceError, DisconnectionError, PoolTimeoutError, OSError)


@dataclass
class ErrorBody:
    """The body of every error response."""

    status_code: int
    detail: str


def error_spec(description: str) -> ResponseSpec:
    """An error response for the OpenAPI document: its status code's description and body."""
    return ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)


def database_unavailable(exc: BaseException) -> BaseException | None:
    """The exception, `exc` or one it was raised from, that says the database is unavailable."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        if isinstance(current, UNAVAILABLE):
            return current
        seen.add(id(current))
        current = current.__cause__ or current.__context__
    return None


def describe(exc: BaseException) -> str:
    """`Type: first line of the message`, for a log line."""
    return f"{type(exc).__name__}: {str(exc).partition(chr(10))[0]}"


def _json(status_code: int, detail: str) -> Response[dict[str, Any]]:
    return Response(
        {"status_code": status_code, "detail": detail},
        status_code=status_code,
        media_type=MediaType.JSON,
    )


def unavailable_response(request: Request[Any, Any, Any], cause: BaseException) -> Response[Any]:
    logger.warning(
        "The database is unavailable (%s %s): %s", request.method, request.url.path, describe(cause)
    )
    return _json(HTTP_503_SERVICE_UNAVAILABLE, "The database is unavailable; try again shortly.")


def server_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Every exception no other handler claims."""
    if cause := database_unavailable(exc):
        return unavailable_response(request, cause)
    logger.error("Unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    if request.app.debug:  # the development server only: the traceback, for the developer
        return create_debug_response(request, exc)
    return _json(HTTP_500_INTERNAL_SERVER_ERROR, "Internal Server Error")


def repository_error(request: Request[Any, Any, Any], exc: RepositoryError) -> Response[Any]:
    """Advanced Alchemy wraps the database's exceptions in RepositoryError."""
    if isinstance(exc, NotFoundError):
        return create_exception_response(request, NotFoundException(detail=exc.detail))
    return server_error(request, exc)


def validation_error(request: Request[Any, Any, Any], exc: ValidationException) -> Response[Any]:
    """Litestar's 400, with its detail cut short: it may quote the query string."""
    if exc.detail and len(exc.detail) > EXCERPT_CHARS:
        exc.detail = exc.detail[:EXCERPT_CHARS] + "..."
    return create_exception_response(request, exc)


EXCEPTION_HANDLERS: ExceptionHandlersMap = {
    ValidationException: validation_error,
    RepositoryError: repository_error,
    HTTP_500_INTERNAL_SERVER_ERROR: server_error,
}
