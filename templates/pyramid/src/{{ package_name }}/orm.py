"""The engine, the session factory, and `request.dbsession`: one session per request, joined
to the request's transaction (pyramid_tm commits it when the view succeeds and aborts it
when anything raises), as Pyramid's own starter project does."""

import transaction
from pyramid.config import Configurator
from pyramid.request import Request
from sqlalchemy import Engine, create_engine
from sqlalchemy.orm import Session, sessionmaker
from zope.sqlalchemy import register

from .database import configure_sqlite_connections


def make_engine(url: str) -> Engine:
    configure_sqlite_connections()
    # Check a pooled connection before use: servers close idle ones.
    return create_engine(url, pool_pre_ping=True)


def session_for(factory: sessionmaker[Session], manager: transaction.TransactionManager) -> Session:
    """A session whose commit and rollback follow the transaction `manager` runs."""
    session = factory()
    register(session, transaction_manager=manager)
    return session


def includeme(config: Configurator) -> None:
    """`config.include(".orm")`: pyramid_tm, and `request.dbsession` for the request's session."""
    config.include("pyramid_tm")
    engine: Engine = config.registry.settings["engine"]
    factory = sessionmaker(engine, expire_on_commit=False)
    config.registry.settings["dbsession_factory"] = factory

    def dbsession(request: Request) -> Session:
        return session_for(factory, request.tm)

    config.add_request_method(dbsession, reify=True)
