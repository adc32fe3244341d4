"""Reviewer accounts: add, disable, enable, delete, reset 2FA or passphrase. Each change that
weakens an account's old credentials ends every session of it, here, so the web and the
command line cannot do it two ways."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from core import memberships
from core.audit import Action, record
from core.errors import Conflict, Invalid, NotFound, ReauthenticationNeeded
from crypto import passphrase as passphrases
from crypto import totp_seal
from crypto.errors import PassphraseMismatchError
from store.models import Desk, DeskRole, Reviewer, ReviewerSession


@dataclass(frozen=True)
class Credentials:
    """What a reviewer is told once: a generated passphrase and/or a TOTP secret."""

    username: str
    passphrase: str | None = None
    totp_secret: str | None = None


def by_username(session: Session, username: str) -> Reviewer:
    """Return the reviewer with this username, or raise NotFound."""
    person = session.scalar(select(Reviewer).where(Reviewer.username == username))
    if person is None:
        raise NotFound(f"no reviewer {username!r}")
    return person


def end_sessions(session: Session, person: Reviewer) -> None:
    """Revoke every session of a reviewer (browser and API)."""
    session.execute(delete(ReviewerSession).where(ReviewerSession.reviewer_id == person.id))


def add(
    session: Session,
    hasher: PasswordHasher,
    actor: Reviewer | None,
    username: str,
    admin: bool,
    desks: Sequence[Desk],
    totp_public_key: str,
    roles: Mapping[int, DeskRole] | None = None,
    reauthenticated: bool = False,
) -> Credentials:
    """Add a reviewer with a generated passphrase and TOTP secret (shown once; stored sealed
    to the reviewer interface's TOTP key, whose public half is `totp_public_key`), with a
    role at each desk (`roles` by desk id; officer by default). Putting them in a desk the
    admin is not a member of needs re-authentication (core.memberships)."""
    username = username.strip()
    if not username:
        raise Invalid("a username is needed")
    if not desks:
        raise Invalid("a reviewer needs at least one desk")
    if session.scalar(select(Reviewer.id).where(Reviewer.username == username)) is not None:
        raise Conflict(f"reviewer {username!r} already exists")
    chosen = {d.id: (roles or {}).get(d.id, DeskRole.OFFICER) for d in desks}
    outside = [d for d in desks if memberships.needs_reauthentication(actor, d, None, chosen[d.id])]
    if outside and not reauthenticated:
        raise ReauthenticationNeeded("adding a member to a desk you are not in needs it")
    words, secret = passphrases.generate(), pyotp.random_base32()
    person = Reviewer(
        username=username,
        passphrase_hash=passphrases.hash_passphrase(words, hasher),
        totp_secret=totp_seal.seal(totp_public_key, secret),
        is_admin=admin,
        active=True,
        failed_logins=0,
        created_at=dt.datetime.now(dt.UTC),
    )
    session.add(person)
    record(session, actor, Action.REVIEWER_ADDED, detail=username)
    session.flush()
    for desk in desks:
        memberships.set_role(session, actor, person, desk, chosen[desk.id], reauthenticated)
    return Credentials(username, words, secret)


def reset_2fa(
    session: Session, actor: Reviewer | None, person: Reviewer, totp_public_key: str
) -> Credentials:
    """Give a reviewer a new TOTP secret (stored sealed); end their sessions."""
    secret = pyotp.random_base32()
    person.totp_secret = totp_seal.seal(totp_public_key, secret)
    person.last_totp_counter = None
    end_sessions(session, person)
    record(session, actor, Action.REVIEWER_RESET_2FA, detail=person.username)
    return Credentials(person.username, totp_secret=secret)


def seal_plain_totp_secrets(session: Session, totp_public_key: str | None) -> int:
    """Seal the TOTP secrets still stored in the clear (from before migration 0005); return
    how many. Without the public key, Invalid if there is any to seal."""
    plain = [p for p in session.scalars(select(Reviewer)) if not totp_seal.is_sealed(p.totp_secret)]
    if plain and not totp_public_key:
        raise Invalid(
            f"{len(plain)} TOTP secrets are stored in the clear: set totp_public_key in the "
            "command line's configuration (docs/decisions/038) and run migrate again"
        )
    for person in plain:
        person.totp_secret = totp_seal.seal(totp_public_key or "", person.totp_secret)
    return len(plain)


def reset_passphrase(
    session: Session, hasher: PasswordHasher, actor: Reviewer | None, person: Reviewer
) -> Credentials:
    """Give a reviewer a new generated passphrase; end their sessions."""
    words = passphrases.generate()
    person.passphrase_hash = passphrases.hash_passphrase(words, hasher)
    end_sessions(session, person)
    record(session, actor, Action.REVIEWER_RESET_PASSPHRASE, detail=person.username)
    return Credentials(person.username, passphrase=words)


def change_own_passphrase(
    session: Session, hasher: PasswordHasher, person: Reviewer, current: str
) -> Credentials:
    """Replace a reviewer's passphrase after they typed the current one (Invalid if wrong);
    end every session of theirs, this one too."""
    try:
        passphrases.verify(person.passphrase_hash, current, hasher)
    except PassphraseMismatchError:
        raise Invalid("wrong passphrase") from None
    words = passphrases.generate()
    person.passphrase_hash = passphrases.hash_passphrase(words, hasher)
    end_sessions(session, person)
    record(session, person, Action.PASSPHRASE_CHANGED)
    return Credentials(person.username, passphrase=words)


def set_active(session: Session, actor: Reviewer | None, person: Reviewer, active: bool) -> None:
    """Disable (ending their sessions) or enable a reviewer."""
    person.active = active
    if not active:
        end_sessions(session, person)
    action = Action.REVIEWER_ENABLED if active else Action.REVIEWER_DISABLED
    record(session, actor, action, detail=person.username)


def remove(session: Session, actor: Reviewer | None, person: Reviewer) -> None:
    """Delete a reviewer (sessions go with it; the audit log keeps the username)."""
    if actor is not None and actor.id == person.id:
        raise Invalid("an admin cannot delete their own account")
    name = person.username
    session.delete(person)
    record(session, actor, Action.REVIEWER_DELETED, detail=name)
