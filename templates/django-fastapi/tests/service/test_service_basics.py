"""The service's guide example, docs, schema, health check and error answers."""

from fastapi.testclient import TestClient


def test_hello_is_the_guides_example(service: TestClient) -> None:
    response = service.get("/hello")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello from FastAPI"}


def test_docs_page_is_served(service: TestClient) -> None:
    response = service.get("/docs")
    assert response.status_code == 200
    assert "swagger-ui" in response.text


def test_schema_lists_the_service_routes(service: TestClient) -> None:
    paths = service.get("/openapi.json").json()["paths"]
    assert {"/hello", "/health", "/items", "/items/{item_id}", "/users/me", "/chat/stream"} <= set(
        paths
    )
    # Tokens come from Django: the service has no token endpoint of its own.
    assert not any(path.startswith("/auth") for path in paths)


def test_health_reaches_the_shared_database(service: TestClient, transactional_db: None) -> None:
    response = service.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_unknown_path_is_a_json_404(service: TestClient) -> None:
    response = service.get("/no-such-page")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not Found"}


def test_every_answer_carries_a_request_id(service: TestClient) -> None:
    response = service.get("/hello", headers={"X-Request-ID": "abc-123"})
    assert response.headers["X-Request-ID"] == "abc-123"
