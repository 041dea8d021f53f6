"""The relay: carries room broadcasts between the processes of one server.

Each process binds a Unix datagram socket named after the server and its own number; a
broadcast is sent once to each other process, which delivers it to its members. No
broker, no files (on Linux the names are abstract; elsewhere they live in a temporary
folder). Delivery is at most once: a datagram a busy process cannot take is dropped and
logged, never waited for, so one slow process cannot stall the others.
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
# The largest datagram read; a broadcast is capped well below it (WS_MAX_MESSAGE_BYTES).
DATAGRAM_MAX_BYTES = 256 * 1024


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
        datagram = json.dumps([room, text]).encode("utf-8")
        for number, name in enumerate(self.names):
            if number == self.number:
                continue
            try:
                self.socket.sendto(datagram, name)
            except (BlockingIOError, ConnectionRefusedError, FileNotFoundError) as error:
                # The process is busy, restarting or gone: its members miss this one.
                logger.warning("relay: process %d missed a broadcast: %s", number, error)

    def _readable(self, _fd: object, _events: int) -> None:
        while True:
            try:
                datagram = self.socket.recv(DATAGRAM_MAX_BYTES)
            except BlockingIOError:
                return
            try:
                room, text = json.loads(datagram)
            except (ValueError, TypeError):
                logger.warning("relay: dropped a datagram that is not a broadcast")
                continue
            self.receive(room, text)
