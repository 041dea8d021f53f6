from alembic import command
from alembic.config import Config


def test_models_and_migrations_agree(alembic_config: Config) -> None:
    # Fails when a model changed without a migration: run
    # `uv run alembic revision --autogenerate -m "what changed"` and review the script.
    command.check(alembic_config)


def test_migrations_downgrade_and_upgrade_again(alembic_config: Config) -> None:
    command.downgrade(alembic_config, "base")
    command.upgrade(alembic_config, "head")
    command.check(alembic_config)
