"""The service's own routes: the greeting and the health check."""

from typing import Any

from flask import current_app
from flask_smorest import Blueprint
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from .errors import JsonBodyParser
from .extensions import db
from .schemas import HealthSchema, MessageSchema

blp = Blueprint("core", __name__, description="The greeting and the health check.")
blp.ARGUMENTS_PARSER = JsonBodyParser()


@blp.get("/hello")
@blp.response(200, MessageSchema)
def hello() -> dict[str, str]:
    return {"message": "Hello from Flask"}


@blp.get("/health")
@blp.response(200, HealthSchema)
@blp.alt_response(503, schema=HealthSchema, description="The database does not answer.")
def health() -> Any:
    """Ready to serve: the database answers a trivial query."""
    try:
        db.session.execute(text("SELECT 1"))
    except SQLAlchemyError:
        current_app.logger.exception("Health check: the database does not answer")
        db.session.rollback()
        return {"status": "error", "database": "unavailable"}, 503
    return {"status": "ok", "database": "ok"}
