"""The service's reason to exist: a reply streamed as server-sent events."""

import json

from fastapi.testclient import TestClient


def test_streams_tokens_then_done(service: TestClient) -> None:
    with service.stream("POST", "/chat/stream", json={"prompt": "hello there"}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        body = "".join(response.iter_text())
    events = [block for block in body.split("\n\n") if block.startswith("event:")]
    tokens = [
        json.loads(event.split("data: ", 1)[1])["token"]
        for event in events
        if event.startswith("event: token")
    ]
    assert "".join(tokens) == "You said: hello there"
    assert events[-1].startswith("event: done")


def test_an_empty_prompt_is_422(service: TestClient) -> None:
    response = service.post("/chat/stream", json={"prompt": ""})
    assert response.status_code == 422
