"""`/ws`: a chat room over a websocket.

Connect to `/ws?room=lobby&name=ann` (both optional). The server answers with a `welcome`
event once the connection is in the room, then sends every event of the room as a JSON
text frame: `joined`, `message` and `left`. A client sends `{"text": "..."}`; the room
(every member, the sender included, in every process) gets
`{"type": "message", "room": ..., "from": ..., "text": ...}`. A frame that is not such an
object gets an `error` event, for the sender only.

Browsers may connect only from this host or an origin in WS_ALLOWED_ORIGINS; a frame
larger than WS_MAX_MESSAGE_BYTES closes the connection (1009); the server pings every
WS_PING_INTERVAL_SECONDS and drops a client that does not answer in time.
"""

import contextlib
import json
import logging
import re
import secrets
import time
from asyncio import Future
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from tornado.websocket import WebSocketClosedError, WebSocketHandler

from ..request_log import REQUEST_ID_HEADER, _request_id, log_request, request_id_from
from ..state import AppState

logger = logging.getLogger(__name__)

ROOM_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")
NAME_PATTERN = re.compile(r"[A-Za-z0-9_.-]{1,32}")
DEFAULT_ROOM = "lobby"
TEXT_MAX_LENGTH = 1000


class ChatMessage(BaseModel):
    """What a client sends."""

    model_config = ConfigDict(extra="forbid")

    text: str = Field(min_length=1, max_length=TEXT_MAX_LENGTH, strict=True)


class ChatHandler(WebSocketHandler):
    state: AppState
    room: str
    name: str

    def initialize(self, state: AppState) -> None:
        self.state = state
        self.request_id = request_id_from(self.request.headers.get(REQUEST_ID_HEADER))
        self.started = time.perf_counter()
        self.joined = False

    def set_default_headers(self) -> None:
        self.clear_header("Server")

    def check_origin(self, origin: str) -> bool:
        # Browsers send Origin; a page of another site may not open a room on its user's
        # behalf. Clients that are not browsers send none and are not asked.
        allowed = self.state.settings.ws_allowed_origins
        return origin in allowed or "*" in allowed or urlsplit(origin).netloc == self.request.host

    async def get(self, *args: Any, **kwargs: Any) -> None:
        _request_id.set(self.request_id)
        self.set_header(REQUEST_ID_HEADER, self.request_id)
        room = self.get_query_argument("room", DEFAULT_ROOM)
        name = self.get_query_argument("name", "") or f"guest-{secrets.token_hex(3)}"
        if not ROOM_PATTERN.fullmatch(room) or not NAME_PATTERN.fullmatch(name):
            self.set_status(400)
            self.set_header("Content-Type", "application/json")
            self.finish(
                json.dumps({"detail": "room: 1-64 of A-Z a-z 0-9 _ -; name: 1-32 of those and ."})
            )
            return
        self.room, self.name = room, name
        await super().get(*args, **kwargs)

    def open(self, *args: str, **kwargs: str) -> None:
        log_request("GET", self.request.path, 101, self.started, self.request_id)
        self.state.rooms.join(self.room, self)
        self.joined = True
        self.deliver(json.dumps({"type": "welcome", "room": self.room, "member": self.name}))
        self.state.rooms.broadcast(
            self.room, {"type": "joined", "room": self.room, "member": self.name}
        )

    def on_message(self, message: str | bytes) -> None:
        try:
            if isinstance(message, bytes):
                raise ValueError("binary frames are not messages")
            said = ChatMessage.model_validate_json(message)
        except (ValidationError, ValueError):
            self.deliver(json.dumps({"type": "error", "detail": 'send {"text": "..."}'}))
            return
        self.state.rooms.broadcast(
            self.room, {"type": "message", "room": self.room, "from": self.name, "text": said.text}
        )

    def on_close(self) -> None:
        if self.joined:
            self.joined = False
            self.state.rooms.leave(self.room, self)
            self.state.rooms.broadcast(
                self.room, {"type": "left", "room": self.room, "member": self.name}
            )

    def on_finish(self) -> None:
        # An upgrade that did not happen (a bad Origin or query): its request line.
        if self.get_status() != 101:
            log_request("GET", self.request.path, self.get_status(), self.started, self.request_id)

    def deliver(self, text: str) -> None:
        # A closing connection drops it; on_close takes the member out of the room.
        with contextlib.suppress(WebSocketClosedError):
            sent = self.write_message(text)
            sent.add_done_callback(_closed_meanwhile)


def _closed_meanwhile(sent: "Future[None]") -> None:
    # A frame queued just before the connection closed fails: nothing to do about it.
    if not sent.cancelled():
        sent.exception()
