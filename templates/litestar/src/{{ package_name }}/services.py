"""Data access: a repository (queries) and a service (business rules) per model."""

from advanced_alchemy.repository import SQLAlchemyAsyncRepository
from advanced_alchemy.service import SQLAlchemyAsyncRepositoryService

from .models import Item


class ItemService(SQLAlchemyAsyncRepositoryService[Item]):
    """Create, read, update, delete and list items. Put item rules here, not in handlers."""

    class Repository(SQLAlchemyAsyncRepository[Item]):
        model_type = Item

    repository_type = Repository
