from django.http import HttpRequest, JsonResponse


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from Django"})
