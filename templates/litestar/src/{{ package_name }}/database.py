"""The database: one Advanced Alchemy config, used by the app, the CLI and the tests."""

from pathlib import Path

from advanced_alchemy.extensions.litestar import (
    AlembicAsyncConfig,
    AsyncSessionConfig,
    SQLAlchemyAsyncConfig,
)

from .settings import Settings

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alchemy_config(settings: Settings) -> SQLAlchemyAsyncConfig:
    """How to connect, how sessions behave, and where the migrations live."""
    return SQLAlchemyAsyncConfig(
        connection_string=settings.database_url,
        # Each request gets a session (the `db_session` dependency); it is committed when the
        # handler answers 2xx and rolled back otherwise.
        before_send_handler="autocommit",
        # Keep loaded objects readable after the commit, when the response is serialised.
        session_config=AsyncSessionConfig(expire_on_commit=False),
        # Tables come from migrations (`litestar database upgrade`), never from create_all.
        create_all=False,
        alembic_config=AlembicAsyncConfig(
            script_location=str(MIGRATIONS_DIR),
            script_config=str(MIGRATIONS_DIR / "alembic.ini"),
        ),
    )
