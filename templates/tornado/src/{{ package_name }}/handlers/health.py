"""`GET /health`: whether this process can reach the database."""

import logging

from sqlalchemy import text

from ..errors import DATABASE_UNAVAILABLE
from ..openapi import operation
from ..schemas import Health
from .base import ApiHandler

logger = logging.getLogger(__name__)


class HealthHandler(ApiHandler):
    @operation("Check health", "health", response=Health, errors=(503,))
    async def get(self) -> None:
        try:
            async with self.state.sessionmaker() as session:
                await session.execute(text("SELECT 1"))
        except DATABASE_UNAVAILABLE as error:
            logger.error("health check: database unavailable: %s", error)
            self.answer(Health(status="error", database="unavailable"), 503)
            return
        self.answer(Health(status="ok", database="ok"))
