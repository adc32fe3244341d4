"""Typed, frozen configuration, built by a pure function of the environment and a TOML file.

Nothing reads configuration at import time: `load_config(os.environ)` is called by whoever
builds an app (manage.py, a WSGI entry point, a test), and the result is passed in.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

PREFIX = "WESTRONG_"
# Secrets made by `manage.py init-dev` carry this mark; production refuses them.
DEV_SECRET_MARK = "dev-"  # noqa: S105 (a marker, not a secret)
MIN_SECRET_BYTES = 32
# Production floor for the codename KDF (see docs/decisions/003-codename-kdf.md).
MIN_KDF_OPS = 3
MIN_KDF_MEM = 128 * 1024 * 1024


class ConfigError(Exception):
    """The configuration is missing a value, has a bad one, or is unsafe for its mode."""


class Mode(StrEnum):
    """How the instance runs: production refuses development secrets."""

    DEVELOPMENT = "development"
    TESTING = "testing"
    PRODUCTION = "production"


@dataclass(frozen=True)
class Config:
    """Every setting an app or tool needs, validated once."""

    mode: Mode
    database_url: str
    store_root: Path
    pepper: bytes = field(repr=False)
    source_secret_key: bytes = field(repr=False)
    journalist_secret_key: bytes = field(repr=False)
    max_upload_bytes: int = 500 * 1024 * 1024
    source_session_idle_minutes: int = 120
    reviewer_session_idle_minutes: int = 30
    reviewer_session_absolute_hours: int = 12
    default_language: str = "th"
    kdf_ops: int = MIN_KDF_OPS
    kdf_mem: int = MIN_KDF_MEM
    kdf_concurrency: int = 2
    kdf_per_second: float = 4.0  # per worker process
    passphrase_time_cost: int = 3
    passphrase_memory_kib: int = 64 * 1024
    secure_cookies: bool = False


_INT_FIELDS = {
    "max_upload_bytes",
    "source_session_idle_minutes",
    "reviewer_session_idle_minutes",
    "reviewer_session_absolute_hours",
    "kdf_ops",
    "kdf_mem",
    "kdf_concurrency",
    "passphrase_time_cost",
    "passphrase_memory_kib",
}
_SECRET_FIELDS = ("pepper", "source_secret_key", "journalist_secret_key")
_LANGUAGES = ("th", "en")


def _secret(name: str, value: str, mode: Mode) -> bytes:
    text = value.strip()
    is_dev = text.startswith(DEV_SECRET_MARK)
    if is_dev and mode is Mode.PRODUCTION:
        raise ConfigError(
            f"{PREFIX}{name.upper()} is a development secret; production needs a fresh one "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    try:
        raw = bytes.fromhex(text.removeprefix(DEV_SECRET_MARK))
    except ValueError:
        raise ConfigError(f"{PREFIX}{name.upper()} must be hex") from None
    if len(raw) < MIN_SECRET_BYTES:
        raise ConfigError(f"{PREFIX}{name.upper()} must be at least {MIN_SECRET_BYTES} bytes")
    return raw[:32] if name == "pepper" else raw


def _read_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return {str(k).lower(): v for k, v in data.items()}


def load_config(environ: Mapping[str, str]) -> Config:
    """Build the configuration: `WESTRONG_CONFIG` names an optional TOML file; `WESTRONG_*`
    environment variables override its keys (same names, upper case)."""
    values: dict[str, Any] = {}
    if path := environ.get(PREFIX + "CONFIG"):
        values.update(_read_file(path))
    for key, value in environ.items():
        if key.startswith(PREFIX) and key != PREFIX + "CONFIG":
            values[key.removeprefix(PREFIX).lower()] = value
    try:
        mode = Mode(str(values.pop("mode", Mode.PRODUCTION.value)))
    except ValueError:
        raise ConfigError(f"{PREFIX}MODE must be one of: {', '.join(Mode)}") from None
    known = set(Config.__dataclass_fields__) - {"mode"}
    if unknown := set(values) - known - {"bind"}:
        raise ConfigError(f"unknown settings: {', '.join(sorted(unknown))}")
    values.pop("bind", None)
    for name in ("database_url", "store_root", *_SECRET_FIELDS):
        if not str(values.get(name, "")).strip():
            raise ConfigError(f"{PREFIX}{name.upper()} is required")
    kwargs: dict[str, Any] = {"mode": mode}
    for name, value in values.items():
        if name in _SECRET_FIELDS:
            kwargs[name] = _secret(name, str(value), mode)
        elif name in _INT_FIELDS:
            kwargs[name] = _int(name, value)
        elif name == "kdf_per_second":
            kwargs[name] = float(value)
        elif name == "secure_cookies":
            kwargs[name] = str(value).lower() in {"1", "true", "yes"}
        elif name == "store_root":
            kwargs[name] = Path(str(value))
        else:
            kwargs[name] = str(value)
    config = Config(**kwargs)
    _check(config)
    return config


def _int(name: str, value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"{PREFIX}{name.upper()} must be a whole number") from None
    if number <= 0:
        raise ConfigError(f"{PREFIX}{name.upper()} must be positive")
    return number


def _check(config: Config) -> None:
    if config.default_language not in _LANGUAGES:
        raise ConfigError(f"{PREFIX}DEFAULT_LANGUAGE must be one of: {', '.join(_LANGUAGES)}")
    if len({config.pepper, config.source_secret_key, config.journalist_secret_key}) != 3:
        raise ConfigError("the pepper and the two secret keys must all differ")
    weak_kdf = config.kdf_ops < MIN_KDF_OPS or config.kdf_mem < MIN_KDF_MEM
    weak_kdf |= config.passphrase_time_cost < 3 or config.passphrase_memory_kib < 64 * 1024
    if config.mode is Mode.PRODUCTION and weak_kdf:
        raise ConfigError("production refuses a codename KDF weaker than the default")
