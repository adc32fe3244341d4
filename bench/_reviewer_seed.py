"""Shared parts of the reviewer-interface benches: a throwaway instance configured through
WESTRONG_* variables (the reviewer process's own: no source secret), desks added through
`core.desks`, reviewer accounts bulk-inserted straight into the tables, TOTP codes,
the sign-in flow over HTTP, and gunicorn serving the reviewer app (`_harness.Gunicorn`,
ready at /login).

Not a bench itself (the leading underscore).
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import shutil
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import pyotp
from sqlalchemy import Engine, insert

from bench._harness import Client, Gunicorn, csrf
from config import ReviewerConfig, load_reviewer_config
from core import desks
from crypto import passphrase as passphrases
from crypto.keys import Identity
from store.db import make_engine, migrate, session_factory
from store.models import Reviewer, reviewer_desks

DESKS = (
    ("nacc", "สำนักงาน ป.ป.ช.", "Anti-corruption commission"),
    ("uni", "ศูนย์ต้านทุจริต มหาวิทยาลัย", "University centre"),
)


def _dev_secret() -> str:
    return "dev-" + secrets.token_hex(32)


class Instance:
    """A temporary folder holding a migrated SQLite database and a blob store."""

    def __init__(self, prefix: str = "westrong-reviewer-bench-") -> None:
        self.dir = Path(tempfile.mkdtemp(prefix=prefix))
        self.env: dict[str, str] = {
            "WESTRONG_MODE": "development",
            "WESTRONG_DATABASE_URL": f"sqlite:///{self.dir / 'westrong.sqlite'}",
            "WESTRONG_STORE_ROOT": str(self.dir / "store"),
            "WESTRONG_REVIEWER_SECRET_KEY": _dev_secret(),
        }
        self.config: ReviewerConfig = load_reviewer_config(self.env)
        self.engine: Engine = make_engine(self.config.database_url)
        migrate(self.engine)

    def close(self) -> None:
        self.engine.dispose()
        shutil.rmtree(self.dir, ignore_errors=True)

    def __enter__(self) -> Instance:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def add_desks(instance: Instance, count: int = 2) -> list[int]:
    """Add desks (each with one freshly generated age recipient); return their ids."""
    ids = []
    with session_factory(instance.engine)() as session, session.begin():
        for slug, name_th, name_en in DESKS[:count]:
            recipient = str(Identity.generate().recipient)
            ids.append(desks.add(session, None, slug, name_th, name_en, [recipient]).id)
    return ids


@dataclass
class Account:
    """A reviewer's credentials, as the person would have them."""

    id: int
    username: str
    passphrase: str
    totp_secret: str


def production_hash(config: ReviewerConfig) -> tuple[str, str]:
    """Return a new passphrase and its hash at the configured (production default) cost."""
    words = passphrases.generate()
    hasher = passphrases.make_hasher(config.passphrase_time_cost, config.passphrase_memory_kib)
    return words, passphrases.hash_passphrase(words, hasher)


def add_reviewers(
    instance: Instance, count: int, desk_ids: Sequence[int], prefix: str = "reviewer"
) -> list[Account]:
    """Add reviewers of these desks in bulk. They share one passphrase (hashed once, at the
    production cost: verifying it costs the same as for distinct ones) and have their own
    TOTP secrets."""
    words, hashed = production_hash(instance.config)
    now = dt.datetime.now(dt.UTC)
    accounts = []
    with instance.engine.begin() as conn:
        for i in range(count):
            username, secret = f"{prefix}{i:04d}", pyotp.random_base32()
            row = {
                "username": username,
                "passphrase_hash": hashed,
                "totp_secret": secret,
                "is_admin": False,
                "active": True,
                "failed_logins": 0,
                "created_at": now,
            }
            key = conn.execute(insert(Reviewer), row).inserted_primary_key
            if key is None:
                raise RuntimeError("no id for the new reviewer")
            accounts.append(Account(int(key[0]), username, words, secret))
        conn.execute(
            insert(reviewer_desks),
            [{"reviewer_id": a.id, "desk_id": d} for a in accounts for d in desk_ids],
        )
    return accounts


def totp_code(secret: str, offset: int = 0) -> str:
    """The code of the current 30-second step plus an offset (the server accepts ±1)."""
    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(dt.datetime.now(dt.UTC)) + offset)


def sign_in_fields(token: str, account: Account, offset: int = 0) -> dict[str, str]:
    return {
        "csrf_token": token,
        "username": account.username,
        "passphrase": account.passphrase,
        "token": totp_code(account.totp_secret, offset),
    }


def http_sign_in(client: Client, account: Account, offset: int = 0) -> int:
    """GET /login, POST /login; return the POST's status (303 when signed in)."""
    token = csrf(client, "/login")
    return client.post_form("/login", sign_in_fields(token, account, offset)).status


class ReviewerServer(Gunicorn):
    """The reviewer interface of an instance under gunicorn on 127.0.0.1 (ready at /login)."""

    def __init__(
        self, instance: Instance, workers: int = 1, extra_args: Sequence[str] = ()
    ) -> None:
        self.instance = instance
        port_log = instance.dir / f"gunicorn-{secrets.token_hex(4)}.log"
        super().__init__(
            "journalist_interface.app:from_environment()",
            ["--workers", str(workers), *extra_args],
            {**os.environ, **instance.env},
            port_log,
            workers,
            ready_path="/login",
        )
