"""The two onion services: their keys, the torrc, and one client key per active reviewer.

The folder `onion_dir` (production: /var/lib/westrong-tor, owned by the tor user) holds::

    torrc                          written by `sync`; tor runs with `-f onion_dir/torrc`
    data/                          tor's DataDirectory
    source/                        HiddenServiceDir of the source onion (public, PoW defence)
    reviewer/                      HiddenServiceDir of the reviewer onion
    reviewer/authorized_clients/   reviewer-<id>.auth, one per active reviewer
    clients/                       reviewer-<id>.key: the private half, until handed over

The reviewer onion is in the torrc only while at least one reviewer is authorized: tor turns
client authorization off when no `.auth` file loads, which would make the onion public
(docs/decisions/056-reviewer-onion-client-authorization.md). Removing an authorization
restarts tor, because a reload leaves a client that already holds the descriptor connected.
"""

from __future__ import annotations

import base64
import hashlib
import os
import shlex
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import nacl.bindings
import nacl.public
import nacl.signing
from sqlalchemy import select
from sqlalchemy.orm import Session

from config import CliConfig
from store.models import Reviewer

SECRET_HEADER = b"== ed25519v1-secret: type0 ==\x00\x00\x00"
PUBLIC_HEADER = b"== ed25519v1-public: type0 ==\x00\x00\x00"
SERVICES = ("source", "reviewer")
VIRTUAL_PORT = 80


class OnionError(Exception):
    """The onion folder cannot be written or tor could not be reloaded."""


@dataclass(frozen=True)
class Change:
    """What a sync did to the reviewer authorizations."""

    added: tuple[str, ...]
    removed: tuple[str, ...]

    @property
    def needs_restart(self) -> bool:
        """A removed key only stops a connected client when tor restarts."""
        return bool(self.removed)


def _b32(raw: bytes) -> str:
    return base64.b32encode(raw).decode("ascii").rstrip("=")


def address_of(public_key: bytes) -> str:
    """Return the v3 onion address (without .onion) of an ed25519 public key (rend-spec-v3)."""
    version = b"\x03"
    checksum = hashlib.sha3_256(b".onion checksum" + public_key + version).digest()[:2]
    return _b32(public_key + checksum + version).lower()


def _ensure_service_keys(folder: Path) -> str:
    """Make the service's ed25519 key in tor's file format unless it exists; return the address.

    Made here rather than by tor so that the addresses are known before tor first starts
    (the apps' configuration and the Onionbalance file need them)."""
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(folder, 0o700)  # tor refuses a HiddenServiceDir that others can read
    secret_file, public_file = folder / "hs_ed25519_secret_key", folder / "hs_ed25519_public_key"
    if secret_file.exists():
        public = public_file.read_bytes()[len(PUBLIC_HEADER) :]
    else:
        seed = os.urandom(32)
        public = bytes(nacl.signing.SigningKey(seed).verify_key)
        expanded = bytearray(hashlib.sha512(seed).digest())
        expanded[0] &= 248
        expanded[31] &= 127
        expanded[31] |= 64
        _write(secret_file, SECRET_HEADER + bytes(expanded), 0o600)
        _write(public_file, PUBLIC_HEADER + public, 0o600)
    address = address_of(public)
    hostname = folder / "hostname"
    if not hostname.exists() or hostname.read_text().strip() != f"{address}.onion":
        _write(hostname, f"{address}.onion\n", 0o600)
    return address


def _write(path: Path, data: bytes | str, mode: int) -> None:
    """Write a file atomically with this mode (a crash leaves the old one or the new one)."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    temp = path.with_name(f".{path.name}.new")
    fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, mode)
    with os.fdopen(fd, "wb") as f:
        f.write(raw)
        f.flush()
        os.fsync(f.fileno())
    os.chmod(temp, mode)
    os.replace(temp, path)


def _write_if_changed(path: Path, text: str, mode: int) -> bool:
    if path.exists() and path.read_text(encoding="utf-8") == text:
        return False
    _write(path, text, mode)
    return True


def addresses(config: CliConfig) -> dict[str, str]:
    """Return each service's onion address (with .onion), making the keys if needed."""
    root = _root(config)
    return {name: _ensure_service_keys(root / name) + ".onion" for name in SERVICES}


def _root(config: CliConfig) -> Path:
    if config.onion_dir is None:
        raise OnionError("onion_dir is not set in the [cli] configuration")
    return config.onion_dir


def render_torrc(config: CliConfig, root: Path, reviewer_onion: bool) -> str:
    """Return the torrc for both services (the reviewer's only when reviewer_onion)."""
    lines = [
        "# Written by `westrong onion-config` / every reviewer change: edits are overwritten.",
        "# Change the [cli] onion_* settings instead (docs/DEPLOY.md).",
        f"DataDirectory {root / 'data'}",
        "SocksPort 0",
        "RunAsDaemon 0",
        "Log notice stdout",
        "SafeLogging 1",
        "AvoidDiskWrites 1",
        "",
        "# The source onion: public, with the proof-of-work defence against floods.",
        f"HiddenServiceDir {root / 'source'}",
        f"HiddenServicePort {VIRTUAL_PORT} {config.onion_source_target}",
        "HiddenServiceMaxStreams 64",
    ]
    if config.onion_pow:
        lines += [
            "HiddenServicePoWDefensesEnabled 1",
            f"HiddenServicePoWQueueRate {config.onion_pow_queue_rate}",
            f"HiddenServicePoWQueueBurst {config.onion_pow_queue_burst}",
        ]
    if config.onionbalance_frontend:
        lines.append("HiddenServiceOnionbalanceInstance 1")
    lines.append("")
    if reviewer_onion:
        lines += [
            "# The reviewer onion: only reviewers whose key is in authorized_clients/.",
            f"HiddenServiceDir {root / 'reviewer'}",
            f"HiddenServicePort {VIRTUAL_PORT} {config.onion_reviewer_target}",
            "HiddenServicePoWDefensesEnabled 1",
        ]
    else:
        lines.append("# The reviewer onion is down: no reviewer is authorized (never public).")
    return "\n".join(lines) + "\n"


def _active_ids(session: Session) -> set[int]:
    return set(session.scalars(select(Reviewer.id).where(Reviewer.active.is_(True))))


def _client_name(reviewer_id: int) -> str:
    return f"reviewer-{reviewer_id}"


def sync(session: Session, config: CliConfig) -> Change:
    """Make the onion folder match the database: a client key for each active reviewer, none
    for a disabled or deleted one, and the torrc. Idempotent; returns what changed."""
    root = _root(config)
    root.mkdir(mode=0o700, parents=True, exist_ok=True)
    (root / "data").mkdir(mode=0o700, exist_ok=True)
    for name in SERVICES:
        _ensure_service_keys(root / name)
    auth_dir = root / "reviewer" / "authorized_clients"
    keys_dir = root / "clients"
    auth_dir.mkdir(mode=0o700, exist_ok=True)
    keys_dir.mkdir(mode=0o700, exist_ok=True)
    wanted = {_client_name(i) for i in _active_ids(session)}
    present = {p.stem for p in auth_dir.glob("*.auth")}
    added, removed = [], []
    for name in sorted(present - wanted):
        (auth_dir / f"{name}.auth").unlink()
        removed.append(name)
    for name in sorted(set(p.stem for p in keys_dir.glob("*.key")) - wanted):
        # A disabled reviewer's key is never valid again: enabling them issues a new one.
        (keys_dir / f"{name}.key").unlink()
    for name in sorted(wanted):
        key_file = keys_dir / f"{name}.key"
        if not key_file.exists():
            _write(key_file, _b32(bytes(nacl.public.PrivateKey.generate())) + "\n", 0o600)
        private = nacl.public.PrivateKey(base64.b32decode(_padded(key_file.read_text().strip())))
        line = f"descriptor:x25519:{_b32(bytes(private.public_key))}\n"
        if _write_if_changed(auth_dir / f"{name}.auth", line, 0o600):
            added.append(name)
    torrc_changed = _write_if_changed(
        root / "torrc", render_torrc(config, root, bool(wanted)), 0o644
    )
    if config.onionbalance_frontend:
        _write_if_changed(
            root / "source" / "ob_config",
            f"MasterOnionAddress {config.onionbalance_frontend}\n",
            0o600,
        )
    _own_by_tor(root)
    change = Change(tuple(added), tuple(removed))
    if torrc_changed and not change.removed and not change.added:
        change = Change(("torrc",), ())
    return change


def _padded(text: str) -> str:
    return text.upper() + "=" * (-len(text) % 8)


def _own_by_tor(root: Path) -> None:
    """Give tor's folders to the user that owns onion_dir (the tor user in production); the
    clients/ folder stays with whoever runs the command line (root), out of tor's reach."""
    owner = root.stat()
    if os.geteuid() != 0 or owner.st_uid == 0:
        return
    for folder in (root / "data", root / "source", root / "reviewer"):
        for path in (folder, *folder.rglob("*")):
            os.chown(path, owner.st_uid, owner.st_gid)
    os.chown(root / "torrc", 0, 0)


def client_key_file(session: Session, config: CliConfig, reviewer: Reviewer) -> str:
    """Return the text of a reviewer's key file as Tor Browser imports it."""
    if not reviewer.active:
        raise OnionError(f"reviewer {reviewer.username!r} is disabled: no client key")
    sync(session, config)
    root = _root(config)
    key = (root / "clients" / f"{_client_name(reviewer.id)}.key").read_text().strip()
    address = _ensure_service_keys(root / "reviewer")
    return f"{address}:descriptor:x25519:{key}\n"


def apply(config: CliConfig, change: Change) -> str:
    """Reload tor after an added key, restart it after a removed one; return what was done."""
    if not (change.added or change.removed):
        return "unchanged"
    command = config.tor_restart_command if change.needs_restart else config.tor_reload_command
    if not command:
        return "not reloaded (no command configured)"
    argv = shlex.split(command)
    if shutil.which(argv[0]) is None:
        raise OnionError(f"cannot run {argv[0]!r} to reload tor")
    result = subprocess.run(argv, capture_output=True, text=True, check=False, timeout=60)  # noqa: S603
    if result.returncode != 0:
        raise OnionError(f"{command!r} failed: {result.stderr.strip()[:300]}")
    return "restarted" if change.needs_restart else "reloaded"


def onionbalance_yaml(config: CliConfig, frontend_key: Path) -> str:
    """Return Onionbalance's config.yaml for the frontend address and its instances."""
    instances = [a.strip() for a in config.onionbalance_instances.split(",") if a.strip()]
    lines = ["services:", f"  - key: {frontend_key}", "    instances:"]
    for i, address in enumerate(instances, 1):
        lines += [f"      - address: {address}", f"        name: app-server-{i}"]
    return "\n".join(lines) + "\n"


def write_onionbalance(config: CliConfig) -> Path | None:
    """Write onionbalance/ (the frontend key and config.yaml) when instances are configured."""
    if not config.onionbalance_instances.strip():
        return None
    folder = _root(config) / "onionbalance"
    address = _ensure_service_keys(folder / "frontend")
    path = folder / "config.yaml"
    _write_if_changed(
        path, onionbalance_yaml(config, folder / "frontend" / "hs_ed25519_secret_key"), 0o600
    )
    _write_if_changed(folder / "frontend-address", f"{address}.onion\n", 0o644)
    return path
