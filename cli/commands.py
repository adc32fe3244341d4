"""Operator tasks: `python manage.py COMMAND`. Reads the configuration from WESTRONG_* / the
file named by WESTRONG_CONFIG, except `init-dev`, which creates a development instance."""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import secrets
import sys
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pyotp
from argon2 import PasswordHasher
from sqlalchemy import delete
from sqlalchemy.orm import Session

import config as config_module
from config import Config, ConfigError, load_config
from crypto import passphrase
from crypto.errors import CryptoError
from crypto.fingerprint import fingerprint
from crypto.keys import Identity, Recipient
from store import repository as repo
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.errors import StoreError
from store.models import Desk, Reviewer, ReviewerSession
from webcommon import settings

DEV_DESK = ("dev-desk", "โต๊ะทดสอบ (พัฒนา)", "Development desk")


class CommandError(Exception):
    """A command could not be carried out; the message says why."""


def _session(config: Config) -> Session:
    engine = make_engine(config.database_url)
    return session_factory(engine)()


def _hasher(config: Config) -> PasswordHasher:
    return passphrase.make_hasher(config.passphrase_time_cost, config.passphrase_memory_kib)


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _dev_secret() -> str:
    return config_module.DEV_SECRET_MARK + secrets.token_hex(32)


def add_reviewer(
    config: Config, username: str, admin: bool, desk_slugs: Sequence[str]
) -> dict[str, str]:
    """Add a reviewer with a generated passphrase and TOTP secret; return both (shown once)."""
    words = passphrase.generate()
    totp_secret = pyotp.random_base32()
    with _session(config) as session, session.begin():
        if repo.reviewer_by_username(session, username):
            raise CommandError(f"reviewer {username!r} already exists")
        all_desks = repo.desks(session)
        if not desk_slugs and len(all_desks) == 1:
            chosen = list(all_desks)  # a development instance has one desk
        else:
            chosen = [_desk(session, slug) for slug in desk_slugs]
        if not chosen:
            raise CommandError("name at least one --desk (see list-desks)")
        repo.add_reviewer(
            session,
            username,
            passphrase.hash_passphrase(words, _hasher(config)),
            totp_secret,
            admin,
            chosen,
        )
    return {"username": username, "passphrase": words, "totp_secret": totp_secret}


def _desk(session: Session, slug: str) -> Desk:
    desk = repo.desk_by_slug(session, slug)
    if desk is None:
        raise CommandError(f"no desk {slug!r} (see list-desks)")
    return desk


def _existing(session: Session, username: str) -> Reviewer:
    person = repo.reviewer_by_username(session, username)
    if person is None:
        raise CommandError(f"no reviewer {username!r}")
    return person


def reset_2fa(config: Config, username: str) -> str:
    """Give a reviewer a new TOTP secret and end their sessions; return the secret."""
    secret = pyotp.random_base32()
    with _session(config) as session, session.begin():
        person = _existing(session, username)
        person.totp_secret = secret
        person.last_totp_counter = None
        session.execute(delete(ReviewerSession).where(ReviewerSession.reviewer_id == person.id))
        repo.audit(session, None, "reviewer_reset-2fa", detail=f"{username} (manage.py)")
    return secret


def delete_reviewer(config: Config, username: str) -> None:
    """Delete a reviewer account (sessions go with it; audit events keep no link)."""
    with _session(config) as session, session.begin():
        session.delete(_existing(session, username))
        repo.audit(session, None, "reviewer_deleted", detail=f"{username} (manage.py)")


def purge(config: Config) -> int:
    """Purge pending sources, expired sessions, and closed cases past the retention period."""
    blobs = BlobStore(config.store_root)
    with _session(config) as session, session.begin():
        repo.purge_expired_source_sessions(session, datetime.now(UTC))
        repo.purge_pending_sources(session, repo.today())
        days = settings.load(session, config).retention_days
        if days == 0:
            return 0
        old = repo.closed_cases_before(session, repo.today() - timedelta(days=days))
        names = [i.blob_name for s in old for i in s.submissions]
        names += [r.blob_name for s in old for r in s.replies]
        for source in old:
            repo.audit(session, None, "delete_source", source.designation, "retention")
        repo.delete_sources(session, [s.id for s in old])
    for name in names:
        with contextlib.suppress(StoreError):
            blobs.secure_delete(name)
    return len(old)


def add_desk(config: Config, slug: str, name_th: str, name_en: str, recipients: list[str]) -> None:
    """Add a desk with its age recipients (each checked, stored with its fingerprint)."""
    try:
        parsed = [Recipient.parse(r) for r in recipients]
    except CryptoError as exc:
        raise CommandError(f"bad recipient: {exc}") from None
    with _session(config) as session, session.begin():
        if repo.desk_by_slug(session, slug):
            raise CommandError(f"desk {slug!r} already exists")
        pairs = [(str(r), fingerprint(r)) for r in parsed]
        repo.add_desk(session, slug, name_th, name_en, pairs)


def init_dev(instance: Path) -> None:
    """Create (or reuse) a development instance and print how to sign in."""
    instance = instance.resolve()
    config_path = instance / "config.toml"
    credentials = instance / "dev-admin.json"
    if not config_path.exists():
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(
            config_path,
            "\n".join(
                [
                    'mode = "development"',
                    f'database_url = "sqlite:///{instance / "westrong.sqlite"}"',
                    f'store_root = "{instance / "store"}"',
                    f'pepper = "{_dev_secret()}"',
                    f'source_secret_key = "{_dev_secret()}"',
                    f'journalist_secret_key = "{_dev_secret()}"',
                    "",
                ]
            ),
        )
    config = load_config({"WESTRONG_CONFIG": str(config_path)})
    migrate(make_engine(config.database_url))
    BlobStore(config.store_root)
    with _session(config) as session:
        has_desk = repo.desk_by_slug(session, DEV_DESK[0]) is not None
    if not has_desk:
        # The desk's private key belongs on the air-gapped workstation; a development
        # instance keeps it in a separate folder so a developer can open test tips.
        workstation = instance / "workstation"
        workstation.mkdir(mode=0o700, exist_ok=True)
        identity = Identity.generate()
        _write_private(
            workstation / "dev-desk.key",
            f"# public key: {identity.recipient}\n{identity.encode()}\n",
        )
        add_desk(config, *DEV_DESK, [str(identity.recipient)])
    if not credentials.exists():
        _write_private(credentials, json.dumps(add_reviewer(config, "admin", True, [])) + "\n")
    shown = json.loads(credentials.read_text(encoding="utf-8"))
    print(f"Development instance: {instance}")
    print(f"  reviewer username:   {shown['username']}")
    print(f"  passphrase:          {shown['passphrase']}")
    print(f"  TOTP secret:         {shown['totp_secret']}")
    print(f"  desk key (for opening test tips): {instance / 'workstation' / 'dev-desk.key'}")


def serve(config: Config, host: str) -> None:
    """Serve the source interface on :8080 and the reviewer interface on :8081."""
    import journalist_interface
    import source_interface
    from webcommon.serving import serve as serve_apps

    print(f"Source interface:   http://{host}:8080/")
    print(f"Reviewer interface: http://{host}:8081/")
    serve_apps(
        [
            (source_interface.create_app(config), host, 8080),
            (journalist_interface.create_app(config), host, 8081),
        ]
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python manage.py", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    init = sub.add_parser("init-dev", help="create or reuse a development instance")
    init.add_argument("--instance", default="instance", type=Path)
    run = sub.add_parser("serve", help="serve both interfaces (development server)")
    run.add_argument("--bind", default=os.environ.get("WESTRONG_BIND", "127.0.0.1"))
    sub.add_parser("migrate", help="upgrade the database schema")
    sub.add_parser("list-desks", help="list desks: slug, names, recipients")
    sub.add_parser(
        "purge-pending", help="delete never-used sources (older than a day) and expired sessions"
    )
    sub.add_parser(
        "purge", help="purge-pending, then delete closed cases past the retention period (cron)"
    )
    desk = sub.add_parser("add-desk", help="add a desk with its age recipients")
    desk.add_argument("slug")
    desk.add_argument("--name-th", required=True)
    desk.add_argument("--name-en", required=True)
    desk.add_argument("--recipient", action="append", required=True)
    reset = sub.add_parser("reset-2fa", help="give a reviewer a new TOTP secret (ends sessions)")
    reset.add_argument("username")
    reset.add_argument("--json", action="store_true")
    remove = sub.add_parser("delete-reviewer", help="delete a reviewer (the audit log stays)")
    remove.add_argument("username")
    reviewer = sub.add_parser("add-reviewer", help="add a reviewer; prints passphrase and TOTP")
    reviewer.add_argument("username")
    reviewer.add_argument("--admin", action="store_true")
    reviewer.add_argument("--desk", action="append", default=[])
    reviewer.add_argument("--json", action="store_true")
    return parser


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "init-dev":
            init_dev(args.instance)
            return 0
        config = load_config(os.environ)
        if args.command == "serve":
            serve(config, args.bind)
        elif args.command == "migrate":
            migrate(make_engine(config.database_url))
        elif args.command == "list-desks":
            with _session(config) as session:
                for d in repo.desks(session, active_only=False):
                    print(f"{d.slug}\t{d.name_th}\t{d.name_en}")
                    for r in d.recipients:
                        print(f"\t{r.recipient}\t{r.fingerprint}")
        elif args.command == "reset-2fa":
            secret = reset_2fa(config, args.username)
            shown = {"username": args.username, "totp_secret": secret}
            print(json.dumps(shown) if args.json else f"TOTP secret: {secret}")
        elif args.command == "delete-reviewer":
            delete_reviewer(config, args.username)
        elif args.command == "purge":
            print(f"purged {purge(config)} closed cases past retention")
        elif args.command == "purge-pending":
            with _session(config) as session, session.begin():
                repo.purge_expired_source_sessions(session, datetime.now(UTC))
                print(f"purged {repo.purge_pending_sources(session, repo.today())} sources")
        elif args.command == "add-desk":
            add_desk(config, args.slug, args.name_th, args.name_en, args.recipient)
        elif args.command == "add-reviewer":
            shown = add_reviewer(config, args.username, args.admin, args.desk)
            if args.json:
                print(json.dumps(shown))
            else:
                print(f"passphrase:  {shown['passphrase']}\nTOTP secret: {shown['totp_secret']}")
    except (ConfigError, CommandError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def main() -> None:
    """Run the command line (`westrong …` or `python manage.py …`)."""
    os.umask(0o077)  # databases, keys and blobs are for this user only
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    sys.exit(run())
