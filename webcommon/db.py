"""A request-scoped database session, opened on first use and closed at teardown."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from flask import Flask, current_app, g
from sqlalchemy.orm import Session, sessionmaker

from config import Config
from store.db import make_engine, session_factory

_KEY = "westrong_db"


def init_db(app: Flask, config: Config) -> None:
    """Bind an engine and a session factory to the app."""
    app.extensions[_KEY] = session_factory(make_engine(config.database_url))
    app.teardown_appcontext(_close)


def sessions(app: Flask | None = None) -> sessionmaker[Session]:
    """Return the app's session factory (for work outside a request)."""
    factory: sessionmaker[Session] = (app or current_app).extensions[_KEY]
    return factory


def db() -> Session:
    """Return this request's session; callers open transactions with `db().begin()`."""
    if "db" not in g:
        g.db = sessions()()
    session: Session = g.db
    return session


def _close(_error: BaseException | None) -> None:
    session = g.pop("db", None)
    if session is not None:
        session.close()


@contextmanager
def transaction() -> Iterator[Session]:
    """Open a transaction on this request's session, ending any read-only one begun by a query.

    Views read before they write (the signed-in source, the desks); SQLAlchemy begins a
    transaction for those reads, and `begin()` would refuse to start another.
    """
    session = db()
    if session.in_transaction():
        session.commit()
    with session.begin():
        yield session
