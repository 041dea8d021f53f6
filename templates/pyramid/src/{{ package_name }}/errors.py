"""Error responses: always a JSON object, never a traceback, never more than a short
excerpt of the request; and the tween that guards the door (body size, unreadable JSON,
HEAD, a busy database) before anything else reads the request.

`includeme` registers the exception views and the tween (`config.include(".errors")`).
"""

import json
import logging
import re
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from jsonschema.exceptions import ValidationError as SchemaError
from pyramid.config import Configurator
from pyramid.httpexceptions import HTTPException, HTTPNotFound
from pyramid.registry import Registry
from pyramid.request import Request
from pyramid.response import Response
from pyramid.tweens import INGRESS
from pyramid_openapi3.exceptions import RequestValidationError, ResponseValidationError
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError

logger = logging.getLogger(__name__)

# Error messages and field names echoed back are cut to this many characters.
EXCERPT = 200
# The deepest JSON body accepted. Python's parser gives up near 1,000 levels on some
# versions and not on others; a fixed limit below that answers the same everywhere.
MAX_JSON_DEPTH = 500
TOO_DEEP = f"The JSON body nests deeper than {MAX_JSON_DEPTH} levels or has too long a number."
NOT_JSON = "The body is not valid JSON."
DATABASE_UNAVAILABLE = "The database is busy or unreachable; try again shortly."
# A busy (locked SQLite) or unreachable database: 503, not a bug.
DATABASE_DOWN = (OperationalError, InterfaceError, PoolTimeoutError)
# jsonschema's message for each missing property, the one place it names the property.
REQUIRED = re.compile(r"'(.+)' is a required property")
# Methods whose body the guard reads.
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


class NotFound(HTTPNotFound):  # type: ignore[misc]  # Pyramid is untyped
    """A 404 whose message is for the client ("Item 7 not found."); any other 404, a path
    no route matches among them, says only "Not found."."""


def excerpt(text: str) -> str:
    return text if len(text) <= EXCERPT else text[:EXCERPT] + "..."


def error_response(
    status: int,
    message: str,
    errors: list[dict[str, str]] | None = None,
    headers: dict[str, str] | None = None,
) -> Response:
    """A JSON error: `{"message": ..., "errors": [{"field": ..., "message": ...}]}`."""
    body: dict[str, Any] = {"message": excerpt(message)}
    if errors is not None:
        body["errors"] = [{key: excerpt(value) for key, value in e.items()} for e in errors]
    response = Response(json_body=body, status=status, charset="utf-8")
    response.headers.update(headers or {})
    return response


def field_error(field: str, message: str) -> Response:
    """400, naming one field: what the document's validation answers too."""
    return error_response(400, "The request is not valid.", [{"field": field, "message": message}])


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


def unencodable_text(value: Any, path: str = "") -> str | None:
    """The path (`name`, `tags.0`) of the first string with an unpaired surrogate, if any.

    JSON may escape one (`"\\ud800"`), but no database driver can encode it as UTF-8."""
    stack: list[tuple[Any, str]] = [(value, path)]
    while stack:
        item, where = stack.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return where or "body"
        elif isinstance(item, dict):
            stack.extend((v, f"{where}.{k}" if where else str(k)) for k, v in item.items())
        elif isinstance(item, list):
            stack.extend((v, f"{where}.{i}" if where else str(i)) for i, v in enumerate(item))
    return None


def read_limited_body(request: Request, limit: int) -> Response | None:
    """413 for a body over `limit` bytes, sized or chunked; None when it fits."""
    if request.content_length is not None:
        return too_large(limit) if request.content_length > limit else None
    if request.method not in BODY_METHODS:
        return None
    # A chunked body has no Content-Length: read one byte past the limit to tell.
    data = request.body_file_raw.read(limit + 1)
    if len(data) > limit:
        return too_large(limit)
    request.body = data
    return None


def too_large(limit: int) -> Response:
    return error_response(413, f"The request body is larger than {limit} bytes.")


def unreadable_json(request: Request) -> Response | None:
    """400 for a JSON body that cannot be parsed, nests too deep or holds text no database
    can store; None when it is fine (the document's validation then reads it)."""
    if request.method not in BODY_METHODS or request.content_type != "application/json":
        return None
    if not request.body:
        return None
    try:
        data = json.loads(request.body)
    except RecursionError:
        return error_response(400, TOO_DEEP)
    except ValueError:  # not JSON, not UTF-8, or an integer too long to convert
        return error_response(400, NOT_JSON)
    if nested_deeper_than(data, MAX_JSON_DEPTH):
        return error_response(400, TOO_DEEP)
    where = unencodable_text(data)
    if where is not None:
        return field_error(where, "Must not contain an unpaired surrogate (U+D800 to U+DFFF).")
    return None


def undecodable_text(request: Request) -> Response | None:
    """400 for a query string or form that is not UTF-8 (WebOb would raise on reading it)."""
    try:
        request.GET  # noqa: B018 - read, so that WebOb decodes it now
        if request.content_type == "application/x-www-form-urlencoded":
            # openapi-core parses the form itself, and cannot even describe raw non-UTF-8.
            request.body.decode("utf-8")
    except UnicodeDecodeError:
        return error_response(400, "The query string or the form is not valid UTF-8.")
    return None


def without_body(response: Response) -> Response:
    """The answer to HEAD: GET's status and headers, Content-Length included, no body."""
    length = response.content_length
    response.app_iter = []
    response.content_length = length
    return response


def guard_tween_factory(
    handler: Callable[[Request], Response], registry: Registry
) -> Callable[[Request], Response]:
    """The outermost tween: it sees every request first and every error last."""
    limit: int = registry.settings["max_request_bytes"]

    def guard(request: Request) -> Response:
        refused = (
            read_limited_body(request, limit)
            or unreadable_json(request)
            or undecodable_text(request)
        )
        if refused is not None:
            return refused
        # HEAD is answered as GET without the body (RFC 9110), by every view.
        head = request.method == "HEAD"
        if head:
            request.method = "GET"
        try:
            response = handler(request)
        except DATABASE_DOWN as error:
            # Raised when the transaction commits, after the views' own handling.
            return database_unavailable(error, request)
        return without_body(response) if head else response

    return guard


def database_unavailable(error: Exception, request: Request) -> Response:
    """A busy (locked SQLite) or unreachable database: 503, logged, retry later."""
    logger.error("Database unavailable: %s", error, exc_info=error)
    return error_response(503, DATABASE_UNAVAILABLE)


def schema_error(error: SchemaError, parent: str | None) -> dict[str, str]:
    """One broken rule of the document, named by its field, without echoing a secret."""
    path = [str(part) for part in error.path]
    instance = error.instance
    schema: Mapping[str, Any] = error.schema if isinstance(error.schema, Mapping) else {}
    missing = REQUIRED.fullmatch(error.message) if error.validator == "required" else None
    if missing is not None:
        path.append(missing.group(1))
    elif error.validator == "additionalProperties" and isinstance(instance, dict):
        known = schema.get("properties", {})
        path.append(next(str(name) for name in instance if name not in known))
    field = ".".join(path) or parent or "body"
    if schema.get("format") == "password":
        message = f"Breaks the {error.validator} rule ({error.validator_value})."
    elif error.validator == "pattern":
        rule = schema.get("description", "see the OpenAPI document")
        message = f"Does not match the pattern: {rule}"
    else:
        message = error.message
    return {"field": field, "message": message}


def described(errors: list[Exception], parent: str | None = None) -> Iterator[dict[str, str]]:
    """What pyramid_openapi3 found wrong, as `{"field", "message"}` entries."""
    for error in errors:
        inner = getattr(error.__cause__, "schema_errors", None)
        name = getattr(error, "name", None) or parent
        if inner is not None:
            yield from described(list(inner), name)
        elif isinstance(error, SchemaError):
            yield schema_error(error, name)
        else:
            entry = {"message": str(error.__cause__ or error)}
            yield {"field": name, **entry} if name else entry


def validation_failed(error: RequestValidationError, request: Request) -> Response:
    """The request does not match the OpenAPI document: 400 naming each field."""
    return error_response(400, "The request is not valid.", list(described(error.errors)))


def response_invalid(error: ResponseValidationError, request: Request) -> Response:
    """A view answered what the document does not allow: a bug, logged, 500."""
    logger.error("Response does not match the OpenAPI document: %s", error.errors)
    return error_response(500, "Internal server error.")


def http_error(error: HTTPException, request: Request) -> Response:
    """Pyramid's HTTP exceptions (404, 405, 409...) as JSON, keeping their headers
    (`Allow` on a 405, `WWW-Authenticate` on a 401, `Retry-After` on a 429)."""
    kept = {
        name: value
        for name, value in error.headers.items()
        if name.lower() not in {"content-type", "content-length"}
    }
    return error_response(error.code or 500, error.detail or error.title, headers=kept)


def not_found(error: HTTPNotFound, request: Request) -> Response:
    return error_response(404, error.detail if isinstance(error, NotFound) else "Not found.")


def unexpected(error: Exception, request: Request) -> Response:
    """Any other exception: a bug. 500 without details; the traceback goes to the log."""
    logger.error("Unhandled error on %s %s", request.method, request.path, exc_info=error)
    return error_response(500, "Internal server error.")


def includeme(config: Configurator) -> None:
    config.add_tween(f"{__name__}.guard_tween_factory", under=INGRESS)
    config.add_exception_view(validation_failed, context=RequestValidationError)
    config.add_exception_view(response_invalid, context=ResponseValidationError)
    config.add_exception_view(http_error, context=HTTPException)
    config.add_notfound_view(not_found)
    for kind in DATABASE_DOWN:
        # pyramid_tm aborts the transaction: the request ended in an exception.
        config.add_exception_view(database_unavailable, context=kind)
    config.add_exception_view(unexpected, context=Exception)
