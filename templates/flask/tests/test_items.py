"""The items resource: create, read, list, change, delete, validation and the page."""

from typing import Any

import pytest
from flask.testing import FlaskClient


def create_item(client: FlaskClient, **fields: Any) -> dict[str, Any]:
    response = client.post("/items", json={"name": "A thing", **fields})
    assert response.status_code == 201, response.get_json()
    item: dict[str, Any] = response.get_json()
    return item


def test_create_returns_the_new_item(client: FlaskClient) -> None:
    item = create_item(client, name="Lamp", description="Reading light", quantity=3)
    assert item == {"id": item["id"], "name": "Lamp", "description": "Reading light", "quantity": 3}


def test_defaults_are_null_description_and_zero_quantity(client: FlaskClient) -> None:
    item = create_item(client, name="Chair")
    assert item["description"] is None
    assert item["quantity"] == 0


def test_name_is_stripped(client: FlaskClient) -> None:
    assert create_item(client, name="  Desk \t")["name"] == "Desk"


def test_read_returns_the_item(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.get(f"/items/{item['id']}")
    assert response.status_code == 200
    assert response.get_json() == item


def test_list_is_a_page_in_id_order(client: FlaskClient) -> None:
    names = ["first", "second", "third"]
    for name in names:
        create_item(client, name=name)
    response = client.get("/items")
    assert response.status_code == 200
    page = response.get_json()
    assert [item["name"] for item in page["items"]] == names
    assert {key: page[key] for key in ("total", "offset", "limit")} == {
        "total": 3,
        "offset": 0,
        "limit": 20,
    }


def test_offset_and_limit_pick_the_page(client: FlaskClient) -> None:
    for number in range(1, 13):
        create_item(client, name=f"item {number}")
    page = client.get("/items?offset=5&limit=5").get_json()
    assert [item["name"] for item in page["items"]] == [f"item {n}" for n in range(6, 11)]
    assert (page["total"], page["offset"], page["limit"]) == (12, 5, 5)


@pytest.mark.parametrize("query", ["limit=0", "limit=101", "offset=-1", "limit=abc"])
def test_bad_page_arguments_are_a_422(client: FlaskClient, query: str) -> None:
    response = client.get(f"/items?{query}")
    assert response.status_code == 422
    assert query.split("=")[0] in response.get_json()["errors"]["query"]


def test_trailing_slash_is_answered_without_a_redirect(client: FlaskClient) -> None:
    response = client.post("/items/", json={"name": "Slash"})
    assert response.status_code == 201
    assert client.get("/items/").get_json()["total"] == 1


def test_patch_changes_only_the_fields_sent(client: FlaskClient) -> None:
    item = create_item(client, name="Old", description="Kept", quantity=2)
    response = client.patch(f"/items/{item['id']}", json={"name": "New"})
    assert response.status_code == 200
    assert response.get_json() == {**item, "name": "New"}
    assert client.get(f"/items/{item['id']}").get_json()["name"] == "New"


def test_patch_null_description_clears_it(client: FlaskClient) -> None:
    item = create_item(client, description="Going")
    response = client.patch(f"/items/{item['id']}", json={"description": None})
    assert response.status_code == 200
    assert response.get_json()["description"] is None


def test_empty_patch_changes_nothing(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.patch(f"/items/{item['id']}", json={})
    assert response.status_code == 200
    assert response.get_json() == item


def test_delete_removes_the_item(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert response.get_data() == b""
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


def test_missing_name_is_a_422_naming_the_field(client: FlaskClient) -> None:
    response = client.post("/items", json={"description": "no name"})
    assert response.status_code == 422
    assert response.get_json() == {
        "code": 422,
        "status": "Unprocessable Entity",
        "errors": {"json": {"name": ["Missing data for required field."]}},
    }


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": 42}, "name"),
        ({"name": "ok", "colour": "red"}, "colour"),
        ({"name": "ok", "description": "x" * 1001}, "description"),
        ({"name": "ok", "quantity": -1}, "quantity"),
        ({"name": "ok", "quantity": 1_000_001}, "quantity"),
    ],
)
def test_invalid_item_is_refused(client: FlaskClient, body: dict[str, Any], field: str) -> None:
    response = client.post("/items", json=body)
    assert response.status_code == 422
    assert field in response.get_json()["errors"]["json"]
    assert client.get("/items").get_json()["total"] == 0


def test_limits_themselves_are_accepted(client: FlaskClient) -> None:
    item = create_item(client, name="x" * 100, description="d" * 1000, quantity=1_000_000)
    assert (len(item["name"]), len(item["description"]), item["quantity"]) == (100, 1000, 1_000_000)


def test_invalid_patch_is_refused(client: FlaskClient) -> None:
    item = create_item(client)
    response = client.patch(f"/items/{item['id']}", json={"name": ""})
    assert response.status_code == 422
    assert client.get(f"/items/{item['id']}").get_json() == item
