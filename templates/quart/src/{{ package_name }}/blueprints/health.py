"""A health check for load balancers and orchestrators: is the database reachable?"""

import logging
from typing import Literal

from pydantic import BaseModel
from quart import Blueprint
from quart_schema import tag, validate_response
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import session_scope

logger = logging.getLogger(__name__)
blueprint = Blueprint("health", __name__)


class Health(BaseModel):
    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]


@blueprint.get("/health")
@tag(["health"])
@validate_response(Health, 200)
@validate_response(Health, 503)
async def health() -> tuple[Health, int]:
    """Whether the database answers: 503 when it does not."""
    try:
        async with session_scope() as session:
            connection = await session.connection()
            await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        # Say so with a 503 so that the balancer stops sending traffic here; log the cause.
        logger.warning("health check: the database is unavailable", exc_info=True)
        return Health(status="error", database="unavailable"), 503
    return Health(status="ok", database="ok"), 200
