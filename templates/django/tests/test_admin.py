"""The admin: staff log in and manage items, with search."""

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from .conftest import ItemFactory

pytestmark = pytest.mark.django_db


def admin_url(model: str, view: str) -> str:
    """E.g. admin_url("item", "changelist"): the admin's URL names carry the app label."""
    app_label = get_user_model()._meta.app_label
    return reverse(f"admin:{app_label}_{model}_{view}")


def test_admin_asks_anonymous_visitors_to_log_in(client: Client) -> None:
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_item_list_searches(admin_client: Client, make_item: ItemFactory) -> None:
    make_item(name="Red chair")
    make_item(name="Lamp", description="beside the chair")
    make_item(name="Table")
    response = admin_client.get(admin_url("item", "changelist"), {"q": "chair"})
    assert response.status_code == 200
    assert b"Red chair" in response.content
    assert b"Lamp" in response.content
    assert b"Table" not in response.content


def test_admin_styles_are_served(client: Client) -> None:
    response = client.get("/static/admin/css/base.css")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/css")


def test_users_are_managed_in_the_admin(admin_client: Client) -> None:
    assert admin_client.get(admin_url("user", "changelist")).status_code == 200
    assert admin_client.get(admin_url("user", "add")).status_code == 200
