"""Pure ASGI middleware: it never buffers a body, so streaming requests and responses pass
through untouched."""

import json

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send


class RequestTooLarge(Exception):
    """The request body went past the limit while it was being read."""


def _json_413(limit: int) -> tuple[Message, Message]:
    body = json.dumps({"detail": f"Request body larger than {limit} bytes"}).encode()
    start: Message = {
        "type": "http.response.start",
        "status": 413,
        "headers": [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(body)).encode()),
            (b"connection", b"close"),
        ],
    }
    return start, {"type": "http.response.body", "body": body}


class RequestSizeLimit:
    """Answers 413 to a body larger than `max_bytes`: at once when Content-Length says so,
    and as soon as the bytes read pass the limit for a body sent in chunks."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start, body = _json_413(self.max_bytes)
        declared = Headers(scope=scope).get("content-length", "")
        if declared.isdigit() and int(declared) > self.max_bytes:
            await send(start)
            await send(body)
            return

        received = 0
        too_large = False
        response_started = False

        async def limited_receive() -> Message:
            nonlocal received, too_large
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.max_bytes:
                    too_large = True
                    raise RequestTooLarge
            return message

        async def guarded_send(message: Message) -> None:
            nonlocal response_started
            if too_large:
                # Whatever the application made of the interrupted read (often a 400 or a
                # 500), the client gets the 413; the rest of that response is dropped.
                if not response_started:
                    response_started = True
                    await send(start)
                    await send(body)
                return
            if message["type"] == "http.response.start":
                response_started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, guarded_send)
        except Exception:
            # Once the limit is passed, whatever the application raised follows from it.
            if not too_large:
                raise
        if too_large and not response_started:
            await send(start)
            await send(body)


class HeadAsGet:
    """Answers HEAD wherever GET is served: the GET route runs and its body is dropped,
    keeping the headers (Content-Length included) that GET would send."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def headers_only(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        await self.app({**scope, "method": "GET"}, receive, headers_only)
