"""The items resource: create, read, list (paginated), update and delete."""

from collections.abc import Callable
from typing import Any, NoReturn

import flask_smorest
from flask.views import MethodView
from flask_smorest import Blueprint
from flask_smorest.pagination import PaginationParameters
from sqlalchemy import func, select

from .extensions import db
from .models import Item
from .schemas import ItemSchema, ItemUpdateSchema

# flask-smorest is untyped; say that abort() always raises (it sends the JSON error).
abort: Callable[..., NoReturn] = flask_smorest.abort

blp = Blueprint("items", __name__, url_prefix="/items", description="A small CRUD resource.")


def get_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        abort(404, message=f"Item {item_id} not found.")
    return item


@blp.route("/")
class Items(MethodView):
    @blp.response(200, ItemSchema(many=True))
    @blp.paginate()
    def get(self, pagination_parameters: PaginationParameters) -> list[Item]:
        """List items, oldest first; `page` and `page_size` pick the page."""
        count = select(func.count()).select_from(Item)
        pagination_parameters.item_count = db.session.scalar(count)
        query = (
            select(Item)
            .order_by(Item.id)
            .offset(pagination_parameters.first_item)
            .limit(pagination_parameters.page_size)
        )
        return list(db.session.scalars(query))

    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema)
    def post(self, data: dict[str, Any]) -> Item:
        """Create an item."""
        item = Item(**data)
        db.session.add(item)
        db.session.commit()
        return item


@blp.route("/<int:item_id>")
class ItemById(MethodView):
    @blp.response(200, ItemSchema)
    def get(self, item_id: int) -> Item:
        """Read one item."""
        return get_or_404(item_id)

    @blp.arguments(ItemUpdateSchema)
    @blp.response(200, ItemSchema)
    def patch(self, data: dict[str, Any], item_id: int) -> Item:
        """Change the fields sent, keep the others."""
        item = get_or_404(item_id)
        for field, value in data.items():
            setattr(item, field, value)
        db.session.commit()
        return item

    @blp.response(204)
    def delete(self, item_id: int) -> None:
        """Delete an item."""
        db.session.delete(get_or_404(item_id))
        db.session.commit()
