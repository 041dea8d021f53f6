import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, JsonResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, viewsets
from rest_framework.request import Request
from rest_framework.response import Response

from .models import Item
from .serializers import ItemSerializer

logger = logging.getLogger(__name__)

# Ids are 64-bit: a larger (or non-positive) one names no item, so the database is not asked.
MAX_ID = 2**63 - 1


def read_only(view: Callable[[HttpRequest], JsonResponse]) -> Callable[[HttpRequest], JsonResponse]:
    """GET and HEAD only; any other method answers 405 with `Allow`, as JSON."""

    @wraps(view)
    def only_get(request: HttpRequest) -> JsonResponse:
        if request.method not in ("GET", "HEAD"):
            response = JsonResponse({"detail": "Method not allowed."}, status=405)
            response["Allow"] = "GET, HEAD"
            return response
        return view(request)

    return only_get


@read_only
def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from Django"})


@read_only
def health(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError as error:
        logger.warning("Health check: the database is unavailable: %s", error)
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _error(description: str) -> OpenApiResponse:
    return OpenApiResponse(OpenApiTypes.OBJECT, description=description)


INVALID = _error("Invalid input: the body names each offending field")
NOT_FOUND = _error("No such item")
UNAUTHORIZED = _error("No or wrong credentials (HTTP Basic)")
FORBIDDEN = _error("Not allowed (e.g. a session write without its CSRF token)")
TOO_LARGE = _error("The body is larger than MAX_REQUEST_BYTES")
NOT_JSON = _error("The body is not JSON")
UNAVAILABLE = _error("The database is busy or unavailable; try again")
WRITE_ERRORS = {
    401: UNAUTHORIZED,
    403: FORBIDDEN,
    413: TOO_LARGE,
    415: NOT_JSON,
    503: UNAVAILABLE,
}
# Path ids are 64-bit; outside 1..MAX_ID the answer is 404.
ITEM_ID = OpenApiParameter(
    "id", {"type": "integer", "minimum": 1, "maximum": MAX_ID}, OpenApiParameter.PATH
)


@extend_schema_view(
    list=extend_schema(responses={200: ItemSerializer(many=True), 400: INVALID, 503: UNAVAILABLE}),
    create=extend_schema(responses={201: ItemSerializer, 400: INVALID, **WRITE_ERRORS}),
    retrieve=extend_schema(
        parameters=[ITEM_ID], responses={200: ItemSerializer, 404: NOT_FOUND, 503: UNAVAILABLE}
    ),
    partial_update=extend_schema(
        parameters=[ITEM_ID],
        responses={200: ItemSerializer, 400: INVALID, 404: NOT_FOUND, **WRITE_ERRORS},
    ),
    destroy=extend_schema(
        parameters=[ITEM_ID],
        responses={
            204: None,
            401: UNAUTHORIZED,
            403: FORBIDDEN,
            404: NOT_FOUND,
            503: UNAVAILABLE,
        },
    ),
)
class ItemViewSet(
    mixins.ListModelMixin,
    mixins.CreateModelMixin,
    mixins.RetrieveModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet[Item],
):
    """List, create, read, change (PATCH) and delete items at /api/items.

    Reading is open; writing needs a logged-in user (see REST_FRAMEWORK in the settings).
    The list is paged with `?offset=` and `?limit=`, in ascending id order.
    """

    queryset = Item.objects.order_by("id")
    serializer_class = ItemSerializer
    lookup_value_regex = "[0-9]+"

    def get_object(self) -> Item:
        pk = str(self.kwargs["pk"])
        if len(pk) > len(str(MAX_ID)) or not 1 <= int(pk) <= MAX_ID:
            raise Http404("No Item matches the given query.")
        return super().get_object()

    def partial_update(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """PATCH: changes the fields sent, leaves the others (there is no PUT)."""
        serializer = self.get_serializer(self.get_object(), data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        serializer.save()
        return Response(serializer.data)
