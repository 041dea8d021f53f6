"""Error pages as JSON objects, like the API's own errors (used when DEBUG is off)."""

from django.http import HttpRequest, JsonResponse


def bad_request(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"detail": "Bad request."}, status=400)


def permission_denied(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"detail": "You do not have permission to do this."}, status=403)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"detail": "Not found."}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    # The traceback goes to the log (django.request), never to the client.
    return JsonResponse({"detail": "Internal server error."}, status=500)
