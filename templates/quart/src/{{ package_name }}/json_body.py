"""JSON for the whole application: request bodies may nest at most `MAX_JSON_DEPTH` levels.

Python's parser gives up somewhere near 1,000 levels with a RecursionError (which would be
a 500), and where exactly depends on the Python version; a fixed, lower limit answers every
over-deep body the same way: 400, like any other body that is not JSON.
"""

from typing import Any

from pydantic import BaseModel
from quart import Request
from quart.json.provider import DefaultJSONProvider
from werkzeug.exceptions import BadRequest

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


class DepthLimitedJSONProvider(DefaultJSONProvider):
    """Quart's JSON, refusing over-deep bodies and writing Pydantic models as JSON."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        try:
            value = super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deep") from None
        if nested_deeper_than(value, MAX_JSON_DEPTH):
            # Quart answers a ValueError from the parser as a malformed body: 400.
            raise ValueError(f"JSON nested deeper than {MAX_JSON_DEPTH} levels")
        return value

    @staticmethod
    def default(o: Any) -> Any:
        if isinstance(o, BaseModel):
            return o.model_dump(mode="json")
        return DefaultJSONProvider.default(o)


class JsonRequest(Request):
    """Quart's request, answering a body that is not UTF-8 like any other malformed JSON."""

    async def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        try:
            return await super().get_json(force=force, silent=silent, cache=cache)
        except UnicodeDecodeError:
            # Quart decodes the body before parsing it; invalid UTF-8 is not JSON either.
            raise BadRequest("The body is not valid UTF-8 JSON") from None
