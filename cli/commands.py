"""Operator tasks: `westrong COMMAND` (or `python manage.py COMMAND` from a checkout).

Every command is one transaction over a `core` use case. The configuration comes from
`WESTRONG_CONFIG` (and `WESTRONG_*` variables); without it, a development instance in
`./instance/` is found on its own. `init-dev` creates that instance.
"""

from __future__ import annotations

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
from config import CliConfig, ConfigError, load_cli_config
from core import accounts, desks, retention, sources, statistics
from core import settings as instance_settings
from core.errors import CoreError
from core.tips import today
from crypto import passphrase
from crypto.keys import Identity
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory

DEV_DESK = ("dev-desk", "โต๊ะทดสอบ (พัฒนา)", "Development desk")
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


@group.command("migrate")
def migrate_command() -> None:
    """Upgrade the database schema to the latest version."""
    migrate(make_engine(_config().database_url))


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
    "--desk", "desk_slugs", multiple=True, help="A desk the reviewer works for; repeatable."
)
@click.option("--json", "as_json", is_flag=True, help="Print the credentials as JSON.")
def add_reviewer(username: str, admin: bool, desk_slugs: Sequence[str], as_json: bool) -> None:
    """Add a reviewer; prints their generated passphrase and TOTP secret once."""
    config = _config()
    with _transaction(config) as session:
        _show(_add_reviewer(session, config, username, admin, desk_slugs), as_json)


def _add_reviewer(
    session: Session, config: CliConfig, username: str, admin: bool, desk_slugs: Sequence[str]
) -> accounts.Credentials:
    all_desks = desks.listed(session)
    if not desk_slugs and len(all_desks) == 1:
        chosen = all_desks  # a development instance has one desk
    else:
        chosen = [desks.by_slug(session, slug) for slug in desk_slugs]
    if not chosen:
        raise CommandError("name at least one --desk (see list-desks)")
    return accounts.add(session, _hasher(config), None, username, admin, chosen)


def _account_command(
    name: str, help_text: str, action: Callable[[Session, CliConfig, Any], Any]
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


_account_command(
    "reset-2fa",
    "Give a reviewer a new TOTP secret (printed once); ends their sessions.",
    lambda s, _c, person: accounts.reset_2fa(s, None, person),
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
)
_account_command(
    "enable-reviewer",
    "Let a disabled reviewer sign in again.",
    lambda s, _c, person: accounts.set_active(s, None, person, True),
)
_account_command(
    "delete-reviewer",
    "Delete a reviewer account (the audit log keeps what they did).",
    lambda s, _c, person: accounts.remove(s, None, person),
)


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
    purge-pending, then delete closed cases past the retention period set in the reviewer
    interface, shredding their files."""
    config = _config()
    with _transaction(config) as session:
        rules = instance_settings.load(session, config.max_upload_bytes, config.default_language)
        blobs = BlobStore(config.store_root)
        # A closed month is published before retention may delete any of its cases.
        months = statistics.close_months(session, today(), rules.statistics_k)
        done = retention.purge(session, blobs, rules, today(), dt.datetime.now(dt.UTC))
    click.echo(f"purged {done.closed_cases} closed cases past retention")
    if months:
        click.echo(f"published statistics for {', '.join(months)}")


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
    config = load_cli_config({"WESTRONG_CONFIG": str(config_path)})
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
        group.main(args=list(argv) if argv is not None else None, standalone_mode=False)
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
