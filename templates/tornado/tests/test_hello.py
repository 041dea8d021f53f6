from httpx import AsyncClient


async def test_hello_returns_the_greeting(client: AsyncClient) -> None:
    response = await client.get("/hello")

    assert response.status_code == 200
    assert response.json() == {"message": "Hello from Tornado"}
    assert response.headers["content-type"] == "application/json"


async def test_an_unknown_path_is_a_json_404(client: AsyncClient) -> None:
    response = await client.get("/no-such-page/")

    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}
    assert "Server" not in response.headers
