"""The item resource: create, read, list, update, delete, and the errors clients see."""

from typing import Any
from uuid import uuid4

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
    item = await create(client, description="A5, dotted pages")
    assert item["name"] == "Notebook"
    assert item["description"] == "A5, dotted pages"
    assert {"id", "created_at", "updated_at"} <= item.keys()


async def test_read_returns_the_stored_item(client: Client) -> None:
    item = await create(client)
    response = await client.get(f"/items/{item['id']}")
    assert response.status_code == 200
    assert response.json() == item


async def test_list_returns_items_and_total(client: Client) -> None:
    await create(client, name="Pen")
    await create(client, name="Ink")
    response = await client.get("/items")
    assert response.status_code == 200
    page = response.json()
    assert [item["name"] for item in page["items"]] == ["Ink", "Pen"]  # sorted by name
    assert page["total"] == 2


async def test_list_is_paginated(client: Client) -> None:
    for number in range(25):
        await create(client, name=f"Item {number:02}")
    response = await client.get("/items", params={"current_page": 3, "page_size": 10})
    assert response.status_code == 200
    page = response.json()
    assert [item["name"] for item in page["items"]] == [f"Item {n}" for n in range(20, 25)]
    assert (page["total"], page["limit"], page["offset"]) == (25, 10, 20)


@pytest.mark.parametrize("params", [{"page_size": 101}, {"page_size": 0}, {"current_page": 0}])
async def test_page_parameters_are_bounded(client: Client, params: dict[str, int]) -> None:
    response = await client.get("/items", params=params)
    assert response.status_code == 400
    assert [problem["key"] for problem in response.json()["extra"]] == [*params]


async def test_list_searches_by_name(client: Client) -> None:
    await create(client, name="Blue pen")
    await create(client, name="Notebook")
    response = await client.get("/items", params={"search_string": "PEN"})
    assert [item["name"] for item in response.json()["items"]] == ["Blue pen"]


async def test_update_changes_only_the_fields_sent(client: Client) -> None:
    item = await create(client, description="A5, dotted pages")
    response = await client.patch(f"/items/{item['id']}", json={"name": "Sketchbook"})
    assert response.status_code == 200
    updated = response.json()
    assert updated["name"] == "Sketchbook"
    assert updated["description"] == "A5, dotted pages"
    assert (await client.get(f"/items/{item['id']}")).json()["name"] == "Sketchbook"


async def test_delete_removes_the_item(client: Client) -> None:
    item = await create(client)
    response = await client.delete(f"/items/{item['id']}")
    assert response.status_code == 204
    assert (await client.get(f"/items/{item['id']}")).status_code == 404


async def test_unknown_item_is_404(client: Client) -> None:
    response = await client.get(f"/items/{uuid4()}")
    assert response.status_code == 404
    assert response.json() == {"status_code": 404, "detail": "No item with this id."}
    assert (await client.delete(f"/items/{uuid4()}")).status_code == 404


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": ""}, "name"),
        ({"name": "x" * 101}, "name"),
        ({"name": "Pen", "description": 5}, "description"),
    ],
)
async def test_invalid_body_is_400_with_the_field(
    client: Client, body: dict[str, Any], field: str
) -> None:
    response = await client.post("/items", json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["status_code"] == 400
    assert error["detail"] == "Validation failed for POST /items"
    # Each problem names the field: as its key, or in the message for a missing one.
    assert any(
        field in (problem["key"], *problem["message"].split("`")) for problem in error["extra"]
    )


async def test_unknown_fields_are_rejected(client: Client) -> None:
    response = await client.post("/items", json={"name": "Pen", "colour": "blue"})
    assert response.status_code == 400


@pytest.mark.parametrize("body", [{"name": ""}, {"name": None}, {"colour": "blue"}])
async def test_invalid_update_is_400(client: Client, body: dict[str, Any]) -> None:
    item = await create(client)
    response = await client.patch(f"/items/{item['id']}", json=body)
    assert response.status_code == 400
    assert response.json()["detail"].startswith("Validation failed for PATCH")
    assert (await client.get(f"/items/{item['id']}")).json()["name"] == "Notebook"


async def test_duplicate_name_is_409(client: Client) -> None:
    await create(client)
    response = await client.post("/items", json={"name": "Notebook"})
    assert response.status_code == 409
    error = response.json()
    assert error["status_code"] == 409
    assert "name" in error["detail"]
