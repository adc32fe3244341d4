"""What every reviewer view needs: the signed-in reviewer, the config, the blob store."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar, cast

from argon2 import PasswordHasher
from flask import current_app, g
from sqlalchemy.orm import Session
from werkzeug.exceptions import Forbidden

from config import ReviewerConfig
from core.audit import Action, record
from crypto import totp_seal
from crypto.gate import Gate
from crypto.signing import SigningKey
from journalist_interface import sessions, signin
from store.models import Reviewer
from webcommon.app import current_blobs, current_config

F = TypeVar("F", bound=Callable[..., Any])
T = TypeVar("T")


blobs = current_blobs


def config() -> ReviewerConfig:
    """Return the reviewer interface's configuration."""
    value = current_config()
    assert isinstance(value, ReviewerConfig)  # noqa: S101 (this app holds only its own)
    return value


def signer() -> SigningKey:
    """Return the instance's bundle signing key (held by this process alone, decision 065)."""
    return SigningKey(config().signing_key)


def hasher() -> PasswordHasher:
    """Return the passphrase hasher at the configured cost."""
    value: PasswordHasher = current_app.extensions["westrong_hasher"]
    return value


def now() -> dt.datetime:
    """Return the current time (UTC)."""
    return dt.datetime.now(dt.UTC)


def reviewer() -> Reviewer:
    """Return the signed-in reviewer (set by the app's before_request hook)."""
    value: Reviewer = g.reviewer
    return value


def totp_secret(person: Reviewer) -> str:
    """Return a reviewer's TOTP secret as the authenticator app holds it (opened with this
    process's TOTP key; TotpSealError if it does not open)."""
    return totp_seal.open_sealed(config().totp_key, person.totp_secret)


def totp_public_key() -> str:
    """Return the public half that seals new TOTP secrets."""
    return totp_seal.public_key(config().totp_key)


def gated(work: Callable[[], T]) -> T:
    """Run a passphrase check (about 64 MiB of Argon2) through the sign-in gate, the one
    bound for every such check in this process; BusyError (a 503 page) past it."""
    gate: Gate = current_app.extensions["westrong_signin_gate"]
    return gate.run(work)


def sign_in(db: Session, username: str, passphrase: str, code: str, kind: str) -> str:
    """Check the three factors through the sign-in gate; audit; return a new session token.

    Raise signin.SignInError (after auditing the failure) when they do not match.
    """
    extensions = current_app.extensions
    moment = now()
    try:
        who = gated(
            lambda: signin.sign_in(
                db,
                username,
                passphrase,
                code,
                moment,
                extensions["westrong_dummy_hash"],
                extensions["westrong_unknown_accounts"],
                hasher(),
                config().totp_key,
            )
        )
    except signin.SignInError as failed:
        found = failed.account
        detail = ("" if found else "unknown account") + (" (api)" if kind == "api" else "")
        record(db, found, Action.LOGIN_FAILED, detail=detail.strip())
        raise
    record(db, who, Action.LOGIN, detail="api" if kind == "api" else "")
    return sessions.start(db, config(), who, moment, kind)


def admin_only(view: F) -> F:
    """Refuse a view to reviewers who are not admins."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not reviewer().is_admin:
            raise Forbidden()
        return view(*args, **kwargs)

    return cast(F, wrapper)
