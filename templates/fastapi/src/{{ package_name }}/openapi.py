"""The OpenAPI document as version 3.0.

In OpenAPI 3.1 (JSON Schema 2020-12) `7.0` is an integer; in 3.0 it is not, as in this
API, whose integers are strict. Schema-driven clients and test generators then send only
what the API accepts. FastAPI writes 3.1 forms; the one it uses here that 3.0 lacks is
`{"type": "null"}` in an `anyOf`, which becomes `nullable: true`.
"""

from typing import Any

from fastapi import FastAPI

OPENAPI_VERSION = "3.0.3"
NULL = {"type": "null"}


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


def serve_openapi_3_0(app: FastAPI) -> None:
    """Make `app` serve its OpenAPI document as version 3.0."""
    app.openapi_version = OPENAPI_VERSION
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None or app.openapi_schema.get("openapi") != OPENAPI_VERSION:
            app.openapi_schema = nullable_as_openapi_3_0(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
