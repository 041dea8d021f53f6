"""The guide's minimal Django app: a `hello/` view returning JsonResponse, in one file.

The view and URL are the guide's. The settings are those of a `django-admin startproject`
project (where the guide's urls.py and views.py live), reduced to what the view needs:
the default middleware stack and apps, debug off, and the hosts the benchmark uses.
"""

import os

import django
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.urls import path

settings.configure(
    DEBUG=False,
    SECRET_KEY=os.environ.get("SECRET_KEY", "benchmark-only-not-secret"),
    ALLOWED_HOSTS=["127.0.0.1", "localhost"],
    ROOT_URLCONF=__name__,
    INSTALLED_APPS=[
        "django.contrib.auth",
        "django.contrib.contenttypes",
        "django.contrib.sessions",
        "django.contrib.messages",
    ],
    MIDDLEWARE=[
        "django.middleware.security.SecurityMiddleware",
        "django.contrib.sessions.middleware.SessionMiddleware",
        "django.middleware.common.CommonMiddleware",
        "django.middleware.csrf.CsrfViewMiddleware",
        "django.contrib.auth.middleware.AuthenticationMiddleware",
        "django.contrib.messages.middleware.MessageMiddleware",
        "django.middleware.clickjacking.XFrameOptionsMiddleware",
    ],
    DATABASES={"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}},
    USE_TZ=True,
)
django.setup()


def hello(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from Django"})


urlpatterns = [
    path("hello/", hello),
]

# gunicorn loads `guide_django:app` (WSGI), or `guide_django:asgi_app` with uvicorn workers.
from django.core.asgi import get_asgi_application  # noqa: E402 - needs the settings above
from django.core.wsgi import get_wsgi_application  # noqa: E402

app = get_wsgi_application()
asgi_app = get_asgi_application()
