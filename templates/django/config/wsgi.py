"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from config.error_reporting import init_error_reporting
from config.request_log import RequestLogWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Before Django is set up, so that Sentry can hook into it (only with SENTRY_DSN).
init_error_reporting()
# Around all of Django, errors included: the request id and the request's one log line.
application = RequestLogWSGI(get_wsgi_application())
