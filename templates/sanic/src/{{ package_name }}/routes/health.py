"""A health check for load balancers and orchestrators: is the database reachable?"""

import logging
from typing import Literal

from pydantic import BaseModel
from sanic import Blueprint, HTTPResponse, Request, json
from sanic_ext import openapi
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import session_for
from ..openapi import content, error_responses

logger = logging.getLogger(__name__)
bp = Blueprint("health")


class Health(BaseModel):
    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]


@bp.get("/health")
@openapi.definition(
    tag="health",
    response=[
        {"status": 200, "description": "The database answers", "content": content(Health)},
        {"status": 503, "description": "Database unavailable", "content": content(Health)},
        *error_responses(413),
    ],
)
async def health(request: Request) -> HTTPResponse:
    try:
        async with session_for(request) as session:
            connection = await session.connection()
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        # Say so with a 503 so that the balancer stops sending traffic here; log the cause.
        logger.warning("health check: the database is unavailable", exc_info=True)
        return json(Health(status="error", database="unavailable").model_dump(), status=503)
    return json(Health(status="ok", database="ok").model_dump())
