"""Error responses: always JSON, never a traceback, never more than a short excerpt of
the request. Registered on the app by `create_app` (after flask-smorest's own handler)."""

import json
from contextlib import suppress
from typing import Any

from flask import Flask, current_app
from flask_smorest import Api
from sqlalchemy.exc import InterfaceError, OperationalError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from webargs.flaskparser import FlaskParser
from werkzeug.exceptions import (
    BadRequest,
    HTTPException,
    RequestEntityTooLarge,
    ServiceUnavailable,
)

from .extensions import db

# Error messages and field names echoed back are cut to this many characters.
EXCERPT = 200
# The deepest JSON body accepted. Python's parser gives up near 1,000 levels on some
# versions and not on others; a fixed limit below that answers the same everywhere.
MAX_JSON_DEPTH = 500
TOO_DEEP = f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels or has too long a number."


def excerpt(value: Any) -> Any:
    """`value` with every string (keys too) cut to a short excerpt."""
    if isinstance(value, str):
        return value if len(value) <= EXCERPT else value[:EXCERPT] + "..."
    if isinstance(value, dict):
        return {excerpt(key): excerpt(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [excerpt(item) for item in value]
    return value


def refuse_unsized_body_over_the_limit(req: Any) -> None:
    """A chunked body (no Content-Length) over MAX_CONTENT_LENGTH: 413, as a sized one.

    Werkzeug stops reading such a body at the limit, and the cut text would otherwise be
    answered as bad JSON (400). One more byte from the server's stream tells them apart.
    """
    limit = req.max_content_length
    if req.content_length is not None or limit is None:
        return
    if len(req.get_data(cache=True)) >= limit and req.environ["wsgi.input"].read(1):
        raise RequestEntityTooLarge()


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether arrays and objects in `value` nest more than `limit` levels (no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict):
            children = list(item.values())
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


class JsonBodyParser(FlaskParser):
    """webargs' parser, with every unreadable JSON body a 400 rather than a 500."""

    def _raw_load_json(self, req: Any) -> Any:
        refuse_unsized_body_over_the_limit(req)
        try:
            data = super()._raw_load_json(req)
        except json.JSONDecodeError:
            raise  # webargs answers these with its own 400
        except (RecursionError, ValueError):
            # Nested too deep for the parser, or an integer too long to convert.
            raise BadRequest(TOO_DEEP) from None
        if nested_deeper_than(data, MAX_JSON_DEPTH):
            raise BadRequest(TOO_DEEP)
        return data


def register_error_handlers(app: Flask, api: Api) -> None:
    def http_error(error: HTTPException) -> Any:
        payload, status, headers = api.handle_http_exception(error)
        # Keep the exception's own headers: `Allow` on a 405 (RFC 9110), for one.
        kept = {
            name: value for name, value in error.get_headers() if name.lower() != "content-type"
        }
        if error.description and not {"message", "errors"} & payload.keys():
            payload["message"] = error.description
        return excerpt(payload), status, {**kept, **dict(headers or {})}

    def database_unavailable(error: Exception) -> Any:
        """A busy (locked SQLite) or unreachable database: 503, logged, retry later."""
        with suppress(SQLAlchemyError):  # the connection may be gone already
            db.session.rollback()
        current_app.logger.error("Database unavailable: %s", error, exc_info=error)
        return http_error(
            ServiceUnavailable("The database is busy or unreachable; try again shortly.")
        )

    app.register_error_handler(HTTPException, http_error)
    for kind in (OperationalError, InterfaceError, PoolTimeoutError):
        app.register_error_handler(kind, database_unavailable)
