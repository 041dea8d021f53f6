"""The room check passes against a room that delivers everything, and fails against a
stand-in that drops one message for one client, or does not upgrade at all."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable, Iterator

import pytest
import websocket_checks as checks


class StandInRoom:
    """A minimal websocket room on 127.0.0.1: welcome, then every text to every member,
    except that with `drop_for` set that member misses the first message."""

    def __init__(self, drop_for: int | None = None, upgrade: bool = True) -> None:
        self.drop_for = drop_for
        self.upgrade = upgrade
        self.members: list[asyncio.StreamWriter] = []
        self.dropped = False

    async def handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
        headers = {
            name.strip().lower(): value.strip()
            for name, _, value in (line.partition(":") for line in head.split("\r\n")[1:])
        }
        if not self.upgrade:
            writer.write(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n")
            writer.close()
            return
        accept = checks.accept_key(headers["sec-websocket-key"])
        writer.write(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n"
                f"Connection: Upgrade\r\nSec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        self.members.append(writer)
        writer.write(checks.encode_frame(checks.TEXT, b'{"type": "welcome"}', mask=False))
        try:
            while True:
                _, opcode, payload = await checks.read_frame(reader)
                if opcode == checks.CLOSE:
                    break
                text = json.loads(payload)["text"]
                event = json.dumps({"type": "message", "text": text}).encode()
                for member_number, member in enumerate(self.members):
                    if member_number == self.drop_for and not self.dropped:
                        self.dropped = True
                        continue
                    member.write(checks.encode_frame(checks.TEXT, event, mask=False))
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


StartRoom = Callable[[StandInRoom], str]


@pytest.fixture
def serve_room() -> Iterator[StartRoom]:
    """Starts a StandInRoom on an event loop in a thread of its own; gives its http:// base."""
    started: list[tuple[asyncio.AbstractEventLoop, asyncio.Server, threading.Thread]] = []

    def start(room: StandInRoom) -> str:
        loop = asyncio.new_event_loop()
        thread = threading.Thread(target=loop.run_forever, daemon=True)
        thread.start()
        opening = asyncio.start_server(room.handle, "127.0.0.1", 0)
        server = asyncio.run_coroutine_threadsafe(opening, loop).result(10)
        started.append((loop, server, thread))
        return f"http://127.0.0.1:{server.sockets[0].getsockname()[1]}"

    yield start
    for loop, server, thread in started:
        loop.call_soon_threadsafe(server.close)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def test_a_room_that_delivers_everything_passes(serve_room: StartRoom) -> None:
    base = serve_room(StandInRoom())
    said = checks.check_room(base, "/ws", clients=10, timeout=10)
    assert "10 clients" in said


def test_a_dropped_message_fails_the_check(serve_room: StartRoom) -> None:
    base = serve_room(StandInRoom(drop_for=3))
    with pytest.raises(checks.CheckFailed, match="within"):
        checks.check_room(base, "/ws", clients=10, timeout=3)


def test_no_upgrade_fails_the_check(serve_room: StartRoom) -> None:
    base = serve_room(StandInRoom(upgrade=False))
    with pytest.raises(checks.CheckFailed, match="did not upgrade"):
        checks.check_room(base, "/ws", clients=2, timeout=3)


def test_a_template_without_a_room_passes_with_a_note() -> None:
    assert checks.check_room("http://127.0.0.1:1", None) == "no websocket room"


def test_frames_round_trip_in_every_length_encoding() -> None:
    async def round_trip(payload: bytes, mask: bool) -> bytes:
        reader = asyncio.StreamReader()
        reader.feed_data(checks.encode_frame(checks.TEXT, payload, mask=mask))
        reader.feed_eof()
        final, opcode, read = await checks.read_frame(reader)
        assert (final, opcode) == (True, checks.TEXT)
        return read

    for size in (0, 125, 126, 65535, 65536):
        for mask in (True, False):
            payload = bytes(range(256)) * (size // 256) + bytes(size % 256)
            assert asyncio.run(round_trip(payload, mask)) == payload
