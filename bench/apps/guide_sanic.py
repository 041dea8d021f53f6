"""The minimal Sanic app: one async `/hello` handler, in the shape of the guide's examples.

Sanic serves it with its own server: `sanic guide_sanic:app --host 127.0.0.1 --port PORT
--workers 2 --no-access-logs --no-motd` (with this folder on PYTHONPATH).
"""

from sanic import Request, Sanic
from sanic.response import HTTPResponse, json

app = Sanic("guide_sanic")


@app.get("/hello")
async def hello(request: Request) -> HTTPResponse:
    return json({"message": "Hello from Sanic"})
