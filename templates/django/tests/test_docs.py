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
    assert set(schema["paths"]) == {"/api/items", "/api/items/{id}"}
    assert set(schema["paths"]["/api/items"]) == {"get", "post"}
    assert set(schema["paths"]["/api/items/{id}"]) == {"get", "patch", "delete"}
    components = schema["components"]["schemas"]
    # What a client sends: only `name` is required, nothing else is accepted.
    create = components["ItemRequest"]
    assert create["required"] == ["name"]
    assert set(create["properties"]) == {"name", "description", "quantity"}
    assert create["additionalProperties"] is False
    # PATCH: nothing required, `name` and `quantity` not nullable, `description` nullable.
    patch = components["PatchedItemRequest"]
    assert "required" not in patch
    assert patch["additionalProperties"] is False
    assert "nullable" not in patch["properties"]["name"]
    assert "nullable" not in patch["properties"]["quantity"]
    assert patch["properties"]["description"]["nullable"] is True
    # What a client gets: every field, always; a page of them.
    assert components["Item"]["required"] == ["id", "name", "description", "quantity"]
    page = components["PaginatedItemList"]
    assert page["required"] == ["items", "total", "offset", "limit"]


def test_schema_is_valid_and_generated_without_warnings() -> None:
    # Fails on any warning, e.g. a view whose fields drf-spectacular cannot work out.
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=StringIO())
