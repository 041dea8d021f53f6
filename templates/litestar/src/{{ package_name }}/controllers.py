"""HTTP handlers. Each receives what it needs (services, the database session) by injection."""

import logging
from dataclasses import dataclass
from typing import Annotated

from advanced_alchemy.extensions.litestar import providers
from advanced_alchemy.filters import LimitOffset, OrderBy
from advanced_alchemy.service import OffsetPagination
from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.exceptions import NotFoundException
from litestar.openapi.datastructures import ResponseSpec
from litestar.params import FromPath, JSONBody, QueryParameter
from litestar.status_codes import (
    HTTP_404_NOT_FOUND,
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_503_SERVICE_UNAVAILABLE,
)
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from .body import StrictJSON
from .errors import database_unavailable, describe
from .schemas import Item, ItemCreate, ItemUpdate
from .services import ItemService

logger = logging.getLogger(__name__)

MAX_ID = 2**63 - 1  # the largest 64-bit id; also the largest offset
DEFAULT_LIMIT = 20
MAX_LIMIT = 100


@dataclass
class ErrorBody:
    """The body of every error response."""

    status_code: int
    detail: str


@dataclass
class HealthBody:
    status: str
    database: str


def _error(description: str) -> ResponseSpec:
    return ResponseSpec(data_container=ErrorBody, description=description, generate_examples=False)


NOT_FOUND = {HTTP_404_NOT_FOUND: _error("No item with this id")}
TOO_LARGE = {HTTP_413_REQUEST_ENTITY_TOO_LARGE: _error("The body is larger than MAX_REQUEST_BYTES")}
UNAVAILABLE = {HTTP_503_SERVICE_UNAVAILABLE: _error("The database is busy or unreachable")}


@get("/hello", tags=["hello"])
async def hello() -> dict[str, str]:
    """The smallest endpoint: a fixed greeting."""
    return {"message": "Hello from Litestar"}


@get(
    "/health",
    tags=["health"],
    responses={
        HTTP_503_SERVICE_UNAVAILABLE: ResponseSpec(
            data_container=HealthBody,
            description="The database does not answer",
            generate_examples=False,
        )
    },
)
async def health(db_session: NamedDependency[AsyncSession]) -> Response[HealthBody]:
    """For load balancers and orchestrators: 200 when the database answers, 503 when not."""
    try:
        await db_session.execute(text("SELECT 1"))
    except Exception as exc:
        if not (cause := database_unavailable(exc)):
            raise
        logger.warning("The database is unavailable (health check): %s", describe(cause))
        return Response(
            HealthBody(status="error", database="unavailable"),
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response(HealthBody(status="ok", database="ok"))


def provide_page(
    offset: Annotated[int, QueryParameter(ge=0, le=MAX_ID)] = 0,
    limit: Annotated[int, QueryParameter(ge=1, le=MAX_LIMIT)] = DEFAULT_LIMIT,
) -> LimitOffset:
    """`?offset=&limit=`, with a bound so that no client can ask for every row."""
    return LimitOffset(limit=limit, offset=offset)


def known_id(item_id: int) -> int:
    """An id no item can have (outside 1..2^63-1) is a 404 without asking the database."""
    if not 1 <= item_id <= MAX_ID:
        raise NotFoundException(detail="No item with this id.")
    return item_id


class ItemController(Controller):
    """CRUD for items: `/items` and `/items/{item_id}`."""

    path = "/items"
    tags = ("items",)
    # `items_service` (an ItemService bound to this request's database session) and `page`
    # (the offset and limit from the query string) for the handlers that ask for them.
    dependencies = {  # noqa: RUF012 (Litestar reads it once, when the app is built)
        "items_service": providers.create_service_provider(ItemService),
        "page": Provide(provide_page, sync_to_thread=False),
    }

    @get(responses=UNAVAILABLE)
    async def list_items(
        self, items_service: NamedDependency[ItemService], page: NamedDependency[LimitOffset]
    ) -> OffsetPagination[Item]:
        """A page of items in ascending id order: `?offset=20&limit=10`."""
        results, total = await items_service.get_many_and_count(page, OrderBy("id", "asc"))
        return items_service.to_schema(results, total, filters=[page], schema_type=Item)

    @post(dto=StrictJSON[ItemCreate], return_dto=None, responses={**TOO_LARGE, **UNAVAILABLE})
    async def create_item(
        self, items_service: NamedDependency[ItemService], data: JSONBody[ItemCreate]
    ) -> Item:
        """Create an item."""
        item = await items_service.create(data.values(), auto_commit=True)
        return items_service.to_schema(item, schema_type=Item)

    @get("/{item_id:int}", responses={**NOT_FOUND, **UNAVAILABLE})
    async def get_item(
        self, items_service: NamedDependency[ItemService], item_id: FromPath[int]
    ) -> Item:
        """One item; 404 if there is none with this id."""
        item = await items_service.get(known_id(item_id))
        return items_service.to_schema(item, schema_type=Item)

    @patch(
        "/{item_id:int}",
        dto=StrictJSON[ItemUpdate],
        return_dto=None,
        responses={**NOT_FOUND, **TOO_LARGE, **UNAVAILABLE},
    )
    async def update_item(
        self,
        items_service: NamedDependency[ItemService],
        item_id: FromPath[int],
        data: JSONBody[ItemUpdate],
    ) -> Item:
        """Change the fields sent, keep the others; 404 if there is no such item."""
        item_id = known_id(item_id)
        changes = data.changes()
        if changes:
            item = await items_service.update(changes, item_id=item_id, auto_commit=True)
        else:
            item = await items_service.get(item_id)
        return items_service.to_schema(item, schema_type=Item)

    @delete("/{item_id:int}", responses={**NOT_FOUND, **UNAVAILABLE})
    async def delete_item(
        self, items_service: NamedDependency[ItemService], item_id: FromPath[int]
    ) -> None:
        """Delete an item; 204 on success, 404 if there is none."""
        await items_service.delete(known_id(item_id), auto_commit=True)
