"""The service's own routes: the greeting, the health check and the OpenAPI document."""

import logging
from typing import Any

from pyramid.request import Request
from pyramid.view import view_config
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

logger = logging.getLogger(__name__)

GREETING = {"message": "Hello from Pyramid"}


@view_config(route_name="hello", request_method="GET", renderer="json", openapi=True)
def hello(request: Request) -> dict[str, str]:
    return GREETING


@view_config(route_name="health", request_method="GET", renderer="json", openapi=True)
def health(request: Request) -> dict[str, str]:
    """Ready to serve: the database answers a trivial query."""
    try:
        request.dbsession.execute(text("SELECT 1"))
    except SQLAlchemyError:
        logger.exception("Health check: the database does not answer")
        request.response.status_code = 503
        return {"status": "error", "database": "unavailable"}
    return {"status": "ok", "database": "ok"}


@view_config(route_name="openapi_json", request_method="GET", renderer="json")
def openapi_json(request: Request) -> Any:
    """The OpenAPI document as JSON (the docs page and clients read it here)."""
    return request.registry.settings["pyramid_openapi3"]["spec"].read_value()
