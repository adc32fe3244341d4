"""Typed, frozen configuration, one per process, built by a pure function of the environment
and a TOML file.

Each process loads only its own settings and secrets (docs/decisions/015-configuration-per-
process.md): the source interface (`load_source_config`), the reviewer interface
(`load_reviewer_config`) and the command line with the scheduled jobs (`load_cli_config`).

The file has shared keys at the top and one section per process::

    mode = "production"
    store_root = "/var/lib/westrong/store"
    database_url = "postgresql+psycopg://…"   # a default the sections may override

    [source]                                   # only in the source interface's file
    secret_key = "…"
    pepper = "…"

    [reviewer]                                 # only in the reviewer interface's file
    secret_key = "…"
    totp_key = "…"                             # opens reviewers' TOTP secrets
    signing_key = "…"                          # the Ed25519 seed that signs export bundles

    [cli]
    database_url = "…"
    totp_public_key = "…"                      # seals new TOTP secrets (not a secret)

`WESTRONG_KEY` overrides a shared key, `WESTRONG_SOURCE_KEY` / `WESTRONG_REVIEWER_KEY` /
`WESTRONG_CLI_KEY` a key of that section; `WESTRONG_CONFIG` names the file. Production refuses
development secrets, a missing secret, and a configuration that also holds a secret of another
process (each process gets its own file, readable by its own system user only).
Nothing reads configuration at import time: whoever builds an app calls a loader and passes the
result in.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
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
LANGUAGES = ("th", "en")
_LOCAL_TARGET = re.compile(r"127\.0\.0\.1:[0-9]{1,5}|unix:/[^\s]+")


class ConfigError(Exception):
    """The configuration is missing a value, has a bad one, or is unsafe for its mode."""


class Mode(StrEnum):
    """How the instance runs: production refuses development secrets."""

    DEVELOPMENT = "development"
    TESTING = "testing"
    PRODUCTION = "production"


class Process(StrEnum):
    """A process that loads its own configuration section."""

    SOURCE = "source"
    REVIEWER = "reviewer"
    CLI = "cli"


# Which secret keys each process's section may hold; another process's secret in the same
# configuration is refused in production.
SECRETS: dict[Process, tuple[str, ...]] = {
    Process.SOURCE: ("secret_key", "pepper"),
    Process.REVIEWER: ("secret_key", "totp_key", "signing_key"),
    Process.CLI: ("smtp_password",),
}
# Secrets a process may do without (the feature they open is then off).
OPTIONAL_SECRETS = {"smtp_password"}


@dataclass(frozen=True)
class Shared:
    """Settings every process reads."""

    mode: Mode
    database_url: str
    store_root: Path
    default_language: str = "th"
    max_upload_bytes: int = 500 * 1024 * 1024
    # Secure (and `__Host-` named) cookies: by default in production, unless the site is an
    # onion service, where Tor Browser is reached over plain http:// (decision 041).
    secure_cookies: bool = False
    onion_service: bool = False


@dataclass(frozen=True)
class SourceConfig(Shared):
    """The source interface: its session key, the codename pepper and KDF parameters."""

    secret_key: bytes = field(default=b"", repr=False)
    pepper: bytes = field(default=b"", repr=False)
    session_idle_minutes: int = 120
    kdf_ops: int = MIN_KDF_OPS
    kdf_mem: int = MIN_KDF_MEM
    kdf_concurrency: int = 2
    kdf_per_second: float = 4.0  # per worker process
    # A newcomer who finds the gate full waits this long, if few enough already wait.
    kdf_wait_seconds: float = 5.0
    kdf_max_waiting: int = 2  # per worker process: the rest of its threads serve pages
    onion_address: str = ""  # shown to sources so they can check it (docs/DEPLOY.md)


@dataclass(frozen=True)
class ReviewerConfig(Shared):
    """The reviewer interface: its session key, the key that opens TOTP secrets at rest,
    the bundle signing key (an Ed25519 seed, decision 065), session lifetimes and passphrase
    hashing."""

    secret_key: bytes = field(default=b"", repr=False)
    totp_key: bytes = field(default=b"", repr=False)
    signing_key: bytes = field(default=b"", repr=False)
    session_idle_minutes: int = 30
    session_absolute_hours: int = 12
    passphrase_time_cost: int = 3
    passphrase_memory_kib: int = 64 * 1024
    onion_address: str = ""  # this interface's own onion, shown to admins
    source_onion_address: str = ""


@dataclass(frozen=True)
class CliConfig(Shared):
    """The command line and the scheduled jobs: no session key, no pepper, and only the
    public half of the TOTP sealing key (it seals new secrets, it cannot open one).

    The onion_* settings drive `westrong onion-config` and the reviewer client keys
    (cli/onion.py); without onion_dir the command line leaves Tor alone (development).

    `instance_dir` (the folder of every process's configuration and secrets, e.g.
    /etc/westrong) and `onion_keys_dir` (the onion service's key folder) go into backups and
    come back on restore when set.
    """

    totp_public_key: str = ""
    passphrase_time_cost: int = 3
    passphrase_memory_kib: int = 64 * 1024
    instance_dir: Path | None = None
    onion_keys_dir: Path | None = None
    onion_dir: Path | None = None
    onion_source_target: str = "127.0.0.1:8080"
    onion_reviewer_target: str = "127.0.0.1:8081"
    onion_pow: bool = True
    onion_pow_queue_rate: int = 250
    onion_pow_queue_burst: int = 2500
    tor_reload_command: str = "systemctl reload westrong-tor.service"
    tor_restart_command: str = "systemctl restart westrong-tor.service"
    onionbalance_frontend: str = ""  # set on each app server behind an Onionbalance frontend
    onionbalance_instances: str = ""  # comma-separated backend addresses, on the frontend host
    # The daily digest's mail (decision 081): a submission port with STARTTLS and a login;
    # no smtp_host, no digest. smtp_ca_file trusts a relay's own CA instead of the system's;
    # smtp_proxy ("127.0.0.1:9050") sends through a Tor SOCKS port.
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_from: str = ""
    smtp_ca_file: Path | None = None
    smtp_proxy: str = ""


AnyConfig = SourceConfig | ReviewerConfig | CliConfig
_CLASSES: dict[Process, type[AnyConfig]] = {
    Process.SOURCE: SourceConfig,
    Process.REVIEWER: ReviewerConfig,
    Process.CLI: CliConfig,
}
_SHARED = {f.name for f in fields(Shared)} - {"mode"}


def _read_file(path: str) -> dict[str, Any]:
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except OSError as exc:
        raise ConfigError(f"cannot read config file {path}: {exc.strerror}") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"config file {path} is not valid TOML: {exc}") from None
    return data


def _layers(environ: Mapping[str, str]) -> tuple[dict[str, Any], dict[Process, dict[str, Any]]]:
    """Return the shared values and each section's values, the environment over the file."""
    data = _read_file(path) if (path := environ.get(PREFIX + "CONFIG")) else {}
    sections = {p: dict(data.pop(p.value, {}) or {}) for p in Process}
    shared = {str(k).lower(): v for k, v in data.items()}
    for key, value in environ.items():
        if not key.startswith(PREFIX) or key == PREFIX + "CONFIG":
            continue
        name = key.removeprefix(PREFIX).lower()
        for process in Process:
            if name.startswith(process.value + "_"):
                sections[process][name.removeprefix(process.value + "_")] = value
                break
        else:
            shared[name] = value
    return shared, sections


def _mode(value: object) -> Mode:
    try:
        return Mode(str(value))
    except ValueError:
        raise ConfigError(f"{PREFIX}MODE must be one of: {', '.join(Mode)}") from None


def _secret(label: str, value: object, mode: Mode) -> bytes:
    text = str(value).strip()
    if text.startswith(DEV_SECRET_MARK) and mode is Mode.PRODUCTION:
        raise ConfigError(
            f"{label} is a development secret; production needs a fresh one "
            "(python3 -c 'import secrets; print(secrets.token_hex(32))')"
        )
    try:
        raw = bytes.fromhex(text.removeprefix(DEV_SECRET_MARK))
    except ValueError:
        raise ConfigError(f"{label} must be hex") from None
    if len(raw) < MIN_SECRET_BYTES:
        raise ConfigError(f"{label} must be at least {MIN_SECRET_BYTES} bytes")
    return raw


def _int(label: str, value: object) -> int:
    try:
        number = int(str(value))
    except ValueError:
        raise ConfigError(f"{label} must be a whole number") from None
    if number <= 0:
        raise ConfigError(f"{label} must be positive")
    return number


def _bool(label: str, value: object) -> bool:
    if isinstance(value, bool):
        return value
    words = {"1": True, "true": True, "yes": True, "0": False, "false": False, "no": False}
    try:
        return words[str(value).strip().lower()]
    except KeyError:
        raise ConfigError(f"{label} must be true or false") from None


def _convert(cls: type[AnyConfig], label: str, name: str, value: object, mode: Mode) -> object:
    kind = next(f.type for f in fields(cls) if f.name == name)
    if kind == "bytes":
        raw = _secret(label, value, mode)
        return raw[:32] if name in ("pepper", "signing_key") else raw
    if kind == "int":
        return _int(label, value)
    if kind == "float":
        try:
            return float(str(value))
        except ValueError:
            raise ConfigError(f"{label} must be a number") from None
    if kind == "bool":
        return _bool(label, value)
    if kind in {"Path", "Path | None"}:
        return Path(str(value))
    return str(value)


def _label(process: Process, name: str) -> str:
    scope = "" if name in _SHARED else f"{process.value.upper()}_"
    return f"{PREFIX}{scope}{name.upper()}"


def load(process: Process, environ: Mapping[str, str]) -> AnyConfig:
    """Build one process's configuration (see the module docstring for the layout)."""
    shared, sections = _layers(environ)
    mode = _mode(shared.pop("mode", Mode.PRODUCTION.value))
    cls = _CLASSES[process]
    own = {**shared, **sections[process]}
    for other in Process:
        for key in SECRETS[other]:
            value = str(sections[other].get(key, ""))
            if mode is Mode.PRODUCTION and value.strip().startswith(DEV_SECRET_MARK):
                _secret(_label(other, key), value, mode)  # raises: a development secret
    for other in Process:
        held = [k for k in SECRETS[other] if sections[other].get(k)]
        if other is not process and held and mode is Mode.PRODUCTION:
            raise ConfigError(
                f"this configuration also holds the {other.value} process's secret "
                f"({', '.join(held)}); give each process its own configuration file"
            )
    known = {f.name for f in fields(cls)} - {"mode"}
    if unknown := set(own) - known - {"bind"}:
        raise ConfigError(f"unknown settings for {process.value}: {', '.join(sorted(unknown))}")
    own.pop("bind", None)
    for name in ("database_url", "store_root", *set(SECRETS[process]) - OPTIONAL_SECRETS):
        if not str(own.get(name, "")).strip():
            raise ConfigError(f"{_label(process, name)} is required")
    kwargs: dict[str, Any] = {
        n: _convert(cls, _label(process, n), n, v, mode) for n, v in own.items()
    }
    if "secure_cookies" not in kwargs:
        production = mode is Mode.PRODUCTION
        kwargs["secure_cookies"] = production and not kwargs.get("onion_service", False)
    config = cls(mode=mode, **kwargs)
    _check(config)
    return config


def _check(config: AnyConfig) -> None:
    if config.default_language not in LANGUAGES:
        raise ConfigError(f"{PREFIX}DEFAULT_LANGUAGE must be one of: {', '.join(LANGUAGES)}")
    production = config.mode is Mode.PRODUCTION
    if isinstance(config, SourceConfig):
        if config.secret_key == config.pepper:
            raise ConfigError("the source interface's pepper and secret key must differ")
        weak = config.kdf_ops < MIN_KDF_OPS or config.kdf_mem < MIN_KDF_MEM
        if production and weak:
            raise ConfigError("production refuses a codename KDF weaker than the default")
    if isinstance(config, ReviewerConfig) and config.totp_key == config.secret_key:
        raise ConfigError("the reviewer interface's totp_key and secret key must differ")
    if isinstance(config, CliConfig) and config.totp_public_key:
        try:
            valid = len(bytes.fromhex(config.totp_public_key)) == 32
        except ValueError:
            valid = False
        if not valid:
            raise ConfigError(f"{PREFIX}CLI_TOTP_PUBLIC_KEY must be 64 hex digits")
    if isinstance(config, CliConfig):
        for name in ("onion_source_target", "onion_reviewer_target"):
            if not _LOCAL_TARGET.fullmatch(getattr(config, name)):
                raise ConfigError(
                    f"{_label(Process.CLI, name)} must be 127.0.0.1:PORT or unix:/PATH "
                    "(the apps listen on loopback or a Unix socket only)"
                )
    if isinstance(config, CliConfig) and config.smtp_host:
        if not (config.smtp_username and config.smtp_password and config.smtp_from):
            raise ConfigError(
                "the digest's mail needs smtp_username, smtp_password and smtp_from with "
                "smtp_host (a submission port with STARTTLS and a login)"
            )
        if config.smtp_proxy and not re.fullmatch(r"127\.0\.0\.1:[0-9]{1,5}", config.smtp_proxy):
            raise ConfigError(f"{_label(Process.CLI, 'smtp_proxy')} must be 127.0.0.1:PORT")
    if isinstance(config, ReviewerConfig) and config.signing_key == config.secret_key[:32]:
        raise ConfigError("the reviewer interface's signing key and secret key must differ")
    if isinstance(config, ReviewerConfig | CliConfig):
        weak = config.passphrase_time_cost < 3 or config.passphrase_memory_kib < 64 * 1024
        if production and weak:
            raise ConfigError("production refuses a passphrase hash weaker than the default")


def load_source_config(environ: Mapping[str, str]) -> SourceConfig:
    """Build the source interface's configuration."""
    config = load(Process.SOURCE, environ)
    assert isinstance(config, SourceConfig)  # noqa: S101 (narrowing for the type checker)
    return config


def load_reviewer_config(environ: Mapping[str, str]) -> ReviewerConfig:
    """Build the reviewer interface's configuration."""
    config = load(Process.REVIEWER, environ)
    assert isinstance(config, ReviewerConfig)  # noqa: S101
    return config


def load_cli_config(environ: Mapping[str, str]) -> CliConfig:
    """Build the command line's (and the scheduled jobs') configuration."""
    config = load(Process.CLI, environ)
    assert isinstance(config, CliConfig)  # noqa: S101
    return config
