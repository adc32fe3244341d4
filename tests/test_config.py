"""load_config: a pure function of the environment and an optional TOML file."""

from pathlib import Path

import pytest

from config import ConfigError, Mode, load_config

HEX = "ab" * 32


def env(**extra: str) -> dict[str, str]:
    base = {
        "WESTRONG_DATABASE_URL": "sqlite:///x.db",
        "WESTRONG_STORE_ROOT": "/tmp/store",
        "WESTRONG_PEPPER": "01" * 32,
        "WESTRONG_SOURCE_SECRET_KEY": "02" * 32,
        "WESTRONG_JOURNALIST_SECRET_KEY": "03" * 32,
    }
    return {**base, **{f"WESTRONG_{k.upper()}": v for k, v in extra.items()}}


def test_defaults_and_production_mode() -> None:
    config = load_config(env())
    assert config.mode is Mode.PRODUCTION
    assert config.max_upload_bytes == 500 * 1024 * 1024
    assert config.source_session_idle_minutes == 120
    assert config.default_language == "th"
    assert config.pepper == bytes.fromhex("01" * 32)


def test_config_is_frozen_and_hides_secrets() -> None:
    config = load_config(env())
    with pytest.raises(AttributeError):
        config.mode = Mode.TESTING  # type: ignore[misc]
    assert "01" * 32 not in repr(config)
    assert "pepper" not in repr(config)


def test_production_refuses_missing_pepper() -> None:
    values = env()
    del values["WESTRONG_PEPPER"]
    with pytest.raises(ConfigError, match="PEPPER is required"):
        load_config(values)


def test_production_refuses_development_secrets() -> None:
    with pytest.raises(ConfigError, match="development secret"):
        load_config(env(pepper="dev-" + HEX))
    config = load_config(env(pepper="dev-" + HEX, mode="development"))
    assert config.pepper == bytes.fromhex(HEX)


def test_production_refuses_weak_kdf() -> None:
    with pytest.raises(ConfigError, match="weaker"):
        load_config(env(kdf_mem="1024"))
    assert load_config(env(kdf_mem="1024", mode="testing")).kdf_mem == 1024


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("pepper", "zz", "hex"),
        ("pepper", "ab", "at least 32 bytes"),
        ("max_upload_bytes", "lots", "whole number"),
        ("max_upload_bytes", "-1", "positive"),
        ("default_language", "fr", "DEFAULT_LANGUAGE"),
        ("mode", "staging", "MODE"),
        ("colour", "blue", "unknown settings"),
        ("source_secret_key", "01" * 32, "must all differ"),
    ],
)
def test_bad_values_have_clear_messages(key: str, value: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_config(env(**{key: value}))


def test_file_then_environment_override(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('max_upload_bytes = 1000\ndefault_language = "en"\n')
    config = load_config(env(config=str(path), default_language="th"))
    assert config.max_upload_bytes == 1000
    assert config.default_language == "th"


def test_unreadable_or_invalid_file(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(env(config=str(tmp_path / "missing.toml")))
    bad = tmp_path / "bad.toml"
    bad.write_text("= nope")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(env(config=str(bad)))
