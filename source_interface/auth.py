"""Source sign-in: codename → identity, and server-side sessions that hold no codename.

The cookie holds a random token; the database holds its hash and the reply secret key sealed
under the token (crypto.session_seal). Expiry is stored rounded up to a coarse step, so the
row does not record when the source last acted (docs/decisions/008).
"""

from __future__ import annotations

import datetime as dt
import hmac
from dataclasses import dataclass

from flask import current_app, request
from sqlalchemy import delete, select
from sqlalchemy.orm import Session
from werkzeug.wrappers import Response

from config import SourceConfig
from core import sources
from crypto import labels, session_seal
from crypto.codename import normalize
from crypto.errors import CryptoError
from crypto.keys import Identity
from store.models import Source, SourceSession
from webcommon.cookies import cookie_names

EXPIRY_STEP = dt.timedelta(minutes=10)


@dataclass(frozen=True)
class SignedIn:
    """The source of this request and its reply identity (in memory only)."""

    source: Source
    reply_identity: Identity
    session: SourceSession


def codename_proof(secret: bytes, codename: str) -> str:
    """Return a MAC showing this server generated the codename (so none is self-chosen)."""
    message = labels.CODENAME_PROOF + normalize(codename).encode("utf-8")
    return hmac.new(secret, message, "sha256").hexdigest()


def proof_matches(secret: bytes, codename: str, proof: str) -> bool:
    """Check a codename proof in constant time (as bytes: compare_digest refuses a str with
    non-ASCII characters, and the proof comes from the form)."""
    expected = codename_proof(secret, codename).encode("ascii")
    return hmac.compare_digest(expected, proof.encode("utf-8", "replace"))


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _expiry(config: SourceConfig) -> dt.datetime:
    exact = _now() + dt.timedelta(minutes=config.session_idle_minutes)
    step = EXPIRY_STEP.total_seconds()
    rounded = (int(exact.timestamp() // step) + 1) * step
    return dt.datetime.fromtimestamp(rounded, dt.UTC)


def start(db: Session, config: SourceConfig, source: Source, reply_identity: Identity) -> str:
    """Create a session row; return the cookie value (the token)."""
    token = session_seal.new_token()
    db.add(
        SourceSession(
            token_hash=session_seal.token_hash(token),
            source_id=source.id,
            sealed_reply_key=session_seal.seal(token, reply_identity.secret_key),
            expires_at=_expiry(config),
        )
    )
    return session_seal.encode_token(token)


def _token() -> bytes | None:
    return session_seal.decode_token(request.cookies.get(cookie_names().session))


def has_cookie() -> bool:
    """Say whether the request carries a session cookie (valid or not)."""
    return cookie_names().session in request.cookies


def current(db: Session, config: SourceConfig) -> SignedIn | None:
    """Return the signed-in source, extending the idle expiry, or None if there is none."""
    token = _token()
    if token is None:
        return None
    row = db.scalar(
        select(SourceSession).where(SourceSession.token_hash == session_seal.token_hash(token))
    )
    if row is None:
        return None
    expires_at = row.expires_at.replace(tzinfo=row.expires_at.tzinfo or dt.UTC)
    if expires_at <= _now():
        db.delete(row)
        return None
    try:
        identity = Identity(session_seal.unseal(token, row.sealed_reply_key))
    except CryptoError:
        return None
    new_expiry = _expiry(config)
    if new_expiry != expires_at:
        row.expires_at = new_expiry
    return SignedIn(row.source, identity, row)


def end(db: Session) -> None:
    """Delete this request's session row, if any."""
    token = _token()
    if token is not None:
        db.execute(
            delete(SourceSession).where(SourceSession.token_hash == session_seal.token_hash(token))
        )


def purge_expired(db: Session) -> None:
    """Delete expired session rows."""
    sources.purge_expired_sessions(db, _now())


def set_cookie(response: Response, value: str) -> None:
    """Set the session cookie: HttpOnly, SameSite=Strict, no expiry (gone with the browser)."""
    response.set_cookie(
        cookie_names().session,
        value,
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


def clear_cookie(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(
        cookie_names().session,
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
