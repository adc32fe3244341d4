"""manage.py: the development instance and the operator commands."""

import json
import os
from pathlib import Path

import pytest

import cli as manage
from config import load_config
from crypto import passphrase
from crypto.keys import Identity
from store import repository as repo
from store.db import make_engine, session_factory


@pytest.fixture
def instance(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = tmp_path / "instance"
    assert manage.run(["init-dev", "--instance", str(path)]) == 0
    capsys.readouterr()
    return path


def test_init_dev_creates_everything(instance: Path) -> None:
    config = load_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    assert config.store_root.is_dir()
    key = (instance / "workstation" / "dev-desk.key").read_text()
    assert Identity.parse(key.splitlines()[-1])
    assert (instance / "config.toml").stat().st_mode & 0o077 == 0
    with session_factory(make_engine(config.database_url))() as session:
        desk = repo.desk_by_slug(session, "dev-desk")
        assert desk is not None
        assert desk.recipients[0].recipient in key
        admin = repo.reviewer_by_username(session, "admin")
        assert admin is not None
        assert admin.is_admin
        shown = json.loads((instance / "dev-admin.json").read_text())
        passphrase.verify(admin.passphrase_hash, shown["passphrase"])
        assert admin.totp_secret == shown["totp_secret"]


def test_init_dev_reuses_the_instance(instance: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = (instance / "config.toml").read_text()
    assert manage.run(["init-dev", "--instance", str(instance)]) == 0
    shown = json.loads((instance / "dev-admin.json").read_text())
    assert shown["passphrase"] in capsys.readouterr().out
    assert (instance / "config.toml").read_text() == before


def test_production_refuses_the_dev_instance(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    monkeypatch.setenv("WESTRONG_MODE", "production")
    assert manage.run(["list-desks"]) == 1
    assert "development secret" in capsys.readouterr().err


def test_add_reviewer_json_and_desks(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    assert manage.run(["add-reviewer", "somchai", "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert set(shown) == {"username", "passphrase", "totp_secret"}
    assert len(shown["passphrase"].split()) == 7
    assert manage.run(["add-reviewer", "somchai"]) == 1
    assert "already exists" in capsys.readouterr().err


def test_add_and_list_desks(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
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


def test_missing_configuration_is_a_clear_error(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key in list(os.environ):
        if key.startswith("WESTRONG_"):
            monkeypatch.delenv(key)
    assert manage.run(["list-desks"]) == 1
    assert "is required" in capsys.readouterr().err


def test_purge_pending(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt

    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    config = load_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    with session_factory(make_engine(config.database_url))() as session, session.begin():
        old = repo.add_source(session, "a" * 64, "age1x", "old one")
        old.created_on = dt.date.today() - dt.timedelta(days=2)
        repo.add_source(session, "b" * 64, "age1y", "new one")
    assert manage.run(["purge-pending"]) == 0
    assert "purged 1 sources" in capsys.readouterr().out
    with session_factory(make_engine(config.database_url))() as session:
        assert repo.source_by_lookup_id(session, "a" * 64) is None
        assert repo.source_by_lookup_id(session, "b" * 64) is not None


def test_reset_2fa_and_delete_reviewer(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    config = load_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    assert manage.run(["add-reviewer", "nok", "--json"]) == 0
    before = json.loads(capsys.readouterr().out)["totp_secret"]
    assert manage.run(["reset-2fa", "nok", "--json"]) == 0
    after = json.loads(capsys.readouterr().out)["totp_secret"]
    assert after != before
    with session_factory(make_engine(config.database_url))() as session:
        person = repo.reviewer_by_username(session, "nok")
        assert person is not None
        assert person.totp_secret == after
    assert manage.run(["delete-reviewer", "nok"]) == 0
    assert manage.run(["delete-reviewer", "nok"]) == 1
    assert "no reviewer" in capsys.readouterr().err
    with session_factory(make_engine(config.database_url))() as session:
        assert repo.reviewer_by_username(session, "nok") is None


def test_purge_deletes_closed_cases_past_retention(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import datetime as dt
    from dataclasses import replace

    from store.blobs import BlobStore
    from store.models import CaseStatus, SubmissionKind
    from webcommon import settings

    monkeypatch.setenv("WESTRONG_CONFIG", str(instance / "config.toml"))
    config = load_config({"WESTRONG_CONFIG": str(instance / "config.toml")})
    blobs = BlobStore(config.store_root)
    with blobs.writer() as w:
        w.write(b"ciphertext")
        name = w.commit()
    with session_factory(make_engine(config.database_url))() as session, session.begin():
        desk = repo.desk_by_slug(session, "dev-desk")
        assert desk is not None
        old = repo.add_source(session, "a" * 64, "age1x", "old case")
        repo.add_submission(session, old, desk, SubmissionKind.FILE, name, 10)
        old.status = CaseStatus.CLOSED
        old.last_activity_on = dt.date.today() - dt.timedelta(days=400)
        recent = repo.add_source(session, "b" * 64, "age1y", "recent case")
        repo.add_submission(session, recent, desk, SubmissionKind.MESSAGE, "c" * 32 + ".age", 5)
        recent.status = CaseStatus.CLOSED
    assert manage.run(["purge"]) == 0
    assert "purged 0" in capsys.readouterr().out  # retention is off by default
    with session_factory(make_engine(config.database_url))() as session, session.begin():
        settings.save(session, replace(settings.load(session, config), retention_days=365))
    assert manage.run(["purge"]) == 0
    assert "purged 1" in capsys.readouterr().out
    assert not blobs.exists(name)
    with session_factory(make_engine(config.database_url))() as session:
        assert repo.source_by_lookup_id(session, "a" * 64) is None
        assert repo.source_by_lookup_id(session, "b" * 64) is not None
