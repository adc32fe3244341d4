"""Operator tasks: `westrong COMMAND` (or `python manage.py COMMAND` from a checkout).

Every command is one transaction over a `core` use case. The configuration comes from
`WESTRONG_CONFIG` (and `WESTRONG_*` variables); without it, a development instance in
`./instance/` is found on its own. `init-dev` creates that instance.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import logging
import os
import secrets
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import click
from sqlalchemy.orm import Session

import config as config_module
from cli import mail, onion
from config import CliConfig, ConfigError, load_cli_config
from core import (
    accounts,
    audit,
    backup,
    deletion,
    desks,
    digest,
    integrity,
    memberships,
    restore,
    retention,
    sources,
    statistics,
)
from core import settings as instance_settings
from core.audit import Action, record
from core.errors import CoreError
from core.tips import today
from crypto import passphrase, totp_seal
from crypto.errors import CryptoError
from crypto.keys import Identity, Recipient, parse_identity_file
from store import roles
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.models import DeskRole

DEV_DESK = ("dev-desk", "หน่วยงานผู้รับเรื่องทดสอบ (พัฒนา)", "Development desk")
DEV_INSTANCE = Path("instance")


class CommandError(click.ClickException):
    """A command could not be carried out; the message says why (exit status 1)."""

    def show(self, file: Any = None) -> None:
        """Print `error: …` on standard error."""
        click.echo(f"error: {self.format_message()}", err=True)


def _environ() -> dict[str, str]:
    environ = dict(os.environ)
    if "WESTRONG_CONFIG" not in environ and (DEV_INSTANCE / "config.toml").is_file():
        environ["WESTRONG_CONFIG"] = str(DEV_INSTANCE / "config.toml")
    return environ


def _config() -> CliConfig:
    try:
        return load_cli_config(_environ())
    except ConfigError as exc:
        raise CommandError(str(exc)) from None


@contextmanager
def _transaction(config: CliConfig) -> Iterator[Session]:
    """One transaction for the whole command; a use-case error rolls it back."""
    with session_factory(make_engine(config.database_url))() as session:
        try:
            with session.begin():
                yield session
        except CoreError as exc:
            raise CommandError(str(exc)) from None


def _hasher(config: CliConfig) -> Any:
    return passphrase.make_hasher(config.passphrase_time_cost, config.passphrase_memory_kib)


def _show(credentials: accounts.Credentials, as_json: bool) -> None:
    shown = {k: v for k, v in vars(credentials).items() if v is not None}
    if as_json:
        click.echo(json.dumps(shown))
        return
    if credentials.passphrase:
        click.echo(f"passphrase:  {credentials.passphrase}")
    if credentials.totp_secret:
        click.echo(f"TOTP secret: {credentials.totp_secret}")


@click.group(help=__doc__)
def group() -> None:
    """The operator command line."""


def _totp_public_key(config: CliConfig) -> str:
    if not config.totp_public_key:
        raise CommandError(
            "WESTRONG_CLI_TOTP_PUBLIC_KEY is needed to give a reviewer a TOTP secret "
            "(print it from the reviewer interface's totp_key: westrong totp-public-key)"
        )
    return config.totp_public_key


_OWNER_URL = click.option(
    "--database-url",
    "owner_url",
    envvar="WESTRONG_OWNER_DATABASE_URL",
    help="Connect as the database's owner (default: the command line's own database_url).",
)


@group.command("migrate")
@_OWNER_URL
def migrate_command(owner_url: str | None) -> None:
    """Upgrade the database schema to the latest version (as the database's owner), then
    seal any TOTP secret still stored in the clear (needs totp_public_key)."""
    config = _config()
    migrate(make_engine(owner_url or config.database_url))
    with _transaction(config) as session:
        if sealed := accounts.seal_plain_totp_secrets(session, config.totp_public_key):
            click.echo(f"sealed {sealed} TOTP secrets")


@group.command("db-roles")
@_OWNER_URL
@click.option("--source-role", default=roles.RoleNames.source, show_default=True)
@click.option("--reviewer-role", default=roles.RoleNames.reviewer, show_default=True)
@click.option("--jobs-role", default=roles.RoleNames.jobs, show_default=True)
def db_roles(owner_url: str | None, source_role: str, reviewer_role: str, jobs_role: str) -> None:
    """Create the PostgreSQL login roles of the source app, the reviewer app and the
    scheduled jobs, and grant each only what it needs (idempotent; run it after `migrate`)."""
    names = roles.RoleNames(source_role, reviewer_role, jobs_role)
    engine = make_engine(owner_url or _config().database_url)
    try:
        created = roles.apply_roles(engine, names)
    except roles.RoleError as exc:
        raise CommandError(str(exc)) from None
    finally:
        engine.dispose()
    for name in (source_role, reviewer_role, jobs_role):
        click.echo(f"{name}\t{'created' if name in created else 'exists'}; grants applied")


@group.command("totp-public-key")
def totp_public_key() -> None:
    """Read the reviewer interface's totp_key (hex) on standard input and print the public
    half for the command line's totp_public_key (the key itself is not kept)."""
    text = sys.stdin.readline().strip().removeprefix(config_module.DEV_SECRET_MARK)
    try:
        key = bytes.fromhex(text)
    except ValueError:
        raise CommandError("the totp_key must be hex") from None
    if len(key) < config_module.MIN_SECRET_BYTES:
        raise CommandError(f"the totp_key must be at least {config_module.MIN_SECRET_BYTES} bytes")
    click.echo(totp_seal.public_key(key))


@group.command("list-desks")
def list_desks() -> None:
    """List the desks: slug, Thai and English names, then each age recipient and its
    read-aloud fingerprint."""
    with _transaction(_config()) as session:
        for desk in desks.listed(session, active_only=False):
            click.echo(f"{desk.slug}\t{desk.name_th}\t{desk.name_en}")
            for r in desk.recipients:
                click.echo(f"\t{r.recipient}\t{r.fingerprint}")


@group.command("add-desk")
@click.argument("slug")
@click.option("--name-th", required=True, help="The desk's name in Thai.")
@click.option("--name-en", required=True, help="The desk's name in English.")
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    required=True,
    help="An age public key (age1…) made on the desk's offline workstation; repeatable.",
)
def add_desk(slug: str, name_th: str, name_en: str, recipients: Sequence[str]) -> None:
    """Add a desk (a receiving organisation) with the public keys tips are encrypted to."""
    with _transaction(_config()) as session:
        desks.add(session, None, slug, name_th, name_en, list(recipients))


@group.command("add-reviewer")
@click.argument("username")
@click.option("--admin", is_flag=True, help="Make the reviewer an instance admin.")
@click.option(
    "--desk",
    "desk_slugs",
    multiple=True,
    help="A desk the reviewer works for, as SLUG or SLUG:ROLE (officer, supervisor or "
    "auditor; officer by default); repeatable.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the credentials as JSON.")
def add_reviewer(username: str, admin: bool, desk_slugs: Sequence[str], as_json: bool) -> None:
    """Add a reviewer; prints their generated passphrase and TOTP secret once."""
    config = _config()
    with _transaction(config) as session:
        made = _add_reviewer(session, config, username, admin, desk_slugs)
    _show(made, as_json)
    _follow_onion(config)


def _add_reviewer(
    session: Session, config: CliConfig, username: str, admin: bool, desk_slugs: Sequence[str]
) -> accounts.Credentials:
    all_desks = desks.listed(session)
    roles: dict[int, DeskRole] = {}
    if not desk_slugs and len(all_desks) == 1:
        chosen = all_desks  # a development instance has one desk
    else:
        chosen = []
        for value in desk_slugs:
            slug, _sep, role = value.partition(":")
            desk = desks.by_slug(session, slug)
            chosen.append(desk)
            roles[desk.id] = memberships.parse_role(role or DeskRole.OFFICER)
    if not chosen:
        raise CommandError("name at least one --desk (see list-desks)")
    public = _totp_public_key(config)
    return accounts.add(session, _hasher(config), None, username, admin, chosen, public, roles)


@group.command("set-role")
@click.argument("username")
@click.argument("desk_slug")
@click.argument("role")
def set_role(username: str, desk_slug: str, role: str) -> None:
    """Set a reviewer's ROLE at a desk: officer, supervisor, auditor, or none (take them out
    of the desk). A supervisor assigns the desk's cases and approves conclusions and closures."""
    config = _config()
    with _transaction(config) as session:
        person = accounts.by_username(session, username)
        desk = desks.by_slug(session, desk_slug)
        chosen = None if role.strip().lower() == "none" else memberships.parse_role(role)
        memberships.set_role(session, None, person, desk, chosen)
    click.echo(f"{username} at {desk_slug}: {chosen or 'none'}")
    _follow_onion(config)


def _account_command(
    name: str,
    help_text: str,
    action: Callable[[Session, CliConfig, Any], Any],
    follows_onion: bool = False,
) -> None:
    @group.command(name, help=help_text)
    @click.argument("username")
    @click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
    def command(username: str, as_json: bool) -> None:
        config = _config()
        with _transaction(config) as session:
            result = action(session, config, accounts.by_username(session, username))
        if isinstance(result, accounts.Credentials):
            _show(result, as_json)
        if follows_onion:
            _follow_onion(config)


_account_command(
    "reset-2fa",
    "Give a reviewer a new TOTP secret (printed once); ends their sessions.",
    lambda s, c, person: accounts.reset_2fa(s, None, person, _totp_public_key(c)),
)
_account_command(
    "reset-passphrase",
    "Give a reviewer a new generated passphrase (printed once); ends their sessions.",
    lambda s, c, person: accounts.reset_passphrase(s, _hasher(c), None, person),
)
_account_command(
    "disable-reviewer",
    "Stop a reviewer from signing in and end their sessions (the account stays).",
    lambda s, _c, person: accounts.set_active(s, None, person, False),
    follows_onion=True,
)
_account_command(
    "enable-reviewer",
    "Let a disabled reviewer sign in again.",
    lambda s, _c, person: accounts.set_active(s, None, person, True),
    follows_onion=True,
)
_account_command(
    "delete-reviewer",
    "Delete a reviewer account (the audit log keeps what they did).",
    lambda s, _c, person: accounts.remove(s, None, person),
    follows_onion=True,
)


def _follow_onion(config: CliConfig) -> None:
    """Make Tor's client authorizations follow the committed accounts, reloading (a key
    added) or restarting (a key removed) tor: part of every account command."""
    if config.onion_dir is None:
        return  # a development instance without Tor
    try:
        with _transaction(config) as session:
            change = onion.sync(session, config)
        done = onion.apply(config, change)
    except (onion.OnionError, OSError) as exc:
        raise CommandError(
            f"the account changed, but Tor does not follow yet ({exc}); "
            "run `westrong onion-sync` once it is fixed"
        ) from None
    if change.added or change.removed:
        counts = f"+{len(change.added)} -{len(change.removed)} client keys"
        click.echo(f"tor: {done} ({counts})", err=True)


@group.command("onion-sync")
def onion_sync() -> None:
    """Make Tor's reviewer client authorizations match the accounts (run by a timer, for
    changes made in the reviewer interface) and reload or restart tor when they changed."""
    config = _config()
    if config.onion_dir is None:
        raise CommandError("set onion_dir in the [cli] configuration first")
    _follow_onion(config)


@group.command("onion-config")
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write (default: the configured onion_dir, and tor is reloaded).",
)
def onion_config(out: Path | None) -> None:
    """Write the Tor configuration of the two onion services (OUT/torrc, the services' keys
    and authorized_clients/) and print their addresses."""
    config = _config()
    if out is None and config.onion_dir is None:
        raise CommandError("name --out DIR or set onion_dir in the [cli] configuration")
    live = out is None or (
        config.onion_dir is not None and out.resolve() == config.onion_dir.resolve()
    )
    config = dataclasses.replace(config, onion_dir=(out or config.onion_dir))
    try:
        with _transaction(config) as session:
            change = onion.sync(session, config)
        balance = onion.write_onionbalance(config)
        done = onion.apply(config, change) if live else "not reloaded (--out)"
        found = onion.addresses(config)
    except (onion.OnionError, OSError) as exc:
        raise CommandError(str(exc)) from None
    assert config.onion_dir is not None  # noqa: S101 (narrowing)
    click.echo(f"torrc:             {config.onion_dir / 'torrc'} ({done})")
    click.echo(f"source onion:      {found['source']}")
    click.echo(f"reviewer onion:    {found['reviewer']}")
    if balance is not None:
        click.echo(f"onionbalance:      {balance}")


@group.command("onion-client-key")
@click.argument("username")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    required=True,
    help="File to write the key to (for Tor Browser: about:preferences#privacy, Onion "
    "Services Authentication).",
)
def onion_client_key(username: str, out: Path) -> None:
    """Write a reviewer's client key for the reviewer onion (hand it over at the key
    ceremony; it works until the reviewer is disabled or deleted)."""
    config = _config()
    if config.onion_dir is None:
        raise CommandError("set onion_dir in the [cli] configuration first")
    try:
        with _transaction(config) as session:
            person = accounts.by_username(session, username)
            change = onion.sync(session, config)
            text = onion.client_key_file(session, config, person)
        onion.apply(config, change)
        if out.exists():
            out.unlink()
        _write_private(out, text)
    except (onion.OnionError, OSError) as exc:
        raise CommandError(str(exc)) from None
    click.echo(f"client key for {username}: {out}")


@group.command("purge-pending")
def purge_pending() -> None:
    """Delete codenames that were never used to report (older than a day) and expired
    source sessions."""
    with _transaction(_config()) as session:
        sources.purge_expired_sessions(session, dt.datetime.now(dt.UTC))
        click.echo(f"purged {sources.purge_pending(session, today())} sources")


@group.command("purge")
def purge() -> None:
    """Run the daily job (from a timer): publish the statistics of a month that closed, then
    retention and the deletion queue: purge-pending, delete closed cases past the retention
    period and codenames left with no case (settings in the reviewer interface; cases on
    hold are kept), then shred every queued blob and clear stale temporary files. Prints
    counts."""
    config = _config()
    blobs = BlobStore(config.store_root)
    with _transaction(config) as session:
        rules = instance_settings.load(session, config.max_upload_bytes, config.default_language)
        # A closed month is published before retention may delete any of its cases.
        months = statistics.close_months(session, today(), rules.statistics_k)
        done = retention.purge(session, blobs, rules, today(), dt.datetime.now(dt.UTC))
    worked = deletion.work(session_factory(make_engine(config.database_url)), blobs)
    stale = blobs.purge_temp()
    click.echo(f"purged {done.closed_cases} closed cases past retention")
    click.echo(f"purged {done.inactive_sources} inactive codenames with no case left")
    if worked.skipped:
        click.echo("deletion queue: skipped (a backup holds the store); the next run retries")
    else:
        click.echo(f"shredded {worked.shredded} queued blobs, {worked.failed} failed (retried)")
    click.echo(f"removed {stale} stale temporary files")
    if months:
        click.echo(f"published statistics for {', '.join(months)}")
    if worked.failed:
        raise click.exceptions.Exit(1)


@group.command("digest")
def digest_command() -> None:
    """Send the daily digest (from a timer): to each reviewer who gave an email address,
    the number of new reports and of acknowledgements due at their desks, nothing else;
    nothing when both are zero. A mail that cannot be sent is retried by the next run
    (exit status 1, one line per failure)."""
    config = _config()
    if not config.smtp_host:
        # Not a failure: the timer is installed everywhere, the digest is opt-in.
        click.echo("the digest is off: no smtp_host in the [cli] configuration")
        return
    with _transaction(config) as session:
        due = digest.pending(session, today())
    sent = quiet = 0
    failures: list[str] = []
    for one in due:
        if not one.empty:
            subject, body = digest.text(one)
            try:
                mail.send(config, one.email, subject, body)
            except mail.MailError as exc:
                failures.append(str(exc))
                continue
            sent += 1
        else:
            quiet += 1
        with _transaction(config) as session:
            digest.mark_sent(session, one)
    click.echo(f"sent {sent} digests ({quiet} with nothing to say)")
    if failures:
        raise CommandError(
            f"{len(failures)} digests not sent, retried next run: "
            + "; ".join(sorted(set(failures)))
        )


@group.command("backup")
@click.option(
    "--recipient",
    "recipients",
    multiple=True,
    required=True,
    help="The offline backup key's age public key (age1…); repeatable.",
)
@click.option(
    "-o", "--output", type=click.Path(path_type=Path), required=True, help="The archive to write."
)
def backup_command(recipients: Sequence[str], output: Path) -> None:
    """Write one encrypted archive of the instance (database, blobs, configuration and
    secrets, onion keys) while it keeps running; it opens with `age -d` and `tar`."""
    config = _config()
    try:
        to = [Recipient.parse(r.strip()) for r in recipients]
    except CryptoError as exc:
        raise CommandError(f"bad recipient: {exc}") from None
    try:
        done = backup.write_file(
            config.database_url,
            BlobStore(config.store_root),
            to,
            output,
            config.instance_dir,
            config.onion_keys_dir or config.onion_dir,
        )
    except CoreError as exc:
        raise CommandError(str(exc)) from None
    click.echo(
        f"backed up {done.blobs} blobs ({done.blob_bytes} bytes), {done.instance_files} "
        f"configuration files, {done.onion_files} onion key files"
    )
    if done.damaged:
        raise CommandError(f"{done.damaged} rows name a missing blob: run `check`")


@group.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option(
    "-i",
    "--identity",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    required=True,
    help="The backup key's identity file (from the offline machine).",
)
@click.option("--force", is_flag=True, help="Overwrite an instance that already holds data.")
def restore_command(archive: Path, identity: Path, force: bool) -> None:
    """Restore an archive onto a fresh install (stop the services first)."""
    config = _config()
    try:
        identities = parse_identity_file(identity.read_text(encoding="utf-8"))
    except (CryptoError, OSError, UnicodeDecodeError) as exc:
        raise CommandError(f"cannot read the identity file: {exc}") from None
    try:
        with open(archive, "rb") as source:
            done = restore.restore(
                config.database_url,
                BlobStore(config.store_root),
                identities,
                source,
                config.instance_dir,
                config.onion_keys_dir or config.onion_dir,
                force=force,
            )
    except CryptoError as exc:
        raise CommandError(f"the archive does not open with this key: {exc}") from None
    except CoreError as exc:
        raise CommandError(str(exc)) from None
    click.echo(
        f"restored {done.blobs} blobs ({done.blob_bytes} bytes), {done.instance_files} "
        f"configuration files, {done.onion_files} onion key files"
    )
    if done.damaged:
        raise CommandError(f"{done.damaged} blobs did not match their rows and were left out")


@group.command("check")
@click.option("--repair", is_flag=True, help="Repair what is found (see the list below).")
@click.option("--deep", is_flag=True, help="Hash every blob (otherwise sizes only).")
@click.option(
    "--grace-hours",
    type=float,
    default=integrity.DEFAULT_GRACE_SECONDS / 3600,
    show_default=True,
    help="A blob without a row younger than this may be an upload in progress.",
)
def check_command(repair: bool, deep: bool, grace_hours: float) -> None:
    """Compare rows and blobs: blobs without rows, rows without blobs, stale temporary
    files; with --repair, shred orphans, drop rows that can never be served, clean
    temporary files. Prints counts, never names; exit status 1 if anything was wrong."""
    config = _config()
    with _transaction(config) as session:
        report = integrity.check(
            session, BlobStore(config.store_root), repair, deep, grace_hours * 3600
        )
        if repair and not report.clean:
            record(session, None, Action.CHECK_REPAIRED, detail=", ".join(report.lines()[2:7]))
    for line in report.lines():
        click.echo(line)
    if not report.clean and not repair:
        raise click.exceptions.Exit(1)


@group.group("audit")
def audit_group() -> None:
    """The audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the audit log's hash chain; print the first broken row (exit status 1), or the
    number of rows and the chain's head hash (keep it somewhere else: a later verify that
    still reaches it shows nothing before it was rewritten)."""
    with _transaction(_config()) as session:
        report = audit.verify(session)
    if not report.intact:
        where = f"at row {report.broken_at}: " if report.broken_at is not None else ""
        raise CommandError(f"the audit log is broken {where}{report.problem}")
    click.echo(f"audit log intact: {report.rows} rows, head {report.head}")


@group.command("statistics")
def statistics_command() -> None:
    """Compute and store the public statistics of every closed month not yet published
    (UTC months; each is computed once and never changes). `purge` runs this too."""
    config = _config()
    with _transaction(config) as session:
        rules = instance_settings.load(session, config.max_upload_bytes, config.default_language)
        months = statistics.close_months(session, today(), rules.statistics_k)
    click.echo(f"published statistics for {', '.join(months)}" if months else "nothing new")


def _write_private(path: Path, text: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)


def _dev_secret() -> str:
    return config_module.DEV_SECRET_MARK + secrets.token_hex(32)


def _dev_config_text(instance: Path) -> str:
    """One file for every process: development only (production gives each its own)."""
    totp_key = _dev_secret()
    public = totp_seal.public_key(
        bytes.fromhex(totp_key.removeprefix(config_module.DEV_SECRET_MARK))
    )
    return "\n".join(
        [
            'mode = "development"',
            f'database_url = "sqlite:///{instance / "westrong.sqlite"}"',
            f'store_root = "{instance / "store"}"',
            "",
            "[source]",
            f'secret_key = "{_dev_secret()}"',
            f'pepper = "{_dev_secret()}"',
            "",
            "[reviewer]",
            f'secret_key = "{_dev_secret()}"',
            f'signing_key = "{_dev_secret()}"',
            f'totp_key = "{totp_key}"',
            "",
            "[cli]",
            f'totp_public_key = "{public}"',
            "",
        ]
    )


@group.command("init-dev")
@click.option(
    "--instance",
    type=click.Path(path_type=Path),
    default=DEV_INSTANCE,
    show_default=True,
    help="Folder of the development instance.",
)
def init_dev(instance: Path) -> None:
    """Create (or reuse) a development instance and print how to sign in."""
    instance = instance.resolve()
    config_path = instance / "config.toml"
    credentials = instance / "dev-admin.json"
    if not config_path.exists():
        instance.mkdir(mode=0o700, parents=True, exist_ok=True)
        _write_private(config_path, _dev_config_text(instance))
    # WESTRONG_* variables override the file, as for every other command (the benches'
    # --postgresql points a development instance at a throwaway server this way).
    config = load_cli_config({**os.environ, "WESTRONG_CONFIG": str(config_path)})
    migrate(make_engine(config.database_url))
    BlobStore(config.store_root)
    with _transaction(config) as session:
        if not desks.listed(session, active_only=False):
            # The desk's private key belongs on the air-gapped workstation; a development
            # instance keeps it in a separate folder so a developer can open test tips.
            workstation = instance / "workstation"
            workstation.mkdir(mode=0o700, exist_ok=True)
            identity = Identity.generate()
            _write_private(
                workstation / "dev-desk.key",
                f"# public key: {identity.recipient}\n{identity.encode()}\n",
            )
            desks.add(session, None, *DEV_DESK, [str(identity.recipient)])
        if not credentials.exists():
            made = _add_reviewer(session, config, "admin", True, [])
            _write_private(credentials, json.dumps(vars(made)) + "\n")
    shown = json.loads(credentials.read_text(encoding="utf-8"))
    click.echo(f"Development instance: {instance}")
    click.echo(f"  reviewer username:   {shown['username']}")
    click.echo(f"  passphrase:          {shown['passphrase']}")
    click.echo(f"  TOTP secret:         {shown['totp_secret']}")
    click.echo(f"  desk key (for opening test tips): {instance / 'workstation' / 'dev-desk.key'}")


@group.command("serve")
@click.option(
    "--bind",
    default=lambda: os.environ.get("WESTRONG_BIND", "127.0.0.1"),
    help="Address to listen on (loopback by default).",
)
def serve(bind: str) -> None:
    """Serve the source interface on :8080 and the reviewer interface on :8081 with the
    development server, each in its own process with its own configuration (production
    uses gunicorn)."""
    environ = _environ()
    for loader in (config_module.load_source_config, config_module.load_reviewer_config):
        try:
            loader(environ)  # refuse here, with a clear message, rather than in a child
        except ConfigError as exc:
            raise CommandError(str(exc)) from None
    children = [
        subprocess.Popen([sys.executable, "-m", package, "--bind", bind], env=environ)  # noqa: S603
        for package in ("source_interface", "journalist_interface")
    ]
    click.echo(f"Source interface:   http://{bind}:8080/")
    click.echo(f"Reviewer interface: http://{bind}:8081/")
    try:
        while all(child.poll() is None for child in children):
            time.sleep(0.5)
    except KeyboardInterrupt:
        pass
    finally:
        for child in children:
            child.terminate()
        for child in children:
            child.wait(timeout=10)


def run(argv: Sequence[str] | None = None) -> int:
    """Run one command; return the exit status (for tests and `main`)."""
    try:
        # Without standalone mode, click returns a command's Exit code instead of raising.
        status = group.main(args=list(argv) if argv is not None else None, standalone_mode=False)
        if isinstance(status, int):
            return status
    except click.exceptions.Exit as done:
        return int(done.exit_code or 0)
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.exceptions.Abort:
        return 1
    return 0


def main() -> None:
    """Run the command line (`westrong …` or `python manage.py …`)."""
    os.umask(0o077)  # databases, keys and blobs are for this user only
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    sys.exit(run())
