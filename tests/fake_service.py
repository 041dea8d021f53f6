"""A stand-in production server for the contract checks' own tests.

    python fake_service.py PORT

It reads `fake-service.json` in the current directory: what to answer on the hello and
docs paths, which cookies and headers to send, whether it needs SECRET_KEY and what it
does without it. Each contract check is then shown to fail against a server that breaks
exactly the rule it checks, and to pass against one that keeps it.
"""

from __future__ import annotations

import contextlib
import json
import os
import socketserver
import sys
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar

SETTINGS = Path("fake-service.json")


@contextlib.contextmanager
def in_thread(server: socketserver.TCPServer) -> Iterator[str]:
    """Serve from a daemon thread of this process (the stand-ins the checks' tests run
    in-process); the server's base URL; shut down and closed at the end."""
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def settings() -> dict[str, Any]:
    loaded = json.loads(SETTINGS.read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


class Handler(BaseHTTPRequestHandler):
    config: ClassVar[dict[str, Any]] = {}

    def log_message(self, format: str, *args: Any) -> None:
        sys.stderr.write(f"{self.command} {self.path}\n")

    def _send(self, status: int, body: bytes, content_type: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for cookie in self.config.get("cookies", []):
            self.send_header("Set-Cookie", cookie)
        for name, value in self.config.get("headers", {}).items():
            self.send_header(name, value)
        origin = self.headers.get("Origin")
        cors = self.config.get("cors")
        if origin and cors:
            allowed = origin if cors == "echo" else cors
            self.send_header("Access-Control-Allow-Origin", allowed)
            self.send_header("Access-Control-Allow-Credentials", "true")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def do_GET(self) -> None:
        pages: dict[str, Any] = self.config.get("pages", {})
        page = pages.get(self.path.split("?")[0])
        if page is None:
            body = self.config.get("missing_body", '{"detail": "Not Found"}').encode()
            self._send(int(self.config.get("missing_status", 404)), body)
            return
        status, content = int(page[0]), page[1]
        body = content.encode() if isinstance(content, str) else json.dumps(content).encode()
        self._send(status, body)

    def do_OPTIONS(self) -> None:
        self._send(200, b"")


def main() -> None:
    port = int(sys.argv[1])
    config = settings()
    start = config.get("start", "serve")
    if start == "crash":
        sys.exit("crashed at start")
    if start == "hang":
        time.sleep(3600)
    if config.get("needs_secret_key") and not os.environ.get("SECRET_KEY"):
        without = config.get("without_secret_key", "refuse")
        if without == "refuse":
            sys.exit("SECRET_KEY is not set: production refuses to start without it")
        if without == "exit-silently":
            sys.exit(3)
        if without == "hang":
            time.sleep(3600)
        if without == "error-500":
            config = {**config, "pages": {p: [500, "oops"] for p in config.get("pages", {})}}
        # "serve": carries on as if nothing were missing
    Handler.config = config
    ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
