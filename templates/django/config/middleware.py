"""Answers every request with a deliberate status: 413 for bodies that are too large, 503
while the database is busy or unreachable."""

import logging
from collections.abc import Callable

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import InterfaceError, OperationalError
from django.http import HttpRequest, HttpResponse, JsonResponse

logger = logging.getLogger(__name__)

# Seconds a client should wait before trying again after a 503.
RETRY_AFTER_SECONDS = 5


def too_large() -> JsonResponse:
    return JsonResponse(
        {"detail": f"The request body is larger than {settings.MAX_REQUEST_BYTES} bytes."},
        status=413,
    )


class RequestSizeLimitMiddleware:
    """Refuses a body larger than MAX_REQUEST_BYTES before anything reads it.

    Django's own limit (DATA_UPLOAD_MAX_MEMORY_SIZE) answers 400, and only for what is
    read through `request.body` or forms; this answers 413 (Content Too Large) for all.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads a malformed length as no body at all
        if length > settings.MAX_REQUEST_BYTES:
            return too_large()
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A locked SQLite file or an unreachable server is the client's cue to retry (503),
    not a server bug (500). Logged, so that a persistent outage shows."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, RequestDataTooBig):
            return too_large()
        if not isinstance(exception, OperationalError | InterfaceError):
            return None
        logger.error(
            "Database unavailable: %s %s: %s",
            request.method,
            request.path,
            exception,
            extra={"status_code": 503},
        )
        response = JsonResponse(
            {"detail": "The database is busy or unavailable. Try again shortly."}, status=503
        )
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response
