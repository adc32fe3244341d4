"""TOTP secrets at rest (finding 16 of issue 9): the database holds them sealed to a key only
the reviewer interface holds; the command line seals new ones with the public half alone, and
`manage.py migrate` seals the secrets an older version stored in the clear."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import text

import cli as manage
from config import ConfigError, load_cli_config
from core import accounts
from crypto import totp_seal
from crypto.errors import CryptoError
from tests.factories import InstanceConfigs, World, sign_in


def _stored(world: World, username: str) -> str:
    with world.session() as s:
        value: str = s.execute(
            text("SELECT totp_secret FROM reviewers WHERE username = :u"), {"u": username}
        ).scalar_one()
    return value


def test_the_database_holds_no_second_factor(world: World) -> None:
    secret = world.people["somchai"].totp_secret
    stored = _stored(world, "somchai")
    assert secret not in stored
    assert totp_seal.is_sealed(stored)
    assert totp_seal.open_sealed(world.config.reviewer.totp_key, stored) == secret
    with pytest.raises(CryptoError):
        totp_seal.open_sealed(os.urandom(32), stored)
    sign_in(world, "somchai")  # the reviewer interface opens it


def test_the_command_line_holds_only_the_public_half(
    world: World, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    cli = world.config.cli
    assert not hasattr(cli, "totp_key")
    others = ("SOURCE_PEPPER", "SOURCE_SECRET_KEY", "REVIEWER_SECRET_KEY")
    env = {k: v for k, v in world.config.env.items() if k.removeprefix("WESTRONG_") not in others}
    with pytest.raises(ConfigError, match=r"reviewer process's secret \(.*totp_key"):
        load_cli_config({**env, "WESTRONG_MODE": "production"})  # it would hold totp_key
    for key, value in world.config.env.items():
        monkeypatch.setenv(key, value)
    monkeypatch.delenv("WESTRONG_REVIEWER_TOTP_KEY")
    assert manage.run(["reset-2fa", "malee", "--json"]) == 0
    shown = capsys.readouterr().out
    stored = _stored(world, "malee")
    assert totp_seal.is_sealed(stored)
    assert stored not in shown
    assert totp_seal.open_sealed(world.config.reviewer.totp_key, stored) in shown
    monkeypatch.delenv("WESTRONG_CLI_TOTP_PUBLIC_KEY")
    assert manage.run(["reset-2fa", "malee"]) == 1
    assert "WESTRONG_CLI_TOTP_PUBLIC_KEY is needed" in capsys.readouterr().err


def test_migrate_seals_secrets_stored_in_the_clear(
    config: InstanceConfigs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with config.session() as s, s.begin():
        s.execute(
            text(
                "INSERT INTO reviewers (username, passphrase_hash, totp_secret, is_admin, "
                "active, failed_logins, created_at) VALUES "
                "('old', 'h', 'JBSWY3DPEHPK3PXP', false, true, 0, '2026-11-01 00:00:00+00')"
            )
        )
    for key, value in config.env.items():
        if key != "WESTRONG_REVIEWER_TOTP_KEY":
            monkeypatch.setenv(key, value)
    monkeypatch.delenv("WESTRONG_CLI_TOTP_PUBLIC_KEY")
    assert manage.run(["migrate"]) == 1
    assert "1 TOTP secrets are stored in the clear" in capsys.readouterr().err
    monkeypatch.setenv("WESTRONG_CLI_TOTP_PUBLIC_KEY", config.env["WESTRONG_CLI_TOTP_PUBLIC_KEY"])
    assert manage.run(["migrate"]) == 0
    assert "sealed 1 TOTP secrets" in capsys.readouterr().out
    with config.session() as s:
        stored = accounts.by_username(s, "old").totp_secret
    assert totp_seal.open_sealed(config.reviewer.totp_key, stored) == "JBSWY3DPEHPK3PXP"
    assert manage.run(["migrate"]) == 0
    assert "sealed" not in capsys.readouterr().out


def test_totp_public_key_command(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    import io

    key = os.urandom(32)
    monkeypatch.setattr("sys.stdin", io.StringIO(key.hex() + "\n"))
    assert manage.run(["totp-public-key"]) == 0
    assert capsys.readouterr().out.strip() == totp_seal.public_key(key)
