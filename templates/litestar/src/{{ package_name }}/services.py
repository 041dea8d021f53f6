"""Data access: a repository (queries) and a service (business rules) per model."""

from advanced_alchemy.exceptions import ErrorMessages
from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService

from .models import Item


class ItemService(SQLAlchemyAsyncRepositoryService[Item]):
    """Create, read, update, delete and list items. Put item rules here, not in handlers."""

    class Repository(SQLAlchemyAsyncRepository[Item]):
        model_type = Item
        # The `detail` of the 404 response.
        error_messages: ErrorMessages | None = {  # noqa: RUF012 (read-only)
            "not_found": "No item with this id.",
        }

    repository_type = Repository
