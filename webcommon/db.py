"""One transaction per request, Warehouse-style: the session begins on first use, commits
once the view returned (before the response goes out), and rolls back when the view raised.
Views and use cases never frame their own transactions. A constraint violation at commit
becomes one clear 409 page here."""

from __future__ import annotations

import logging
from collections.abc import Callable

from flask import Flask, current_app, g, render_template
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import DataError, IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from werkzeug.wrappers import Response

from config import Mode
from core import deletion
from store.db import is_disk_full, make_engine, session_factory

_KEY = "westrong_db"
_WORKS_DELETIONS = "westrong_works_deletions"
log = logging.getLogger(__name__)


def init_db(app: Flask, database_url: str, works_deletions: bool = False) -> None:
    """Bind an engine and a session factory to the app, and the per-request transaction.
    `works_deletions`: in development, work the deletion queue after a request that queued
    (the reviewer app; the source app's database role may only queue)."""
    app.extensions[_KEY] = session_factory(make_engine(database_url))
    app.extensions[_WORKS_DELETIONS] = works_deletions
    app.after_request(_commit)
    app.teardown_request(_close)
    app.register_error_handler(IntegrityError, _conflict)
    app.register_error_handler(DataError, _bad_value)


def sessions(app: Flask | None = None) -> sessionmaker[Session]:
    """Return the app's session factory (for work outside a request)."""
    factory: sessionmaker[Session] = (app or current_app).extensions[_KEY]
    return factory


def db() -> Session:
    """Return this request's session (its transaction begins on first use)."""
    if "db" not in g:
        g.db = sessions()()
    session: Session = g.db
    return session


def commit_now() -> None:
    """Commit what this request wrote so far and give its connection back to the pool (the
    next use of db() begins a new transaction): for a view about to wait a long time on its
    client, such as an upload's body (decision 101)."""
    session: Session | None = g.get("db")
    if session is not None:
        session.commit()


def mark_failed() -> None:
    """Make this request roll back instead of committing (error handlers call it). The
    rollback happens now, so the error page itself can still read (its settings, its
    branding) after a failed flush."""
    g.westrong_failed = True
    session: Session | None = g.get("db")
    if session is not None:
        session.rollback()


def _conflict(_error: IntegrityError) -> ResponseReturnValue:
    mark_failed()
    log.warning("refused a change that clashes with stored data (IntegrityError)")
    return render_template("error.html", code=409), 409


def _bad_value(_error: DataError) -> ResponseReturnValue:
    # A value the database cannot hold (e.g. a NUL in text on PostgreSQL) that no form
    # check caught: the request is refused, not answered with a 500.
    mark_failed()
    log.warning("refused a value the database cannot store (DataError)")
    return render_template("error.html", code=400), 400


def _commit(response: Response) -> Response:
    session: Session | None = g.get("db")
    if session is None or g.get("westrong_failed"):
        return response
    try:
        session.commit()
    except IntegrityError as error:
        session.rollback()
        conflict = current_app.make_response(_conflict(error))
        return conflict
    except Exception as error:
        if not is_disk_full(error):
            raise
        session.rollback()  # the rollback hooks discard the blobs this request stored
        return current_app.make_response(disk_full())
    queued = deletion.queued_in(session)
    if (
        queued
        and current_app.extensions[_WORKS_DELETIONS]
        and current_app.extensions["westrong_config"].mode
        in (
            Mode.DEVELOPMENT,
            Mode.TESTING,
        )
    ):
        # Development works the deletion queue right away; production leaves it to the
        # scheduled job (`manage.py purge`), so a reviewer's delete returns at once.
        deletion.work(sessions(), current_app.extensions["westrong_blobs"])
    return response


def on_disk_full(render: Callable[[], ResponseReturnValue]) -> None:
    """Say how this request answers if the disk is full (e.g. the form with what the source
    typed given back); without it, a generic "try again later" page."""
    g.westrong_disk_full = render


def disk_full() -> ResponseReturnValue:
    """Answer a request that could not be stored because a disk is full, and tell the
    operator's log so (counts and words only, never content)."""
    mark_failed()
    log.error("disk full: a request could not be stored (free space on the store or database)")
    render: Callable[[], ResponseReturnValue] | None = g.get("westrong_disk_full")
    if render is not None:
        return render()
    return render_template("error.html", code=507), 507


def _close(_error: BaseException | None) -> None:
    session: Session | None = g.pop("db", None)
    if session is not None:
        if session.in_transaction():
            session.rollback()
        session.close()
