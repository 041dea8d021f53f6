"""ASGI entry point: gunicorn's uvicorn workers load `application` from here."""

import os
import warnings

from django.core.asgi import get_asgi_application

from config.error_reporting import init_error_reporting
from config.request_log import RequestLogASGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# WhiteNoise answers static files with a synchronous file iterator, which Django then reads
# in a worker thread. That is fine for static files, so the warning about it is not shown.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)

# Before Django is set up, so that Sentry can hook into it (only with SENTRY_DSN).
init_error_reporting()
# Around all of Django, errors included: the request id and the request's one log line.
application = RequestLogASGI(get_asgi_application())
