"""The chat-room check: many real websocket clients join one room on the production
server, each sends a message, and every message must reach every client.

The protocol is the one the registry's `websocket_path` names (docs/adding-a-framework.md):
`{path}?room=NAME&name=NAME`; the server sends `{"type": "welcome"}` once the connection
is in the room, then the room's events as JSON text frames; a client sends
`{"text": ...}` and every member gets `{"type": "message", "text": ...}`. The client is
written on asyncio and the standard library (RFC 6455), so the check needs nothing
installed.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import os
import secrets
import struct
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

STEP = "websocket room"
CLIENTS = 50
TIMEOUT = 30.0
GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG, CONTINUATION = 0x1, 0x8, 0x9, 0xA, 0x0


class CheckFailed(Exception):
    """The room check found a problem; the message says what."""


def accept_key(key: str) -> str:
    """The `Sec-WebSocket-Accept` a server answers to `key`."""
    return base64.b64encode(hashlib.sha1((key + GUID).encode()).digest()).decode()  # noqa: S324


def encode_frame(opcode: int, payload: bytes, *, mask: bool) -> bytes:
    """One final frame; clients mask what they send, servers do not."""
    head = bytes([0x80 | opcode])
    bit = 0x80 if mask else 0
    size = len(payload)
    if size < 126:
        head += bytes([bit | size])
    elif size < 1 << 16:
        head += bytes([bit | 126]) + struct.pack("!H", size)
    else:
        head += bytes([bit | 127]) + struct.pack("!Q", size)
    if not mask:
        return head + payload
    key = os.urandom(4)
    return head + key + bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))


async def read_frame(reader: asyncio.StreamReader) -> tuple[bool, int, bytes]:
    """(final, opcode, payload) of the next frame, unmasked."""
    first, second = await reader.readexactly(2)
    size = second & 0x7F
    if size == 126:
        (size,) = struct.unpack("!H", await reader.readexactly(2))
    elif size == 127:
        (size,) = struct.unpack("!Q", await reader.readexactly(8))
    key = await reader.readexactly(4) if second & 0x80 else b""
    payload = await reader.readexactly(size)
    if key:
        payload = bytes(byte ^ key[i % 4] for i, byte in enumerate(payload))
    return bool(first & 0x80), first & 0x0F, payload


@dataclass
class Client:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter

    @classmethod
    async def connect(cls, url: str) -> Client:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        reader, writer = await asyncio.open_connection(host, port)
        key = base64.b64encode(os.urandom(16)).decode()
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        writer.write(
            (
                f"GET {target} HTTP/1.1\r\nHost: {host}:{port}\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Key: {key}\r\n"
                "Sec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        status = head.split(" ", 2)[1] if " " in head else "?"
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head.split("\r\n")[1:])
        }
        if status != "101" or headers.get("sec-websocket-accept") != accept_key(key):
            writer.close()
            raise CheckFailed(f"GET {target} did not upgrade: {head.splitlines()[0]!r}")
        return cls(reader, writer)

    def send(self, event: dict[str, Any]) -> None:
        self.writer.write(encode_frame(TEXT, json.dumps(event).encode(), mask=True))

    async def receive(self) -> dict[str, Any] | None:
        """The next event; None when the server closes. Pings are answered on the way."""
        parts: list[bytes] = []
        while True:
            final, opcode, payload = await read_frame(self.reader)
            if opcode == PING:
                self.writer.write(encode_frame(PONG, payload, mask=True))
                continue
            if opcode == CLOSE:
                return None
            if opcode in (TEXT, CONTINUATION):
                parts.append(payload)
                if final:
                    event: dict[str, Any] = json.loads(b"".join(parts))
                    return event

    async def close(self) -> None:
        try:
            self.writer.write(encode_frame(CLOSE, struct.pack("!H", 1000), mask=True))
            self.writer.close()
            await self.writer.wait_closed()
        except (ConnectionError, OSError):
            pass


async def _room(url: str, clients: int, timeout: float) -> str:
    room = f"contract-{secrets.token_hex(4)}"
    joined: list[Client] = []
    try:
        for number in range(clients):
            client = await Client.connect(f"{url}?room={room}&name=c{number}")
            joined.append(client)
            while (event := await client.receive()) is not None and event.get("type") != "welcome":
                pass
            if event is None:
                raise CheckFailed(f"client {number} was closed before its welcome")
        texts = {f"{room}-{number}-{secrets.token_hex(3)}" for number in range(clients)}
        started = time.monotonic()
        for client, text in zip(joined, sorted(texts), strict=True):
            client.send({"text": text})

        async def collect(client: Client) -> set[str]:
            seen: set[str] = set()
            while seen != texts:
                event = await client.receive()
                if event is None:
                    break
                if event.get("type") == "message" and event.get("text") in texts:
                    seen.add(event["text"])
            return seen

        results = await asyncio.wait_for(
            asyncio.gather(*(collect(client) for client in joined)), timeout
        )
        missing = {
            number: len(texts - seen) for number, seen in enumerate(results) if seen != texts
        }
        if missing:
            raise CheckFailed(
                f"{len(missing)} of {clients} clients missed messages (client: count missed): "
                f"{dict(list(missing.items())[:10])}"
            )
        elapsed = time.monotonic() - started
        return (
            f"{clients} clients in one room, {clients} messages, each received by all "
            f"({clients * clients} deliveries) in {elapsed:.2f}s"
        )
    except TimeoutError:
        raise CheckFailed(
            f"not every message reached every one of {clients} clients within {timeout:.0f}s"
        ) from None
    except (ConnectionError, OSError, asyncio.IncompleteReadError, ValueError) as error:
        raise CheckFailed(f"the room failed: {type(error).__name__}: {error}") from None
    finally:
        await asyncio.gather(*(client.close() for client in joined))


def check_room(
    base: str, path: str | None, clients: int = CLIENTS, timeout: float = TIMEOUT
) -> str:
    """Against the server at `base` (http://host:port): the room at `path`, if any."""
    if path is None:
        return "no websocket room"
    url = base.replace("http://", "ws://", 1) + path
    return asyncio.run(_room(url, clients, timeout))
