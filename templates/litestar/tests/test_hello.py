"""The greeting and the API documentation."""

from litestar import Litestar
from litestar.testing import AsyncTestClient


async def test_hello_returns_the_greeting(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello from Litestar"}


async def test_schema_page_is_served(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")


async def test_swagger_ui_is_served(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/swagger")
    assert response.status_code == 200
    assert "swagger-ui" in response.text


async def test_openapi_document_lists_the_routes(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/schema/openapi.json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/hello", "/health", "/items", "/items/{item_id}"} <= paths.keys()


async def test_responses_carry_security_headers(client: AsyncTestClient[Litestar]) -> None:
    response = await client.get("/hello")
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["strict-transport-security"].startswith("max-age=")
