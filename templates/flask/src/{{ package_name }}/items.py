"""The items resource: create, read, list (a page), change and delete."""

from collections.abc import Callable
from typing import Any, NoReturn

import flask_smorest
from flask.views import MethodView
from flask_smorest import Blueprint
from sqlalchemy import func, select

from .errors import JsonBodyParser
from .extensions import db
from .models import Item
from .schemas import MAX_BIGINT, ItemSchema, ItemUpdateSchema, PageArgsSchema, PageSchema

# flask-smorest is untyped; say that abort() always raises (it sends the JSON error).
abort: Callable[..., NoReturn] = flask_smorest.abort

blp = Blueprint("items", __name__, url_prefix="/items", description="A small CRUD resource.")
blp.ARGUMENTS_PARSER = JsonBodyParser()


def get_or_404(item_id: int) -> Item:
    item = db.session.get(Item, item_id)
    if item is None:
        abort(404, message=f"Item {item_id} not found.")
    return item


# strict_slashes=False: `/items/` is answered too, never redirected (a redirected POST
# would come back as a GET without its body).
@blp.route("", strict_slashes=False)
class Items(MethodView):
    @blp.arguments(PageArgsSchema, location="query", as_kwargs=True)
    @blp.response(200, PageSchema)
    def get(self, offset: int, limit: int) -> dict[str, Any]:
        """List items in ascending id order; `offset` and `limit` pick the page."""
        total = db.session.scalar(select(func.count()).select_from(Item))
        query = select(Item).order_by(Item.id).offset(offset).limit(limit)
        items = list(db.session.scalars(query))
        return {"items": items, "total": total, "offset": offset, "limit": limit}

    @blp.arguments(ItemSchema)
    @blp.response(201, ItemSchema)
    def post(self, data: dict[str, Any]) -> Item:
        """Create an item."""
        item = Item(**data)
        db.session.add(item)
        db.session.commit()
        return item


# An id outside 1..2^63-1 names no item (and would overflow a 64-bit column): the route
# does not match it, so it answers 404 before any query.
@blp.route(f"/<int(min=1, max={MAX_BIGINT}):item_id>", strict_slashes=False)
class ItemById(MethodView):
    @blp.response(200, ItemSchema)
    @blp.alt_response(404, description="No such item.")
    def get(self, item_id: int) -> Item:
        """Read one item."""
        return get_or_404(item_id)

    # No body at all changes nothing, like `{}`: the document says the body is optional.
    @blp.arguments(ItemUpdateSchema, required=False)
    @blp.response(200, ItemSchema)
    @blp.alt_response(404, description="No such item.")
    def patch(self, data: dict[str, Any], item_id: int) -> Item:
        """Change the fields sent, keep the others; `null` clears the description."""
        item = get_or_404(item_id)
        for field, value in data.items():
            setattr(item, field, value)
        db.session.commit()
        return item

    @blp.response(204)
    @blp.alt_response(404, description="No such item.")
    def delete(self, item_id: int) -> None:
        """Delete an item."""
        db.session.delete(get_or_404(item_id))
        db.session.commit()
