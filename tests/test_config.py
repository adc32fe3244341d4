"""The configuration: one per process, a pure function of the environment and a TOML file,
each process holding only its own secrets."""

from pathlib import Path

import pytest

from config import (
    ConfigError,
    Mode,
    load_cli_config,
    load_reviewer_config,
    load_source_config,
)

HEX = "ab" * 32


def env(**extra: str) -> dict[str, str]:
    base = {
        "WESTRONG_DATABASE_URL": "sqlite:///x.db",
        "WESTRONG_STORE_ROOT": "/tmp/store",
        "WESTRONG_SOURCE_PEPPER": "01" * 32,
        "WESTRONG_SOURCE_SECRET_KEY": "02" * 32,
    }
    return {**base, **{f"WESTRONG_{k.upper()}": v for k, v in extra.items()}}


def reviewer_env(**extra: str) -> dict[str, str]:
    base = {
        "WESTRONG_DATABASE_URL": "sqlite:///x.db",
        "WESTRONG_STORE_ROOT": "/tmp/store",
        "WESTRONG_REVIEWER_SECRET_KEY": "03" * 32,
        "WESTRONG_REVIEWER_TOTP_KEY": "04" * 32,
        "WESTRONG_REVIEWER_SIGNING_KEY": "05" * 32,
    }
    return {**base, **{f"WESTRONG_{k.upper()}": v for k, v in extra.items()}}


def test_defaults_and_production_mode() -> None:
    config = load_source_config(env())
    assert config.mode is Mode.PRODUCTION
    assert config.max_upload_bytes == 500 * 1024 * 1024
    assert config.session_idle_minutes == 120
    assert config.default_language == "th"
    assert config.pepper == bytes.fromhex("01" * 32)
    assert config.secret_key == bytes.fromhex("02" * 32)
    reviewer = load_reviewer_config(reviewer_env())
    assert reviewer.session_idle_minutes == 30
    assert reviewer.secret_key == bytes.fromhex("03" * 32)


def test_each_process_holds_only_its_own_secrets() -> None:
    source = load_source_config(env())
    reviewer = load_reviewer_config(reviewer_env())
    values = reviewer_env()
    del values["WESTRONG_REVIEWER_SECRET_KEY"]
    del values["WESTRONG_REVIEWER_TOTP_KEY"]
    del values["WESTRONG_REVIEWER_SIGNING_KEY"]
    cli = load_cli_config(values)
    assert not hasattr(source, "passphrase_time_cost")
    assert not hasattr(reviewer, "pepper")
    assert not hasattr(cli, "secret_key")
    assert not hasattr(cli, "pepper")


def test_production_refuses_another_process_secret() -> None:
    with pytest.raises(ConfigError, match="reviewer process's secret"):
        load_source_config({**env(), "WESTRONG_REVIEWER_SECRET_KEY": "03" * 32})
    with pytest.raises(ConfigError, match="source process's secret"):
        load_reviewer_config({**reviewer_env(), "WESTRONG_SOURCE_PEPPER": "01" * 32})
    with pytest.raises(ConfigError, match="source process's secret"):
        load_cli_config(env())
    # Development keeps one file for all: allowed there.
    assert load_source_config(
        {**env(mode="development"), "WESTRONG_REVIEWER_SECRET_KEY": "03" * 32}
    ).secret_key


def test_config_is_frozen_and_hides_secrets() -> None:
    config = load_source_config(env())
    with pytest.raises(AttributeError):
        config.mode = Mode.TESTING  # type: ignore[misc]
    assert "01" * 32 not in repr(config)
    assert "pepper" not in repr(config)
    assert "secret_key" not in repr(config)


def test_production_refuses_missing_pepper() -> None:
    values = env()
    del values["WESTRONG_SOURCE_PEPPER"]
    with pytest.raises(ConfigError, match="SOURCE_PEPPER is required"):
        load_source_config(values)


def test_production_refuses_development_secrets() -> None:
    with pytest.raises(ConfigError, match="development secret"):
        load_source_config(env(source_pepper="dev-" + HEX))
    config = load_source_config(env(source_pepper="dev-" + HEX, mode="development"))
    assert config.pepper == bytes.fromhex(HEX)


def test_production_refuses_weak_kdf_and_hash() -> None:
    with pytest.raises(ConfigError, match="weaker"):
        load_source_config(env(source_kdf_mem="1024"))
    assert load_source_config(env(source_kdf_mem="1024", mode="testing")).kdf_mem == 1024
    with pytest.raises(ConfigError, match="weaker"):
        load_reviewer_config(reviewer_env(reviewer_passphrase_memory_kib="64"))


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("source_pepper", "zz", "hex"),
        ("source_pepper", "ab", "at least 32 bytes"),
        ("max_upload_bytes", "lots", "whole number"),
        ("max_upload_bytes", "-1", "positive"),
        ("default_language", "fr", "DEFAULT_LANGUAGE"),
        ("mode", "staging", "MODE"),
        ("colour", "blue", "unknown settings"),
        ("source_colour", "blue", "unknown settings"),
        ("source_secret_key", "01" * 32, "must differ"),
        ("secure_cookies", "on", "true or false"),
    ],
)
def test_bad_values_have_clear_messages(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_source_config(env(**{key: value}))


def test_booleans_are_parsed_strictly() -> None:
    assert load_source_config(env(secure_cookies="true")).secure_cookies is True
    assert load_source_config(env(secure_cookies="no")).secure_cookies is False


def test_file_sections_then_environment_override(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        'max_upload_bytes = 1000\ndefault_language = "en"\ndatabase_url = "sqlite:///shared"\n'
        '[source]\ndatabase_url = "sqlite:///source-role"\nsession_idle_minutes = 60\n'
        '[cli]\ndatabase_url = "sqlite:///jobs-role"\n'
    )
    source = load_source_config(env(config=str(path), default_language="th"))
    assert source.max_upload_bytes == 1000
    assert source.default_language == "th"  # the environment wins over the file
    assert source.session_idle_minutes == 60
    values = env(config=str(path))
    del values["WESTRONG_DATABASE_URL"]
    assert load_source_config(values).database_url == "sqlite:///source-role"
    assert load_cli_config(
        {"WESTRONG_CONFIG": str(path), "WESTRONG_STORE_ROOT": "/tmp/s"}
    ).database_url == ("sqlite:///jobs-role")
    assert (
        load_source_config({**values, "WESTRONG_SOURCE_DATABASE_URL": "sqlite:///env"}).database_url
        == "sqlite:///env"
    )


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_source_config(env(config=str(tmp_path / "missing.toml")))
    bad = tmp_path / "bad.toml"
    bad.write_text("= nope")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_source_config(env(config=str(bad)))


def test_cookies_are_secure_by_default_in_production_unless_an_onion_service() -> None:
    production = {"mode": "production", "source_kdf_mem": str(256 * 1024 * 1024)}
    assert load_source_config(env(**production)).secure_cookies is True
    assert load_source_config(env(**production, onion_service="true")).secure_cookies is False
    # The operator's explicit word wins.
    assert load_source_config(env(**production, secure_cookies="false")).secure_cookies is False
    assert load_source_config(env(mode="development")).secure_cookies is False
    with pytest.raises(ConfigError, match="true or false"):
        load_source_config(env(onion_service="y"))


def test_production_refuses_a_reviewer_without_a_signing_key() -> None:
    values = reviewer_env()
    del values["WESTRONG_REVIEWER_SIGNING_KEY"]
    with pytest.raises(ConfigError, match="REVIEWER_SIGNING_KEY is required"):
        load_reviewer_config(values)
    with pytest.raises(ConfigError, match="reviewer process's secret"):
        load_source_config({**env(), "WESTRONG_REVIEWER_SIGNING_KEY": "04" * 32})


def _cli_env(**extra: str) -> dict[str, str]:
    base = {"WESTRONG_DATABASE_URL": "sqlite:///x.db", "WESTRONG_STORE_ROOT": "/tmp/store"}
    return {**base, **{f"WESTRONG_{k.upper()}": v for k, v in extra.items()}}


def test_the_relay_password_is_the_command_lines_secret() -> None:
    relay = {
        "cli_smtp_host": "mail.example.org",
        "cli_smtp_username": "drop",
        "cli_smtp_password": "a relay password",
        "cli_smtp_from": "drop@example.org",
    }
    cli = load_cli_config(_cli_env(**relay))
    assert (cli.smtp_host, cli.smtp_port) == ("mail.example.org", 587)
    assert "a relay password" not in repr(cli)
    assert load_cli_config(_cli_env()).smtp_host == ""  # optional: the digest is off
    with pytest.raises(ConfigError, match="cli process's secret"):
        load_source_config({**env(), "WESTRONG_CLI_SMTP_PASSWORD": "a relay password"})
    with pytest.raises(ConfigError, match="development secret"):
        load_cli_config(_cli_env(**{**relay, "cli_smtp_password": "dev-password"}))
    with pytest.raises(ConfigError, match="smtp_username, smtp_password and smtp_from"):
        load_cli_config(_cli_env(cli_smtp_host="mail.example.org"))
    with pytest.raises(ConfigError, match=r"SMTP_PROXY must be 127\.0\.0\.1:PORT"):
        load_cli_config(_cli_env(**relay, cli_smtp_proxy="tor.example.org:9050"))
