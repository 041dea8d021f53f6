"""Hooks that make the generated OpenAPI document say exactly what the API accepts."""

import copy
from collections.abc import Callable
from typing import Any

from .serializers import FIELD_SCHEMAS

Endpoint = tuple[str, str, str, Callable[..., Any]]


def without_optional_slash(endpoints: list[Endpoint], **kwargs: Any) -> list[Endpoint]:
    """Document `/api/items`, not `/api/items/`: the router takes both (`/?`), no redirect."""
    return [
        (path.removesuffix("/") if path_regex.endswith("/?$") else path, path_regex, method, view)
        for path, path_regex, method, view in endpoints
    ]


def describe_items_exactly(result: dict[str, Any], **kwargs: Any) -> dict[str, Any]:
    """The item's fields as the serializer checks them (drf-spectacular cannot see inside
    its strict fields); an item always has all four; unknown fields are refused."""
    schemas = result["components"]["schemas"]
    for name in ("Item", "ItemRequest", "PatchedItemRequest"):
        properties = schemas[name]["properties"]
        properties.update(copy.deepcopy(FIELD_SCHEMAS))
        if name.endswith("Request"):
            schemas[name]["additionalProperties"] = False
    schemas["Item"]["required"] = list(schemas["Item"]["properties"])
    return result
