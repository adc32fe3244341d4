"""Reviewer sign-in: passphrase + TOTP, throttled per account, the same work for unknown users.

No attempt logs the code or the passphrase; the audit log records who failed, not what they
typed (a passphrase typed into the username field must not end up in a log).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import threading
import unicodedata
from dataclasses import dataclass
from typing import Any, cast

import pyotp
from argon2 import PasswordHasher
from sqlalchemy import CursorResult, case, literal, or_, update
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

    def fail(self, state: _Failures, now: dt.datetime) -> dt.datetime | None:
        """Count a failure for an unknown name; return the lock's end once it locks."""
        with self._lock:
            state.count += 1
            if state.count < LOCK_AFTER:
                return None
            state.count = 0
            state.locked_until = now + LOCK_FOR
            return state.locked_until

    def get(self, username: str) -> _Failures:
        key = hashlib.sha256(username.encode("utf-8")).hexdigest()
        with self._lock:
            if key not in self._seen and len(self._seen) >= self._limit:
                self._seen.pop(next(iter(self._seen)))
            return self._seen.setdefault(key, _Failures())


def normal_username(typed: str) -> str:
    """Return the one form of a typed username that both lookups and failure counts use.

    Known and unknown names must be keyed alike: were the account found by a stripped name and
    unknown names counted raw, failures spread over "u", "u ", "u  " would lock a real account
    and never an unknown one, which tells a guesser which names exist.
    """
    # Control characters can be in no username; dropped here, a NUL never reaches
    # PostgreSQL (which refuses it in text: a 500 before).
    kept = "".join(c for c in typed if unicodedata.category(c) != "Cc")
    return unicodedata.normalize("NFC", kept).strip()


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
    username = normal_username(username)
    account = repo.reviewer_by_username(db, username)
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
    if reviewer is None or counter is None or not _claim(db, reviewer, counter, now):
        raise SignInError(_fail(db, reviewer, state, unknown, now), account)
    if passphrases.needs_rehash(reviewer.passphrase_hash, hasher):
        reviewer.passphrase_hash = passphrases.hash_passphrase(passphrase, hasher)
    return reviewer


# The counters below change in one conditional UPDATE each, never read-modify-write in Python:
# two requests racing with the same code (or with wrong guesses) meet in the database, which
# lets only one of them win (SQLite serialises writers; PostgreSQL's READ COMMITTED re-checks
# the WHERE clause on the row the other transaction committed).
_SIGN_IN_STATE = ("failed_logins", "locked_until", "last_totp_counter")


def _claim(db: Session, reviewer: Reviewer, counter: int, now: dt.datetime) -> bool:
    """Record a sign-in with this code's time step if it is newer than the last one used and
    the account is active and not locked, in one compare-and-set; return whether it was."""
    result = db.execute(
        update(Reviewer)
        .where(
            Reviewer.id == reviewer.id,
            Reviewer.active.is_(True),
            or_(Reviewer.last_totp_counter.is_(None), Reviewer.last_totp_counter < counter),
            or_(Reviewer.locked_until.is_(None), Reviewer.locked_until <= now),
        )
        .values(last_totp_counter=counter, failed_logins=0, locked_until=None)
        .execution_options(synchronize_session=False)
    )
    db.expire(reviewer, _SIGN_IN_STATE)
    return cast("CursorResult[Any]", result).rowcount == 1


def _fail(
    db: Session,
    reviewer: Reviewer | None,
    state: _Failures | None,
    unknown: UnknownAccounts,
    now: dt.datetime,
) -> dt.datetime | None:
    """Count a failure; lock the account (real or not) after LOCK_AFTER in a row."""
    if reviewer is None:
        return unknown.fail(state, now) if state is not None else None
    until = now + LOCK_FOR
    reaches = Reviewer.failed_logins + 1 >= LOCK_AFTER
    count = db.execute(
        update(Reviewer)
        .where(Reviewer.id == reviewer.id)
        .values(
            failed_logins=case((reaches, 0), else_=Reviewer.failed_logins + 1),
            locked_until=case(
                (reaches, literal(until, Reviewer.locked_until.type)),
                else_=Reviewer.locked_until,
            ),
        )
        .returning(Reviewer.failed_logins)
        .execution_options(synchronize_session=False)
    ).scalar_one()
    db.expire(reviewer, _SIGN_IN_STATE)
    return until if count == 0 else None  # only the locking branch sets the count to 0
