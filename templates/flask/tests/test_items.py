"""The items resource: create, read, list, update, delete, validation and pagination."""

import json
from typing import Any

import pytest
from flask.testing import FlaskClient


def create_item(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/items/", json={"name": "A thing", **fields})
    assert response.status_code == 201, response.get_json()
    item: dict[str, Any] = response.get_json()
    return item


def test_create_returns_the_new_item(client: FlaskClient) -> None:
    item = create_item(client, name="Lamp", description="Reading light")
    assert item == {"id": item["id"], "name": "Lamp", "description": "Reading light"}


def test_description_is_optional(client: FlaskClient) -> None:
    assert create_item(client, name="Chair")["description"] == ""


def test_read_returns_the_item(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.get(f"/items/{item['id']}")
    assert response.status_code == 200
    assert response.get_json() == item


def test_list_returns_items_in_creation_order(client: FlaskClient) -> None:
    names = ["first", "second", "third"]
    for name in names:
        create_item(client, name=name)
    response = client.get("/items/")
    assert response.status_code == 200
    assert [item["name"] for item in response.get_json()] == names


def test_patch_changes_only_the_fields_sent(client: FlaskClient) -> None:
    item = create_item(client, name="Old", description="Kept")
    response = client.patch(f"/items/{item['id']}", json={"name": "New"})
    assert response.status_code == 200
    assert response.get_json() == {**item, "name": "New"}
    assert client.get(f"/items/{item['id']}").get_json()["name"] == "New"


def test_delete_removes_the_item(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert client.get(f"/items/{item['id']}").status_code == 404


@pytest.mark.parametrize("method", ["get", "patch", "delete"])
def test_unknown_item_is_a_404(client: FlaskClient, method: str) -> None:
    response = getattr(client, method)("/items/999999", json={})
    assert response.status_code == 404
    assert response.get_json() == {
        "code": 404,
        "status": "Not Found",
        "message": "Item 999999 not found.",
    }


def test_missing_name_is_a_422_with_the_field_errors(client: FlaskClient) -> None:
    response = client.post("/items/", json={"description": "no name"})
    assert response.status_code == 422
    assert response.get_json() == {
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {"json": {"name": ["Missing data for required field."]}},
    }


@pytest.mark.parametrize(
    "body",
    [{"name": ""}, {"name": "x" * 101}, {"name": 42}, {"name": "ok", "colour": "red"}],
)
def test_invalid_item_is_rejected(client: FlaskClient, body: dict[str, Any]) -> None:
    response = client.post("/items/", json=body)
    assert response.status_code == 422
    assert "json" in response.get_json()["errors"]
    assert client.get("/items/").get_json() == []


def test_invalid_patch_is_rejected(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.patch(f"/items/{item['id']}", json={"name": ""})
    assert response.status_code == 422
    assert client.get(f"/items/{item['id']}").get_json() == item


def test_list_is_paginated(client: FlaskClient) -> None:
    for number in range(1, 13):
        create_item(client, name=f"item {number}")
    response = client.get("/items/?page=2&page_size=5")
    assert response.status_code == 200
    assert [item["name"] for item in response.get_json()] == [
        f"item {number}" for number in range(6, 11)
    ]
    pagination = json.loads(response.headers["X-Pagination"])
    assert pagination["total"] == 12
    assert pagination["total_pages"] == 3
    assert pagination["page"] == 2


def test_page_size_has_a_limit(client: FlaskClient) -> None:
    response = client.get("/items/?page_size=1000")
    assert response.status_code == 422
    assert "page_size" in response.get_json()["errors"]["query"]
