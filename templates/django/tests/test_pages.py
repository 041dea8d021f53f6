"""The plain Django views: the greeting and the health check."""

from unittest import mock

import pytest
from django.db import OperationalError
from django.test import Client


def test_hello_returns_the_greeting(client: Client) -> None:
    response = client.get("/hello/")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello from Django"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/health", "/health/"])
def test_health_checks_the_database(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


@pytest.mark.django_db
def test_health_reports_an_unreachable_database(client: Client) -> None:
    with mock.patch("django.db.backends.utils.CursorWrapper.execute") as execute:
        execute.side_effect = OperationalError("connection refused")
        response = client.get("/health")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "unavailable"}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/hello/", "/health"])
def test_pages_answer_only_get_and_head(client: Client, path: str) -> None:
    assert client.head(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"
    assert response.json() == {"detail": "Method not allowed."}


def test_unknown_page_is_404(client: Client) -> None:
    assert client.get("/no-such-page/").status_code == 404
