"""A health check for load balancers and orchestrators: is the database reachable?"""

import logging
from typing import Literal

from fastapi import APIRouter, Response, status
from pydantic import BaseModel
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from ..db import SessionDep
from ..errors import COMMON_ERRORS

logger = logging.getLogger(__name__)
router = APIRouter(tags=["health"])


class Health(BaseModel):
    status: Literal["ok", "error"]
    database: Literal["ok", "unavailable"]


@router.get(
    "/health",
    responses={
        503: {"model": Health, "description": "Database unavailable"},
        **COMMON_ERRORS,
    },
)
async def health(session: SessionDep, response: Response) -> Health:
    try:
        connection = await session.connection()
        await connection.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        # Say so with a 503 so that the balancer stops sending traffic here; log the cause.
        logger.warning("health check: the database is unavailable", exc_info=True)
        response.status_code = status.HTTP_503_SERVICE_UNAVAILABLE
        return Health(status="error", database="unavailable")
    return Health(status="ok", database="ok")
