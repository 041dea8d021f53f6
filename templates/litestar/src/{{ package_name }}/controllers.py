"""HTTP handlers. Each receives what it needs (services, the database session) by injection."""

from typing import Annotated
from uuid import UUID

from advanced_alchemy.extensions.litestar import providers
from advanced_alchemy.filters import FilterTypes, LimitOffset
from advanced_alchemy.service import OffsetPagination
from litestar import Controller, Response, delete, get, patch, post
from litestar.di import NamedDependency, Provide
from litestar.params import FromPath, JSONBody, QueryParameter, SkipValidation
from litestar.status_codes import HTTP_503_SERVICE_UNAVAILABLE
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from .schemas import Item, ItemCreate, ItemUpdate
from .services import ItemService


@get("/hello", tags=["hello"])
async def hello() -> dict[str, str]:
    """The smallest endpoint: a fixed greeting."""
    return {"message": "Hello from Litestar"}


@get("/health", tags=["health"])
async def health(db_session: NamedDependency[AsyncSession]) -> Response[dict[str, str]]:
    """For load balancers and orchestrators: 200 when the database answers, 503 when not."""
    try:
        await db_session.execute(text("SELECT 1"))
    except (SQLAlchemyError, OSError):
        return Response(
            {"status": "unavailable", "database": "unreachable"},
            status_code=HTTP_503_SERVICE_UNAVAILABLE,
        )
    return Response({"status": "ok", "database": "ok"})


DEFAULT_PAGE_SIZE = 20
MAX_PAGE_SIZE = 100


def provide_page(
    current_page: Annotated[int, QueryParameter(ge=1)] = 1,
    page_size: Annotated[int, QueryParameter(ge=1, le=MAX_PAGE_SIZE)] = DEFAULT_PAGE_SIZE,
) -> LimitOffset:
    """`?current_page=&page_size=`, with a bound so that no client can ask for every row."""
    return LimitOffset(limit=page_size, offset=page_size * (current_page - 1))


class ItemController(Controller):
    """CRUD for items: `/items` and `/items/{item_id}`."""

    path = "/items"
    tags = ("items",)
    # `items_service` (an ItemService bound to this request's session) and `filters`
    # (pagination, search and ordering from the query string) for every handler below.
    dependencies = {  # noqa: RUF012 (Litestar reads it once, when the app is built)
        **providers.create_service_dependencies(
            ItemService,
            "items_service",
            filters={
                "pagination_type": "limit_offset",
                "search": "name",
                "search_ignore_case": True,
                "sort_field": "name",
                "sort_order": "asc",
                "alias_generator": "snake_case",
            },
        ),
        # Advanced Alchemy's own page parameters have no upper bound: use ours.
        "limit_offset_filter": Provide(provide_page, sync_to_thread=False),
    }

    @get()
    async def list_items(
        self,
        items_service: NamedDependency[ItemService],
        filters: NamedDependency[SkipValidation[list[FilterTypes]]],
    ) -> OffsetPagination[Item]:
        """A page of items: `?current_page=2&page_size=10&search_string=note`."""
        results, total = await items_service.get_many_and_count(*filters)
        return items_service.to_schema(results, total, filters=filters, schema_type=Item)

    @post()
    async def create_item(
        self, items_service: NamedDependency[ItemService], data: JSONBody[ItemCreate]
    ) -> Item:
        """Create an item; 409 if the name is taken."""
        item = await items_service.create(data)
        return items_service.to_schema(item, schema_type=Item)

    @get("/{item_id:uuid}")
    async def get_item(
        self, items_service: NamedDependency[ItemService], item_id: FromPath[UUID]
    ) -> Item:
        """One item; 404 if there is none with this id."""
        item = await items_service.get(item_id)
        return items_service.to_schema(item, schema_type=Item)

    @patch("/{item_id:uuid}")
    async def update_item(
        self,
        items_service: NamedDependency[ItemService],
        item_id: FromPath[UUID],
        data: JSONBody[ItemUpdate],
    ) -> Item:
        """Change the fields sent, keep the others; 409 if the new name is taken."""
        item = await items_service.update(data, item_id=item_id)
        return items_service.to_schema(item, schema_type=Item)

    @delete("/{item_id:uuid}")
    async def delete_item(
        self, items_service: NamedDependency[ItemService], item_id: FromPath[UUID]
    ) -> None:
        """Delete an item; 204 on success, 404 if there is none."""
        await items_service.delete(item_id)
