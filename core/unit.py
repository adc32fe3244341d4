"""Work that must wait for the transaction's outcome: shred blobs only after the rows that
named them are gone for good; discard new blobs when the rows that would name them roll back.

Either way a crash in between leaves a blob without a row (repairable, never served), never
a row without its blob.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event
from sqlalchemy.orm import Session, SessionTransaction

from store import db as store_db

_COMMIT = "westrong_after_commit"
_ROLLBACK = "westrong_after_rollback"


def _run(session: Session, key: str) -> None:
    hooks: list[Callable[[], None]] = session.info.pop(key, [])
    session.info.pop(_ROLLBACK if key == _COMMIT else _COMMIT, None)
    for hook in hooks:
        hook()


def _committed(session: Session) -> None:
    _run(session, _COMMIT)


def _rolled_back(session: Session, previous: SessionTransaction) -> None:
    if previous.parent is None and not previous.nested:
        _run(session, _ROLLBACK)


def _listen(session: Session) -> None:
    if not event.contains(session, "after_commit", _committed):
        event.listen(session, "after_commit", _committed)
        event.listen(session, "after_soft_rollback", _rolled_back)


def after_commit(session: Session, hook: Callable[[], None]) -> None:
    """Run `hook` once this session's transaction commits (dropped if it rolls back)."""
    _listen(session)
    session.info.setdefault(_COMMIT, []).append(hook)


def after_rollback(session: Session, hook: Callable[[], None]) -> None:
    """Run `hook` if this session's transaction rolls back (dropped if it commits)."""
    _listen(session)
    session.info.setdefault(_ROLLBACK, []).append(hook)


_FORGET = "westrong_forget"


def forget_after_commit(session: Session, vacuum: bool = False) -> None:
    """Once this transaction's deletions commit, push them out of the database files too
    (a WAL checkpoint on SQLite; VACUUM on PostgreSQL when `vacuum`). Registered once per
    transaction, however many rows it deletes."""
    wanted = session.info.get(_FORGET)
    session.info[_FORGET] = bool(wanted) or vacuum
    if wanted is not None:
        return

    def forget() -> None:
        bind = session.get_bind()
        engine = bind if isinstance(bind, Engine) else bind.engine
        store_db.forget_deleted(engine, vacuum=session.info.pop(_FORGET, False))

    after_commit(session, forget)
    after_rollback(session, lambda: session.info.pop(_FORGET, None))
