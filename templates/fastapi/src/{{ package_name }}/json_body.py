"""A route class whose JSON bodies may nest at most `MAX_JSON_DEPTH` levels.

Python's parser gives up somewhere near 1,000 levels, and where exactly depends on the
Python version; a fixed, lower limit answers every over-deep body the same way: 400.
Routers that take a JSON body use it: `APIRouter(route_class=JsonBodyRoute)`.
"""

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.routing import APIRoute

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


class DepthLimitedRequest(Request):
    async def json(self) -> Any:
        if not hasattr(self, "_json"):
            body = await self.body()
            value = json.loads(body)
            if nested_deeper_than(value, MAX_JSON_DEPTH):
                # FastAPI answers a JSONDecodeError like any other malformed body.
                raise json.JSONDecodeError(f"nested deeper than {MAX_JSON_DEPTH} levels", "", 0)
            self._json = value
        return self._json


class JsonBodyRoute(APIRoute):
    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def depth_limited_handler(request: Request) -> Response:
            return await handler(DepthLimitedRequest(request.scope, request.receive))

        return depth_limited_handler
