"""Accounts, directly: every change that weakens old credentials ends the sessions, and
each is audited the same way whether the web or the command line asked."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core import accounts, desks
from core.errors import Conflict, Invalid, NotFound
from crypto import passphrase, totp_seal
from store.models import AuditEvent, Reviewer, ReviewerSession

PUBLIC = totp_seal.public_key(os.urandom(32))  # the tests never open the secrets
HASHER = passphrase.make_hasher(1, 64)


def _person(session: Session) -> Reviewer:
    made = accounts.add(
        session, HASHER, None, " nok ", False, [desks.by_slug(session, "nacc")], PUBLIC
    )
    assert made.username == "nok"
    person = accounts.by_username(session, "nok")
    now = dt.datetime.now(dt.UTC)
    session.add(
        ReviewerSession(token_hash="t" * 64, reviewer_id=person.id, kind="web", created_at=now,
                        last_seen_at=now, expires_at=now + dt.timedelta(hours=1))
    )  # fmt: skip
    session.flush()
    return person


def _sessions(session: Session) -> int:
    return session.scalar(select(func.count(ReviewerSession.id))) or 0


@pytest.mark.parametrize(
    ("change", "action"),
    [
        (lambda s, p: accounts.reset_2fa(s, None, p, PUBLIC), "reviewer_reset-2fa"),
        (lambda s, p: accounts.reset_passphrase(s, HASHER, None, p), "reviewer_reset-passphrase"),
        (lambda s, p: accounts.set_active(s, None, p, False), "reviewer_disable"),
    ],
)
def test_changes_end_sessions_and_are_audited(
    session: Session, change: Callable[[Session, Reviewer], object], action: str
) -> None:
    person = _person(session)
    assert _sessions(session) == 1
    change(session, person)
    session.flush()
    assert _sessions(session) == 0
    actions = session.scalars(select(AuditEvent.action)).all()
    assert actions[-1] == action


def test_a_new_passphrase_needs_the_old_one(session: Session) -> None:
    person = _person(session)
    with pytest.raises(Invalid):
        accounts.change_own_passphrase(session, HASHER, person, "wrong words")
    assert _sessions(session) == 1


def test_names_desks_and_self_deletion(session: Session) -> None:
    person = _person(session)
    with pytest.raises(Conflict):
        accounts.add(session, HASHER, None, "nok", False, [desks.by_slug(session, "nacc")], PUBLIC)
    with pytest.raises(Invalid):
        accounts.add(session, HASHER, None, "noi", False, [], PUBLIC)
    with pytest.raises(Invalid):
        accounts.remove(session, person, person)
    accounts.remove(session, None, person)
    session.flush()
    with pytest.raises(NotFound):
        accounts.by_username(session, "nok")
