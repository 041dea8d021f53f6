"""Production readiness: deployment checks, HTTPS, migrations and static files."""

import os
import secrets
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client, override_settings

PROJECT_DIR = Path(settings.BASE_DIR)


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Runs manage.py with the real settings and a production environment plus `env`."""
    # Drop anything that could loosen the production settings (or that the tests set).
    keep = {k: v for k, v in os.environ.items() if not k.startswith(("SECURE_", "DEBUG"))}
    keep.pop("SESSION_COOKIE_SECURE", None)
    keep.pop("CSRF_COOKIE_SECURE", None)
    production = {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "example.com",
    }
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env=keep | production | env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_deployment_check_passes_with_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr
    assert "no issues" in result.stdout


def test_deployment_check_passes_behind_a_tls_proxy() -> None:
    # The proxy redirects to HTTPS itself; turning ours off is deliberate, not a warning.
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", SECURE_SSL_REDIRECT="false")
    assert result.returncode == 0, result.stderr


def test_production_refuses_to_start_without_a_secret_key() -> None:
    result = run_manage("check", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


@override_settings(SECURE_SSL_REDIRECT=True)
def test_plain_http_is_redirected_but_health_probes_are_not(db: None) -> None:
    client = Client()
    response = client.get("/hello/")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/hello/"
    assert client.get("/health").status_code == 200


def test_https_responses_carry_hsts(client: Client) -> None:
    response = client.get("/hello/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains; preload"
    assert settings.SESSION_COOKIE_SECURE
    assert settings.CSRF_COOKIE_SECURE


@pytest.mark.django_db
def test_migrations_match_the_models() -> None:
    # Same as `manage.py makemigrations --check --dry-run`: fails if a model changed
    # without a migration.
    call_command("makemigrations", "--check", "--dry-run", stdout=StringIO())


def test_collectstatic_gathers_the_admin_styles(tmp_path: Path) -> None:
    storages = settings.STORAGES | {
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        call_command("collectstatic", "--noinput", stdout=StringIO())
    assert (tmp_path / "admin" / "css" / "base.css").is_file()
    assert (tmp_path / "staticfiles.json").is_file()


@pytest.mark.django_db
def test_pages_render_before_collectstatic(client: Client, tmp_path: Path) -> None:
    # The production storage with nothing collected yet: plain names, not a 500.
    storages = settings.STORAGES | {
        "staticfiles": {"BACKEND": "config.static_storage.StaticFilesStorage"}
    }
    with override_settings(STATIC_ROOT=tmp_path, STORAGES=storages):
        response = client.get("/admin/login/")
    assert response.status_code == 200
    assert b"/static/admin/css/base.css" in response.content
