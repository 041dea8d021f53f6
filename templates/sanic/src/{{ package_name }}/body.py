"""Reading what a request sends: its JSON body, its form or its query, checked against a
Pydantic model. A request that breaks the model is answered 400 naming each problem.

The body is parsed with the standard library and may nest at most `MAX_JSON_DEPTH` levels:
Python's parser gives up somewhere near 1,000 levels, and where exactly depends on the
Python version; a fixed, lower limit answers every over-deep body the same way.
"""

import json
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError
from sanic import Request

from .errors import InvalidRequest, invalid

Model = TypeVar("Model", bound=BaseModel)

# Far deeper than any body this API accepts, far shallower than the parser's own limit.
MAX_JSON_DEPTH = 64


def nested_deeper_than(value: Any, limit: int) -> bool:
    """Whether `value` has objects or arrays nested more than `limit` levels deep."""
    pending = [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict):
            children = list(node.values())
        elif isinstance(node, list):
            children = node
        else:
            continue
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in children)
    return False


def _not_json(message: str) -> InvalidRequest:
    return InvalidRequest([{"type": "json_invalid", "loc": ["body"], "msg": message}])


def json_body(request: Request) -> Any:
    """The request's body as JSON; 400 when it is empty, not JSON or nested too deep."""
    if not request.body:
        raise _not_json("A JSON body is required")
    try:
        value = json.loads(request.body)
    except (ValueError, RecursionError):  # UnicodeDecodeError is a ValueError
        raise _not_json("The body is not valid JSON") from None
    if nested_deeper_than(value, MAX_JSON_DEPTH):
        raise _not_json(f"The body nests deeper than {MAX_JSON_DEPTH} levels")
    return value


def parse_body(request: Request, model: type[Model]) -> Model:
    """The JSON body as `model`; 400 naming the fields that break it."""
    try:
        return model.model_validate(json_body(request))
    except ValidationError as error:
        raise invalid(error, "body") from None


def parse_form(request: Request, model: type[Model]) -> Model:
    """A form (`application/x-www-form-urlencoded` or multipart) as `model`; each field's
    first value counts."""
    fields = {name: values[0] for name, values in (request.form or {}).items() if values}
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise invalid(error, "body") from None


def parse_query(request: Request, model: type[Model]) -> Model:
    """The query string as `model`; parameters the model does not name are ignored."""
    fields = {name: values[0] for name, values in request.args.items() if values}
    try:
        return model.model_validate(fields)
    except ValidationError as error:
        raise invalid(error, "query") from None
