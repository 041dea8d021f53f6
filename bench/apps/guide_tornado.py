"""The minimal Tornado app, in the shape of the guide's examples: one `/hello` handler.

`python -m guide_tornado --host 127.0.0.1 --port PORT --processes 2` serves it the way
the project's `serve` serves the project: Tornado's HTTP server in processes forked after
the socket is bound, so they share it.
"""

import argparse
import asyncio
from socket import socket

from tornado.httpserver import HTTPServer
from tornado.netutil import bind_sockets
from tornado.process import fork_processes
from tornado.web import Application, RequestHandler


class HelloHandler(RequestHandler):
    def get(self) -> None:
        self.write({"message": "Hello from Tornado"})


app = Application([(r"/hello", HelloHandler)])


async def serve(sockets: list[socket]) -> None:
    HTTPServer(app).add_sockets(sockets)
    await asyncio.Event().wait()


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--processes", type=int, default=2)
    arguments = parser.parse_args()
    sockets = bind_sockets(arguments.port, address=arguments.host)
    fork_processes(arguments.processes)
    asyncio.run(serve(sockets))
