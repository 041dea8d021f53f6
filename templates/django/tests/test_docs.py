"""The OpenAPI schema and its Swagger UI page."""

from io import StringIO

from django.core.management import call_command
from django.test import Client


def test_docs_page_is_served(client: Client) -> None:
    response = client.get("/api/docs/")
    assert response.status_code == 200
    assert b"swagger-ui" in response.content


def test_schema_describes_the_items_api(client: Client) -> None:
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert set(schema["paths"]) == {"/api/items/", "/api/items/{id}/"}
    # Read-only fields are not asked for when creating an item.
    assert set(schema["components"]["schemas"]["ItemRequest"]["required"]) == {"name", "price"}


def test_schema_is_valid_and_generated_without_warnings() -> None:
    # Fails on any warning, e.g. a view whose fields drf-spectacular cannot work out.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
