"""The OpenAPI document, built by sanic-ext from the routes and the models named here.

sanic-ext writes OpenAPI 3.0 and serves it with the docs pages under `/docs`. It would
describe a Pydantic model from its Python types only; the schemas here come from the
models themselves (`model_json_schema`), so the document states every rule the server
applies: lengths, ranges, patterns, unknown fields refused. Pydantic writes JSON Schema
2020-12; the one form it uses that 3.0 lacks, `{"type": "null"}` in an `anyOf`, becomes
`nullable: true`. In 3.0, as in this API, `7.0` is not an integer.
"""

from typing import Any, Literal

from pydantic import BaseModel
from sanic_ext.extensions.openapi.builders import SpecificationBuilder
from sanic_ext.extensions.openapi.types import Schema

NULL = {"type": "null"}
JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
# The name of the bearer-token scheme in the document (see `app.create_app`).
BEARER_SCHEME = "OAuth2PasswordBearer"


def nullable_as_openapi_3_0(node: Any) -> Any:
    """Rewrite `anyOf: [X, {"type": "null"}]` as X with `nullable: true`, everywhere."""
    if isinstance(node, list):
        return [nullable_as_openapi_3_0(child) for child in node]
    if not isinstance(node, dict):
        return node
    converted = {key: nullable_as_openapi_3_0(value) for key, value in node.items()}
    options = converted.get("anyOf")
    if isinstance(options, list) and NULL in options:
        others = [option for option in options if option != NULL]
        del converted["anyOf"]
        if len(others) == 1 and "$ref" not in others[0]:
            converted = {**others[0], **converted}
        else:
            # 3.0 ignores keywords next to `$ref`: wrap it.
            converted["anyOf" if len(others) > 1 else "allOf"] = others
        converted["nullable"] = True
    return converted


def schema_of(model: type[BaseModel]) -> dict[str, str]:
    """A reference to `model`'s schema, which is added to the document's components."""
    spec = SpecificationBuilder()
    name = model.__name__
    if not spec.has_component("schemas", name):
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
        for nested, definition in schema.pop("$defs", {}).items():
            spec.add_component("schemas", nested, nullable_as_openapi_3_0(definition))
        spec.add_component("schemas", name, nullable_as_openapi_3_0(schema))
    return {"$ref": f"#/components/schemas/{name}"}


def content(model: type[BaseModel], media_type: str = JSON) -> dict[str, Any]:
    """A body of `model`, for `openapi.body(...)` and `openapi.response(...)`."""
    return {media_type: {"schema": schema_of(model)}}


def integer(
    *, minimum: int, maximum: int, default: int | None = None, description: str = ""
) -> Schema:
    """A 64-bit integer parameter within `minimum` and `maximum`."""
    rules: dict[str, Any] = {"minimum": minimum, "maximum": maximum}
    if default is not None:
        rules["default"] = default
    if description:
        rules["description"] = description
    return Schema(type="integer", format="int64", **rules)  # type: ignore[no-untyped-call]


HeaderType = Literal["string", "integer"]


def with_header(name: str, kind: HeaderType) -> dict[str, Any]:
    """A response header, for `openapi.response(..., headers=...)`."""
    return {name: {"schema": {"type": kind}}}


class ErrorMessage(BaseModel):
    """The body of every error: a message, or for a validation error a list of problems."""

    detail: str | list[dict[str, Any]]


# What each error status means, for the document.
ERRORS = {
    400: "Invalid request: the body is not JSON, nests too deep, or breaks a rule",
    401: "No token, or a token that is invalid, expired or for an inactive user",
    403: "The item belongs to another user",
    404: "Not found",
    409: "An account with this email (in any case) already exists",
    413: "Request body larger than MAX_REQUEST_BYTES",
    429: "Too many failed logins; `Retry-After` says how many seconds to wait",
    503: "Database busy or unreachable",
}
# The headers an error status carries.
ERROR_HEADERS = {
    401: with_header("WWW-Authenticate", "string"),
    429: with_header("Retry-After", "integer"),
    503: with_header("Retry-After", "integer"),
}


def error_responses(*statuses: int) -> list[dict[str, Any]]:
    """The documented error answers of an operation, for `openapi.definition(response=...)`."""
    return [
        {
            "status": status,
            "description": ERRORS[status],
            "content": content(ErrorMessage),
            **({"headers": ERROR_HEADERS[status]} if status in ERROR_HEADERS else {}),
        }
        for status in statuses
    ]
