"""Chat rooms: who is in which room in this process, and broadcasting to a room.

A room's members are the websocket connections this process holds. A broadcast reaches
them directly and, through the relay (`relay.py`), every other process of the server,
which hands it to its own members: so a room spans every process of one host. Across
hosts, a pub/sub broker takes the relay's place (see the README).
"""

import json
import logging
from collections import defaultdict
from typing import Any, Protocol

logger = logging.getLogger(__name__)


class Member(Protocol):
    """A connection in a room: it sends a text frame, or drops it if it is closing."""

    def deliver(self, text: str) -> None: ...


class Publisher(Protocol):
    """Carries a room's broadcast to the server's other processes."""

    def publish(self, room: str, text: str) -> None: ...


class Rooms:
    def __init__(self, publisher: Publisher | None = None) -> None:
        self.members: defaultdict[str, set[Member]] = defaultdict(set)
        self.publisher = publisher

    def join(self, room: str, member: Member) -> None:
        self.members[room].add(member)

    def leave(self, room: str, member: Member) -> None:
        members = self.members.get(room)
        if members is not None:
            members.discard(member)
            if not members:
                del self.members[room]

    def broadcast(self, room: str, event: dict[str, Any]) -> None:
        """Send `event` to every member of `room`, in every process."""
        text = json.dumps(event, ensure_ascii=False)
        self.deliver(room, text)
        if self.publisher is not None:
            self.publisher.publish(room, text)

    def deliver(self, room: str, text: str) -> None:
        """Send `text` to this process's members of `room`."""
        for member in list(self.members.get(room, ())):
            member.deliver(text)
