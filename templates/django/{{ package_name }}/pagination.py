"""Pages of the list as `{"items", "total", "offset", "limit"}`, chosen by offset and limit."""

import re
from collections.abc import Sequence
from typing import Any

from django.db.models import QuerySet
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import BasePagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

# The largest 64-bit signed integer: the largest offset a database accepts.
MAX_OFFSET = 2**63 - 1
DEFAULT_LIMIT = 20
MAX_LIMIT = 100
# A whole number that fits 64 bits at most (leading zeros allowed, no sign).
DIGITS = re.compile(r"0*[0-9]{1,19}")


def read_bound(request: Request, name: str, default: int, low: int, high: int) -> int:
    """The query parameter `name`, a whole number from `low` to `high`; else a 400."""
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not DIGITS.fullmatch(raw) or not low <= int(raw) <= high:
        raise ValidationError({name: [f"Must be a whole number from {low} to {high}."]})
    return int(raw)


class OffsetLimitPagination(BasePagination):
    offset = 0
    limit = DEFAULT_LIMIT
    total = 0

    def paginate_queryset(
        self,
        queryset: QuerySet[Any, Any] | Sequence[Any],
        request: Request,
        view: APIView | None = None,
    ) -> list[Any]:
        self.offset = read_bound(request, "offset", 0, 0, MAX_OFFSET)
        self.limit = read_bound(request, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT)
        self.total = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        if self.offset >= self.total:
            return []  # also keeps offsets near 2**63 away from the database
        return list(queryset[self.offset : self.offset + self.limit])

    def get_paginated_response(self, data: Sequence[Any]) -> Response:
        return Response(
            {"items": data, "total": self.total, "offset": self.offset, "limit": self.limit}
        )

    def get_paginated_response_schema(self, schema: dict[str, Any]) -> dict[str, Any]:
        return {
            "type": "object",
            "required": ["items", "total", "offset", "limit"],
            "properties": {
                "items": schema,
                "total": {"type": "integer", "minimum": 0},
                "offset": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET},
                "limit": {"type": "integer", "minimum": 1, "maximum": MAX_LIMIT},
            },
            "additionalProperties": False,
        }

    def get_schema_operation_parameters(self, view: APIView) -> list[dict[str, Any]]:
        return [
            {
                "name": "offset",
                "in": "query",
                "required": False,
                "description": "How many items to skip.",
                "schema": {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET, "default": 0},
            },
            {
                "name": "limit",
                "in": "query",
                "required": False,
                "description": "How many items to return at most.",
                "schema": {
                    "type": "integer",
                    "minimum": 1,
                    "maximum": MAX_LIMIT,
                    "default": DEFAULT_LIMIT,
                },
            },
        ]
