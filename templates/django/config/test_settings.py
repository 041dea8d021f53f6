"""Settings for the test suite: the production settings, made fit for a test client.

Set before the real settings read the environment, so a developer's `.env` (DEBUG=true)
does not change what the tests check. DATABASE_URL still comes from the environment:
pytest-django creates a fresh `test_...` database from it for each session.
"""

import os
import secrets

os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("DEBUG", "false")

from config.settings import *  # noqa: F403

# The test client speaks plain HTTP.
SECURE_SSL_REDIRECT = False
# The name schemathesis's in-process client (tests/test_conformance.py) gives the server.
ALLOWED_HOSTS = [*ALLOWED_HOSTS, "localhost"]  # noqa: F405
# Tests render admin pages without running collectstatic first: plain names, and WhiteNoise
# finds the files in the apps, as it does in development.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
WHITENOISE_USE_FINDERS = True
# A deliberately fast hasher: password hashing is not what these tests are about.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
