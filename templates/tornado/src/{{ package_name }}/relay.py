"""The relay: carries room broadcasts between the processes of one server.

Each process binds a Unix datagram socket named after the server and its own number; a
broadcast is sent once to each other process, which delivers it to its members. No
broker, no files (on Linux the names are abstract; elsewhere they live in a temporary
folder). Broadcasts made in one turn of the event loop go together in one datagram; one a
busy process cannot take yet is kept and sent again shortly, in order, so a burst is not
lost. A process that stops reading altogether is left behind (its backlog is capped and
the drop logged) rather than allowed to stall the others.
"""

import json
import logging
import os
import socket
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from tornado.ioloop import IOLoop

logger = logging.getLogger(__name__)

# Big enough for a few hundred broadcasts in flight per process (the kernel may cap it).
SOCKET_BUFFER_BYTES = 4 * 1024 * 1024
# The largest datagram read: at most BATCH_MAX_BROADCASTS broadcasts, each capped well below
# its share (WS_MAX_MESSAGE_BYTES, and JSON escaping at most doubles most text).
DATAGRAM_MAX_BYTES = 256 * 1024
BATCH_MAX_BROADCASTS = 16
# A process that takes nothing for this long is left behind rather than waited for.
PENDING_MAX_DATAGRAMS = 10_000
RETRY_SECONDS = 0.002


def relay_names(processes: int, server: str | None = None) -> list[str]:
    """One socket name per process of a server started now (`server` keeps them unique)."""
    server = server or f"relay-{os.getpid()}"
    if sys.platform.startswith("linux"):
        return [f"\0{server}-{number}" for number in range(processes)]
    folder = Path(tempfile.mkdtemp(prefix=f"{server}-"))
    return [str(folder / f"{number}.sock") for number in range(processes)]


class Relay:
    """Process `number` of the processes named in `names`; hands what the others send to
    `receive(room, text)`."""

    def __init__(self, names: list[str], number: int, receive: Callable[[str, str], None]):
        self.names = names
        self.number = number
        self.receive = receive
        self.socket = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        self.outbox: list[tuple[str, str]] = []
        # Datagrams not yet taken by each other process, oldest first.
        self.pending: dict[int, list[bytes]] = {
            other: [] for other in range(len(names)) if other != number
        }
        self.retrying = False

    def start(self) -> None:
        name = self.names[self.number]
        if not name.startswith("\0") and os.path.exists(name):
            os.unlink(name)  # left by this process's predecessor
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, SOCKET_BUFFER_BYTES)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SOCKET_BUFFER_BYTES)
        self.socket.bind(name)
        self.socket.setblocking(False)
        IOLoop.current().add_handler(self.socket.fileno(), self._readable, IOLoop.READ)

    def stop(self) -> None:
        IOLoop.current().remove_handler(self.socket.fileno())
        self.socket.close()

    def publish(self, room: str, text: str) -> None:
        # Broadcasts made in one turn of the event loop travel together, one datagram per
        # process: the kernel queues only a few datagrams per socket.
        self.outbox.append((room, text))
        if len(self.outbox) == 1:
            IOLoop.current().add_callback(self._flush)

    def _flush(self) -> None:
        batch, self.outbox = self.outbox, []
        datagrams: list[bytes] = []
        chunk: list[tuple[str, str]] = []
        for entry in batch:
            chunk.append(entry)
            if len(chunk) == BATCH_MAX_BROADCASTS:
                datagrams.append(json.dumps(chunk).encode("utf-8"))
                chunk = []
        if chunk:
            datagrams.append(json.dumps(chunk).encode("utf-8"))
        for number, queue in self.pending.items():
            queue.extend(datagrams)
            if len(queue) > PENDING_MAX_DATAGRAMS:
                logger.warning("relay: process %d is not reading; broadcasts dropped", number)
                del queue[: len(queue) - PENDING_MAX_DATAGRAMS]
        self._send()

    def _send(self) -> None:
        waiting = False
        for number, queue in self.pending.items():
            while queue:
                try:
                    self.socket.sendto(queue[0], self.names[number])
                except BlockingIOError:
                    waiting = True  # its queue is full: try again shortly
                    break
                except (ConnectionRefusedError, FileNotFoundError) as error:
                    # Restarting or gone: its members miss these broadcasts.
                    logger.warning("relay: process %d missed broadcasts: %s", number, error)
                    queue.clear()
                    break
                queue.pop(0)
        if waiting and not self.retrying:
            self.retrying = True
            IOLoop.current().call_later(RETRY_SECONDS, self._retry)

    def _retry(self) -> None:
        self.retrying = False
        self._send()

    def _readable(self, _fd: object, _events: int) -> None:
        while True:
            try:
                datagram = self.socket.recv(DATAGRAM_MAX_BYTES)
            except BlockingIOError:
                return
            try:
                batch = [(str(room), str(text)) for room, text in json.loads(datagram)]
            except (ValueError, TypeError):
                logger.warning("relay: dropped a datagram that is not a broadcast")
                continue
            for room, text in batch:
                self.receive(room, text)
