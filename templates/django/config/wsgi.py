"""WSGI entry point for gunicorn."""

import os

from django.core.wsgi import get_wsgi_application

from config.request_log import RequestLogWSGI

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

# Around all of Django, errors included: the request id and the request's one log line.
application = RequestLogWSGI(get_wsgi_application())
