"""Reviewer sign-in: passphrase + TOTP, throttled per account, the same work for unknown users.

No attempt logs the code or the passphrase; the audit log records who failed, not what they
typed (a passphrase typed into the username field must not end up in a log).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

import pyotp
from argon2 import PasswordHasher
from sqlalchemy.orm import Session

from crypto import passphrase as passphrases
from crypto import totp_seal
from crypto.errors import PassphraseMismatchError
from store import repository as repo
from store.models import Reviewer

LOCK_AFTER = 5
LOCK_FOR = dt.timedelta(minutes=5)
TOTP_STEP = 30


class SignInError(Exception):
    """Sign-in failed; `locked_until` is set when the account is (now) locked, `account` when
    the username names one (for the audit log; disabled accounts included)."""

    def __init__(
        self, locked_until: dt.datetime | None = None, account: Reviewer | None = None
    ) -> None:
        super().__init__("sign-in failed")
        self.locked_until = locked_until
        self.account = account


@dataclass
class _Failures:
    count: int = 0
    locked_until: dt.datetime | None = None


class UnknownAccounts:
    """Failure counts for usernames that do not exist, so they lock out like real ones.

    In memory and bounded: it only has to make both cases look alike to a guesser.
    """

    def __init__(self, limit: int = 10_000) -> None:
        self._seen: dict[str, _Failures] = {}
        self._lock = threading.Lock()
        self._limit = limit

    def get(self, username: str) -> _Failures:
        key = hashlib.sha256(username.encode("utf-8")).hexdigest()
        with self._lock:
            if key not in self._seen and len(self._seen) >= self._limit:
                self._seen.pop(next(iter(self._seen)))
            return self._seen.setdefault(key, _Failures())


def totp_counter(secret: str, code: str, now: dt.datetime, last: int | None) -> int | None:
    """Return the time step a code belongs to (±1 step), or None if wrong or already used."""
    code = "".join(code.split())
    if not code.isdigit() or len(code) != 6:
        return None
    totp = pyotp.TOTP(secret, interval=TOTP_STEP)
    current = totp.timecode(now)
    for counter in (current - 1, current, current + 1):
        if pyotp.utils.strings_equal(totp.generate_otp(counter), code):
            return counter if last is None or counter > last else None
    return None


def _as_utc(moment: dt.datetime | None) -> dt.datetime | None:
    return moment.replace(tzinfo=dt.UTC) if moment and moment.tzinfo is None else moment


def sign_in(
    db: Session,
    username: str,
    passphrase: str,
    code: str,
    now: dt.datetime,
    dummy_hash: str,
    unknown: UnknownAccounts,
    hasher: PasswordHasher,
    totp_key: bytes,
) -> Reviewer:
    """Check the three factors; return the reviewer or raise SignInError (the caller commits)."""
    account = repo.reviewer_by_username(db, username.strip())
    reviewer = account if account is not None and account.active else None
    state = unknown.get(username) if reviewer is None else None
    if reviewer is not None:
        locked_until = _as_utc(reviewer.locked_until)
    else:
        locked_until = state.locked_until if state else None
    stored = reviewer.passphrase_hash if reviewer else dummy_hash
    try:
        # Always run: the same work for every username.
        passphrases.verify(stored, passphrase, hasher)
        good_passphrase = reviewer is not None
    except PassphraseMismatchError:
        good_passphrase = False
    if locked_until is not None and locked_until > now:
        raise SignInError(locked_until, account)
    counter = None
    if good_passphrase and reviewer is not None:
        secret = totp_seal.open_sealed(totp_key, reviewer.totp_secret)  # only this process can
        counter = totp_counter(secret, code, now, reviewer.last_totp_counter)
    if reviewer is None or counter is None:
        raise SignInError(_fail(reviewer, state, now), account)
    reviewer.failed_logins = 0
    reviewer.locked_until = None
    reviewer.last_totp_counter = counter
    if passphrases.needs_rehash(reviewer.passphrase_hash, hasher):
        reviewer.passphrase_hash = passphrases.hash_passphrase(passphrase, hasher)
    return reviewer


def _fail(
    reviewer: Reviewer | None, state: _Failures | None, now: dt.datetime
) -> dt.datetime | None:
    """Count a failure; lock the account (real or not) after LOCK_AFTER in a row."""
    if reviewer is not None:
        reviewer.failed_logins += 1
        if reviewer.failed_logins < LOCK_AFTER:
            return None
        reviewer.failed_logins = 0
        reviewer.locked_until = now + LOCK_FOR
        return reviewer.locked_until
    if state is None:
        return None
    state.count += 1
    if state.count < LOCK_AFTER:
        return None
    state.count = 0
    state.locked_until = now + LOCK_FOR
    return state.locked_until
