"""The OpenAPI document, generated from the code: the route table (`app.ROUTES`), the
`@operation` each handler method carries, and the Pydantic models' JSON schemas.

Nothing here is written by hand per endpoint: a new handler method with an `@operation`
appears in `/openapi.json` and on the docs page. The document is OpenAPI 3.0: there, as in
this API, `7.0` is not an integer (in 3.1 it would be), so schema-driven clients and test
generators send only what the API accepts.
"""

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from tornado.web import RequestHandler

from .schemas import ErrorMessage

OPENAPI_VERSION = "3.0.3"
REF = "#/components/schemas/{model}"
NULL = {"type": "null"}
HTTP_METHODS = ("get", "post", "put", "patch", "delete")
# A path parameter in the route table, `{item_id}`: a path segment, handed to the method.
PARAMETER = re.compile(r"\{(\w+)\}")

ERROR_DESCRIPTIONS = {
    400: "Body not JSON, or nested too deep",
    401: "No token, or a token that is invalid, expired or for an inactive user",
    403: "The item belongs to another user",
    404: "Not found",
    409: "The email is already registered",
    413: "Request body larger than MAX_REQUEST_BYTES",
    422: "A field breaks its rules; `detail` names it",
    429: "Too many failed token requests; wait `Retry-After` seconds",
    503: "Database busy or unreachable",
}
ERROR_HEADERS = {
    401: {"WWW-Authenticate": {"schema": {"type": "string"}}},
    429: {"Retry-After": {"schema": {"type": "integer"}}},
    503: {"Retry-After": {"schema": {"type": "integer"}}},
}

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class Operation:
    """What a handler method accepts and answers, for the document."""

    summary: str
    tag: str
    status: int = 200
    response: type[BaseModel] | None = None  # None: no body (204)
    body: type[BaseModel] | None = None  # JSON
    form: type[BaseModel] | None = None  # application/x-www-form-urlencoded
    query: type[BaseModel] | None = None
    errors: tuple[int, ...] = ()
    secured: bool = False  # needs `Authorization: Bearer <token>`


def operation(summary: str, tag: str, **details: Any) -> Callable[[F], F]:
    """Describe a handler method for the OpenAPI document (see `Operation`)."""

    def describe(method: F) -> F:
        method.openapi = Operation(summary, tag, **details)  # type: ignore[attr-defined]
        return method

    return describe


@dataclass(frozen=True)
class Route:
    """A path, in OpenAPI's form (`/items/{item_id}`), and the handler that serves it."""

    path: str
    handler: type[RequestHandler]
    documented: bool = True

    @property
    def pattern(self) -> str:
        """The path as Tornado's routing pattern: each parameter one path segment."""
        return PARAMETER.sub(r"(?P<\1>[^/]+)", self.path) + "$"


def nullable_as_openapi_3_0(node: Any) -> Any:
    """Rewrite JSON Schema 2020-12 forms OpenAPI 3.0 lacks: `anyOf: [X, {"type": "null"}]`
    becomes X with `nullable: true`, and `const` a one-value `enum`."""
    if isinstance(node, list):
        return [nullable_as_openapi_3_0(child) for child in node]
    if not isinstance(node, dict):
        return node
    converted = {key: nullable_as_openapi_3_0(value) for key, value in node.items()}
    if "const" in converted:
        converted["enum"] = [converted.pop("const")]
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


class _Schemas:
    """The components' schemas, each model's added once."""

    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def ref(self, model: type[BaseModel], mode: str = "validation") -> dict[str, str]:
        name = model.__name__
        if name not in self.components:
            schema = model.model_json_schema(ref_template=REF, mode=mode)  # type: ignore[arg-type]
            self.components.update(schema.pop("$defs", {}))
            self.components[name] = schema
        return {"$ref": REF.format(model=name)}

    def inline(self, model: type[BaseModel]) -> dict[str, Any]:
        schema = model.model_json_schema(ref_template=REF)
        self.components.update(schema.pop("$defs", {}))
        return schema


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"application/json": {"schema": schema}}


def _operation(
    op: Operation, path_parameters: list[str], schemas: _Schemas, method: str
) -> dict[str, Any]:
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
        for name in path_parameters
    ]
    if op.query is not None:
        query = schemas.inline(op.query)
        required = set(query.get("required", []))
        for name, schema in query.get("properties", {}).items():
            described = {key: value for key, value in schema.items() if key != "description"}
            parameters.append(
                {
                    "name": name,
                    "in": "query",
                    "required": name in required,
                    "description": schema.get("description", ""),
                    "schema": described,
                }
            )
    ok: dict[str, Any] = {"description": op.summary}
    if op.response is not None:
        ok["content"] = _json(schemas.ref(op.response, "serialization"))
    responses: dict[str, Any] = {str(op.status): ok}
    error = schemas.ref(ErrorMessage, "serialization")
    for code in sorted(op.errors):
        responses[str(code)] = {"description": ERROR_DESCRIPTIONS[code], "content": _json(error)}
        if code in ERROR_HEADERS:
            responses[str(code)]["headers"] = ERROR_HEADERS[code]
    document: dict[str, Any] = {
        "tags": [op.tag],
        "summary": op.summary,
        "operationId": f"{op.tag}_{method}_{'_'.join(op.summary.lower().split())}",
        "parameters": parameters,
        "responses": responses,
    }
    if op.body is not None:
        document["requestBody"] = {"required": True, "content": _json(schemas.ref(op.body))}
    if op.form is not None:
        form = {"schema": schemas.ref(op.form)}
        document["requestBody"] = {
            "required": True,
            "content": {"application/x-www-form-urlencoded": form},
        }
    if op.secured:
        document["security"] = [{"OAuth2PasswordBearer": []}]
    if not parameters:
        del document["parameters"]
    return document


def build_document(
    routes: Iterable[Route], title: str, version: str, description: str = ""
) -> dict[str, Any]:
    """The OpenAPI 3.0 document of every documented route's described methods."""
    schemas = _Schemas()
    paths: dict[str, Any] = {}
    secured = False
    for route in routes:
        if not route.documented:
            continue
        path_parameters = PARAMETER.findall(route.path)
        for method in HTTP_METHODS:
            op: Operation | None = getattr(getattr(route.handler, method), "openapi", None)
            if op is None:
                continue
            secured = secured or op.secured
            paths.setdefault(route.path, {})[method] = _operation(
                op, path_parameters, schemas, method
            )
    info: dict[str, Any] = {"title": title, "version": version}
    if description:
        info["description"] = description
    components: dict[str, Any] = {"schemas": dict(sorted(schemas.components.items()))}
    if secured:
        components["securitySchemes"] = {
            "OAuth2PasswordBearer": {
                "type": "oauth2",
                "flows": {"password": {"tokenUrl": "auth/token", "scopes": {}}},
            }
        }
    document = {"openapi": OPENAPI_VERSION, "info": info, "paths": paths, "components": components}
    converted: dict[str, Any] = nullable_as_openapi_3_0(document)
    return converted
