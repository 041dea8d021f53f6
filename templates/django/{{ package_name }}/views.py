from django.db import DatabaseError, connection
from django.http import HttpRequest, JsonResponse
from rest_framework import filters, viewsets

from .models import Item
from .serializers import ItemSerializer


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from Django"})


def health(request: HttpRequest) -> JsonResponse:
    """Ready to serve: the database answers a trivial query."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


class ItemViewSet(viewsets.ModelViewSet[Item]):
    """List, create, read, update and delete items at /api/items/.

    Reading is open; writing needs a logged-in user (see REST_FRAMEWORK in the settings).
    `?search=` looks in name and description, `?ordering=` sorts, `?page=` pages.
    """

    queryset = Item.objects.order_by("id")
    serializer_class = ItemSerializer
    filter_backends = (filters.SearchFilter, filters.OrderingFilter)
    search_fields = ("name", "description")
    ordering_fields = ("id", "name", "price", "created_at")
