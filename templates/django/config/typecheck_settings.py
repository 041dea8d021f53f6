"""Settings for mypy's Django plugin, which loads them to learn the models and apps.

It never opens a database, so it needs no DATABASE_URL: type checking works on a fresh
checkout. Every other command still requires one where the project uses PostgreSQL.
"""

import os

os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from config.test_settings import *  # noqa: F403
