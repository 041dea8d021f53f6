from sanic import Blueprint, HTTPResponse, Request, json
from sanic_ext import openapi

from ..openapi import JSON

bp = Blueprint("hello")

GREETING = {
    "type": "object",
    "properties": {"message": {"type": "string"}},
    "required": ["message"],
}


@bp.get("/hello")
@openapi.definition(
    tag="hello",
    response=[
        {"status": 200, "description": "A greeting", "content": {JSON: {"schema": GREETING}}}
    ],
)
async def hello(request: Request) -> HTTPResponse:
    # A plain dict, as in Sanic's minimal example: no model to validate on the way out.
    return json({"message": "Hello from Sanic"})
