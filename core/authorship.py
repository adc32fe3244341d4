"""Proof of authorship (decision 095): a case's own signing key, the desk's challenge, the
source's signature and its check. The server keeps only the public key and a salt."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core.audit import Action, record
from crypto import authorship
from crypto.errors import CryptoError
from crypto.keys import Identity
from store.models import Case, Reviewer, Source


def set_key(case: Case, reply_identity: Identity) -> None:
    """Give a case its authorship key if it has none (while the reply secret is in memory:
    the source's submit or sign-in request)."""
    if case.authorship_key is not None:
        return
    salt = authorship.new_salt()
    key = authorship.case_signing_key(reply_identity, salt)
    case.authorship_salt = salt
    case.authorship_key = authorship.encode_public(key.verify_key)


def key_old_cases(source: Source, reply_identity: Identity) -> None:
    """Set the key of every case of the source opened before keys existed."""
    for case in source.cases:
        set_key(case, reply_identity)


def issue_challenge(session: Session, actor: Reviewer, case: Case) -> str:
    """Give the case a fresh challenge (replacing an open one) and audit it."""
    challenge = authorship.new_challenge()
    case.authorship_challenge = challenge
    record(session, actor, Action.AUTHORSHIP_CHALLENGE, case)
    return challenge


def check_proof(
    session: Session, actor: Reviewer, case: Case, signature: str, day: dt.date
) -> bool:
    """Check a signature of the case's open challenge; on success record the day and close
    the challenge. Both outcomes are audited."""
    if case.authorship_key is None or case.authorship_challenge is None:
        return False
    try:
        authorship.verify(
            authorship.parse_public(case.authorship_key), case.authorship_challenge, signature
        )
    except CryptoError:
        record(session, actor, Action.AUTHORSHIP_FAILED, case)
        return False
    case.authorship_proven_on = day
    case.authorship_challenge = None
    record(session, actor, Action.AUTHORSHIP_PROVEN, case)
    return True


def sign(case: Case, reply_identity: Identity, challenge: str) -> str:
    """Return the source's signature of a challenge for one of their cases (CryptoError: not a
    challenge; LookupError: the case has no key yet)."""
    if case.authorship_salt is None:
        raise LookupError("this case has no authorship key")
    key = authorship.case_signing_key(reply_identity, case.authorship_salt)
    return authorship.sign(key, challenge)
