"""Re-authentication before a change that decides who can read tips (a desk's recipients):
the signed-in reviewer's passphrase and a fresh TOTP code, checked again.

The code is consumed like a sign-in code (a code already used, for the sign-in or a previous
confirmation, is refused), so someone holding only the session cannot confirm.
"""

from __future__ import annotations

import datetime as dt

from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from core.audit import Action, record
from crypto import passphrase as passphrases
from crypto.errors import PassphraseMismatchError
from journalist_interface import signin
from store.models import Reviewer


def confirm(
    db: Session,
    person: Reviewer,
    passphrase: str,
    code: str,
    now: dt.datetime,
    hasher: PasswordHasher,
    totp_secret: str,
) -> bool:
    """Return whether the passphrase and a fresh code are the reviewer's (run it through the
    sign-in gate); a failure is audited like a failed sign-in."""
    try:
        passphrases.verify(person.passphrase_hash, passphrase, hasher)
        counter = signin.totp_counter(totp_secret, code, now, person.last_totp_counter)
    except PassphraseMismatchError:
        counter = None
    if counter is None:
        record(db, person, Action.LOGIN_FAILED, detail="re-authentication")
        return False
    person.last_totp_counter = counter
    return True
