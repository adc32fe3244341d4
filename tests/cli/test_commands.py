"""The operator command line: the development instance and one command per task, over core."""

import datetime as dt
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlalchemy import select

import cli as manage
from cli.commands import group
from config import load_cli_config, load_reviewer_config
from core import desks
from core import settings as instance_settings
from core.accounts import by_username
from core.errors import NotFound
from crypto import passphrase, totp_seal
from crypto.keys import Identity
from store.blobs import BlobStore
from store.db import make_engine, session_factory
from store.models import AuditEvent, CaseStatus, Source
from tests.factories import add_case, add_source

COMMANDS = [
    "init-dev",
    "serve",
    "migrate",
    "list-desks",
    "add-desk",
    "add-reviewer",
    "reset-2fa",
    "reset-passphrase",
    "disable-reviewer",
    "enable-reviewer",
    "delete-reviewer",
    "set-role",
    "purge",
    "purge-pending",
    "totp-public-key",
    "audit",
    "onion-sync",
    "onion-config",
    "onion-client-key",
    "statistics",
    "digest",
]


@pytest.fixture
def instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "instance"
    assert manage.run(["init-dev", "--instance", str(path)]) == 0
    capsys.readouterr()
    return path


@pytest.fixture
def using(instance: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    return instance


def _open_totp(instance: Path, stored: str) -> str:
    """Open a stored TOTP secret as the reviewer interface would (its key is in the dev
    instance's one configuration file)."""
    reviewer = load_reviewer_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    return totp_seal.open_sealed(reviewer.totp_key, stored)


def _session(instance: Path):  # type: ignore[no-untyped-def]
    config = load_cli_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    return session_factory(make_engine(config.database_url))()


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_explains_itself(command: str) -> None:
    result = CliRunner().invoke(group, [command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    assert len(result.output.splitlines()) >= 3


def test_the_group_lists_every_command() -> None:
    result = CliRunner().invoke(group, ["--help"])
    assert result.exit_code == 0
    for command in COMMANDS:
        assert command in result.output


def test_init_dev_creates_everything(instance: Path) -> None:
    config = load_cli_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    assert config.store_root.is_dir()
    key = (instance / "workstation" / "dev-desk.key").read_text()
    assert Identity.parse(key.splitlines()[-1])
    assert (instance / "config.toml").stat().st_mode & 0o077 == 0
    with _session(instance) as session:
        desk = desks.by_slug(session, "dev-desk")
        assert desk.recipients[0].recipient in key
        admin = by_username(session, "admin")
        assert admin.is_admin
        shown = json.loads((instance / "dev-admin.json").read_text())
        passphrase.verify(admin.passphrase_hash, shown["passphrase"])
        assert _open_totp(instance, admin.totp_secret) == shown["totp_secret"]


def test_init_dev_reuses_the_instance(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (instance / "config.toml").read_text()
    assert manage.run(["init-dev", "--instance", str(instance)]) == 0
    shown = json.loads((instance / "dev-admin.json").read_text())
    assert shown["passphrase"] in capsys.readouterr().out
    assert (instance / "config.toml").read_text() == before


def test_commands_find_the_development_instance_on_their_own(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for key in list(os.environ):
        if key.startswith("WESTRONG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    assert runner.invoke(group, ["init-dev"]).exit_code == 0
    result = runner.invoke(group, ["list-desks"])
    assert result.exit_code == 0, result.output
    assert "dev-desk" in result.output


def test_production_refuses_the_dev_instance(
    using: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_MODE", "production")
    assert manage.run(["list-desks"]) == 1
    assert "development secret" in capsys.readouterr().err


def test_add_reviewer_json_and_desks(using: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert manage.run(["add-reviewer", "somchai", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"username", "passphrase", "totp_secret"}
    assert len(shown["passphrase"].split()) == 7
    assert manage.run(["add-reviewer", "somchai"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_add_and_list_desks(using: Path, capsys: pytest.CaptureFixture[str]) -> None:
    recipient = "age1g8sm9lujsma275kj5w6x6dklcccf76x0dm5yszwf55fux9lhqvmqxerw3p"
    args = ["add-desk", "nacc", "--name-th", "ป.ป.ช.", "--name-en", "NACC"]
    assert manage.run([*args, "--recipient", recipient]) == 0
    assert manage.run([*args, "--recipient", "age1bogus"]) == 1
    assert "bad recipient" in capsys.readouterr().err
    assert manage.run(["list-desks"]) == 0
    out = capsys.readouterr().out
    assert "nacc\tป.ป.ช.\tNACC" in out
    assert recipient in out
    # With two desks, a reviewer must name one.
    assert manage.run(["add-reviewer", "nok"]) == 1
    assert manage.run(["add-reviewer", "nok", "--desk", "nacc"]) == 0


def test_roles_per_desk_from_the_command_line(
    using: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """add-reviewer --desk SLUG:ROLE and set-role (decision 075); each change audited."""
    assert manage.run(["add-reviewer", "boss", "--desk", "dev-desk:supervisor"]) == 0
    assert manage.run(["add-reviewer", "eye", "--desk", "dev-desk:watcher"]) == 1
    assert "no role 'watcher'" in capsys.readouterr().err
    assert manage.run(["set-role", "boss", "dev-desk", "auditor"]) == 0
    assert "boss at dev-desk: auditor" in capsys.readouterr().out
    assert manage.run(["set-role", "boss", "dev-desk", "none"]) == 1  # their only desk
    assert "at least one desk" in capsys.readouterr().err
    config = load_cli_config({"WESTRONG_CONFIG": str(using / "config.toml")})
    with session_factory(make_engine(config.database_url))() as s:
        details = list(
            s.scalars(select(AuditEvent.detail).where(AuditEvent.action == "membership_changed"))
        )
    boss = [d for d in details if d.startswith("boss ")]
    assert boss == [
        "boss at dev-desk: none -> supervisor",
        "boss at dev-desk: supervisor -> auditor",
    ]


def test_missing_configuration_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in list(os.environ):
        if key.startswith("WESTRONG_"):
            monkeypatch.delenv(key)
    monkeypatch.chdir(tmp_path)  # no instance/ here
    assert manage.run(["list-desks"]) == 1
    assert "is required" in capsys.readouterr().err


def test_purge_pending(using: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with _session(using) as session, session.begin():
        add_source(session, "a" * 64, created_on=dt.date.today() - dt.timedelta(days=2))
        add_source(session, "b" * 64)
    assert manage.run(["purge-pending"]) == 0
    assert "purged 1 sources" in capsys.readouterr().out
    with _session(using) as session:
        left = session.scalars(select(Source.lookup_id)).all()
        assert left == ["b" * 64]


def test_account_commands_end_sessions_and_audit(
    using: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert manage.run(["add-reviewer", "nok", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["totp_secret"]
    assert manage.run(["reset-2fa", "nok", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)["totp_secret"]
    assert after != before
    assert manage.run(["reset-passphrase", "nok", "--json"]) == 0
    words = json.loads(capsys.readouterr().out)["passphrase"]
    assert manage.run(["disable-reviewer", "nok"]) == 0
    with _session(using) as session:
        person = by_username(session, "nok")
        assert _open_totp(using, person.totp_secret) == after
        assert not person.active
        passphrase.verify(person.passphrase_hash, words)
    assert manage.run(["enable-reviewer", "nok"]) == 0
    assert manage.run(["delete-reviewer", "nok"]) == 0
    assert manage.run(["delete-reviewer", "nok"]) == 1
    assert "no reviewer" in capsys.readouterr().err
    with _session(using) as session:
        with pytest.raises(NotFound):
            by_username(session, "nok")
        actions = session.scalars(select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions[-7:] == [
        "reviewer_added",
        "membership_changed",  # their desk and role (decision 075)
        "reviewer_reset-2fa",
        "reviewer_reset-passphrase",
        "reviewer_disable",
        "reviewer_enable",
        "reviewer_deleted",
    ]


def test_purge_deletes_closed_cases_past_retention(
    using: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_cli_config({"WESTRONG_CONFIG": str(using / "config.toml")})
    blobs = BlobStore(config.store_root)
    with _session(using) as session, session.begin():
        old = add_case(session, blobs, add_source(session, "a" * 64), "dev-desk")
        old.status = CaseStatus.CLOSED
        old.last_activity_on = dt.date.today() - dt.timedelta(days=400)
        name = old.submissions[0].blob_name
        recent = add_case(session, blobs, add_source(session, "b" * 64), "dev-desk")
        recent.status = CaseStatus.CLOSED
    with _session(using) as session, session.begin():
        rules = instance_settings.load(session, config.max_upload_bytes, "th")
        instance_settings.save(
            session, instance_settings.Settings(**{**vars(rules), "retention_days": 0})
        )
    assert manage.run(["purge"]) == 0
    assert "purged 0 closed" in capsys.readouterr().out  # 0 keeps closed cases
    with _session(using) as session, session.begin():
        instance_settings.save(
            session, instance_settings.Settings(**{**vars(rules), "retention_days": 365})
        )
    assert manage.run(["purge"]) == 0  # 365 days is the default
    out = capsys.readouterr().out
    assert "purged 1 closed" in out
    assert "shredded 1 queued blobs, 0 failed" in out  # the same run works the queue
    assert not blobs.exists(name)
    with _session(using) as session:
        sources = {s.lookup_id: len(s.cases) for s in session.scalars(select(Source))}
    assert sources == {"a" * 64: 0, "b" * 64: 1}  # the codename stays; its closed case goes


def test_statistics_publishes_each_closed_month_once(
    using: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    config = load_cli_config({"WESTRONG_CONFIG": str(using / "config.toml")})
    blobs = BlobStore(config.store_root)
    last_month = dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=1)
    with _session(using) as session, session.begin():
        case = add_case(session, blobs, add_source(session, "c" * 64), "dev-desk")
        case.received_on = last_month
    assert manage.run(["statistics"]) == 0
    assert f"published statistics for {last_month.isoformat()[:7]}" in capsys.readouterr().out
    assert manage.run(["purge"]) == 0
    assert "published" not in capsys.readouterr().out
    assert manage.run(["statistics"]) == 0
    assert "nothing new" in capsys.readouterr().out
