"""The item resource: create, read, list, update, delete, and the errors clients see."""

from typing import Any

import pytest
from litestar import Litestar
from litestar.testing import AsyncTestClient

Client = AsyncTestClient[Litestar]


async def create(client: Client, **fields: Any) -> dict[str, Any]:
    response = await client.post("/items", json={"name": "Notebook", **fields})
    assert response.status_code == 201, response.text
    item: dict[str, Any] = response.json()
    return item


async def test_create_returns_the_new_item(client: Client) -> None:
    item = await create(client, description="A5, dotted pages", quantity=3)
    assert isinstance(item["id"], int)
    assert item == {
        "id": item["id"],
        "name": "Notebook",
        "description": "A5, dotted pages",
        "quantity": 3,
    }


async def test_create_defaults_and_strips_the_name(client: Client) -> None:
    item = await create(client, name="  Pen \t")
    assert (item["name"], item["description"], item["quantity"]) == ("Pen", None, 0)


async def test_names_need_not_be_unique(client: Client) -> None:
    first = await create(client)
    second = await create(client)
    assert first["id"] != second["id"]


async def test_read_returns_the_stored_item(client: Client) -> None:
    item = await create(client)
    response = await client.get(f"/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


async def test_list_is_a_page_in_id_order(client: Client) -> None:
    pen = await create(client, name="Pen")
    ink = await create(client, name="Ink")
    response = await client.get("/items")
    assert response.status_code == 200
    assert response.json() == {"items": [pen, ink], "total": 2, "offset": 0, "limit": 20}


async def test_list_takes_offset_and_limit(client: Client) -> None:
    for number in range(25):
        await create(client, name=f"Item {number:02}")
    response = await client.get("/items", params={"offset": 20, "limit": 10})
    assert response.status_code == 200
    page = response.json()
    assert [item["name"] for item in page["items"]] == [f"Item {n}" for n in range(20, 25)]
    assert (page["total"], page["offset"], page["limit"]) == (25, 20, 10)


@pytest.mark.parametrize("params", [{"limit": 101}, {"limit": 0}, {"offset": -1}, {"offset": "x"}])
async def test_page_parameters_are_bounded(client: Client, params: dict[str, Any]) -> None:
    response = await client.get("/items", params=params)
    assert response.status_code == 400
    assert [problem["key"] for problem in response.json()["extra"]] == [*params]


async def test_update_changes_only_the_fields_sent(client: Client) -> None:
    item = await create(client, description="A5, dotted pages", quantity=2)
    response = await client.patch(f"/items/{item['id']}", json={"name": " Sketchbook "})
    assert response.status_code == 200
    assert response.json() == {**item, "name": "Sketchbook"}
    assert (await client.get(f"/items/{item['id']}")).json()["name"] == "Sketchbook"


async def test_update_with_null_description_clears_it(client: Client) -> None:
    item = await create(client, description="A5")
    response = await client.patch(f"/items/{item['id']}", json={"description": None})
    assert response.status_code == 200
    assert response.json()["description"] is None


async def test_empty_update_changes_nothing(client: Client) -> None:
    item = await create(client, quantity=4)
    response = await client.patch(f"/items/{item['id']}", json={})
    assert response.status_code == 200
    assert response.json() == item


async def test_delete_removes_the_item(client: Client) -> None:
    item = await create(client)
    response = await client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert response.content == b""
    assert (await client.get(f"/items/{item['id']}")).status_code == 404


async def test_unknown_item_is_404(client: Client) -> None:
    response = await client.get("/items/987654321")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "No item with this id."}
    assert (await client.delete("/items/987654321")).status_code == 404
    assert (await client.patch("/items/987654321", json={})).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Pen", "description": 5}, "description"),
        ({"name": "Pen", "description": "x" * 1001}, "description"),
        ({"name": "Pen", "quantity": -1}, "quantity"),
        ({"name": "Pen", "quantity": 1_000_001}, "quantity"),
        ({"name": "Pen", "colour": "blue"}, "colour"),
    ],
)
async def test_invalid_body_is_400_naming_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/items", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["status_code"] == 400
    assert error["detail"] == "Validation failed for POST /items"
    assert field in [problem["key"] for problem in error["extra"]]


@pytest.mark.parametrize(
    "body", [{"name": ""}, {"name": None}, {"quantity": None}, {"colour": "blue"}]
)
async def test_invalid_update_is_400(client: Client, body: dict[str, Any]) -> None:
    item = await create(client)
    response = await client.patch(f"/items/{item['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Validation failed for PATCH")
    assert (await client.get(f"/items/{item['id']}")).json() == item
