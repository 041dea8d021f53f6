from django.test import Client


def test_hello_returns_the_greeting(client: Client) -> None:
    response = client.get("/hello/")
    assert response.status_code == 200
    assert response.json() == {"message": "Hello from Django"}
