"""The desk's private key on the workstation: made once, kept in a passphrase-protected file.

The file is an ordinary age file encrypted with age's scrypt recipient (what `age -p` makes),
holding an ordinary age identity file. So the reference tool opens it too — `age -d KEY` shows
the identity, `age -d -i KEY ITEM.age` decrypts an item with it — and the desk never depends
on this program alone to read its tips (decision 011).
"""

from __future__ import annotations

import io
import os
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from crypto import age, codename, scrypt
from crypto.errors import CryptoError, HeaderError, KeyEncodingError, NoIdentityMatchError
from crypto.fingerprint import fingerprint, signing_fingerprint
from crypto.header import read_header
from crypto.keys import Identity, parse_identity_file
from crypto.signing import VerifyKey
from workstation import names, output
from workstation.errors import WorkstationError

MIN_PASSPHRASE = 12  # characters; a generated one has seven words (90 bits)
_MAX_KEY_FILE = 64 * 1024
_AGE_MAGIC = b"age-encryption.org/"
_ARMOR = b"-----BEGIN AGE ENCRYPTED FILE-----"


class KeyFileError(WorkstationError):
    """The key file cannot be used; `reason` names the message to show."""


@dataclass(frozen=True)
class NewKey:
    """A freshly made desk key: where it is, and what to register."""

    key_path: Path
    public_path: Path
    recipient: str
    fingerprint: str


def generated_passphrase() -> str:
    """Return a new passphrase of diceware words (at least 90 bits)."""
    return codename.generate(codename.Language.EN)


def one_line(text: str) -> str:
    """Return text fit for a `#` comment line: no line breaks or control characters."""
    kept = (" " if unicodedata.category(c)[0] == "C" else c for c in text)
    return " ".join("".join(kept).split())


def default_key_path(desk: str, folder: Path | None = None) -> Path:
    """Return where keygen writes a desk's key by default: `DESK.key.age` in `folder` (or here)."""
    name = f"{names.sanitise(desk, 'desk')}.key.age"
    return Path(name) if folder is None else folder / name


def public_path_for(key_path: Path) -> Path:
    """Return where keygen writes the public key: the key file's name plus `.pub`."""
    return key_path.with_name(key_path.name + ".pub")


def generate(
    desk: str,
    key_path: Path,
    passphrase: str,
    work_factor: int = scrypt.DEFAULT_WORK_FACTOR,
) -> NewKey:
    """Make a desk identity and save it passphrase-protected; never overwrite a file.

    The key is decrypted back before it gets its name: a key file that does not open would
    lose every tip sent to it.
    """
    public_path = public_path_for(key_path)
    for path in (key_path, public_path):
        if os.path.lexists(path):
            raise FileExistsError(str(path))
    identity = Identity.generate()
    recipient = str(identity.recipient)
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    comment = f"# WE STRONG Drop desk: {one_line(desk)}\n"
    secret = (
        f"{comment}# created: {created}\n# public key: {recipient}\n{identity.encode()}\n"
    ).encode()
    sealed = io.BytesIO()
    age.encrypt_with_passphrase(io.BytesIO(secret), sealed, passphrase, work_factor)
    check = age.decrypt_bytes(sealed.getvalue(), [scrypt.ScryptIdentity(passphrase)])
    if parse_identity_file(check.decode()) != [identity]:
        raise KeyEncodingError("the key file did not decrypt back to the key")  # pragma: no cover
    folder = key_path.parent
    printed = fingerprint(identity.recipient)
    with output.PendingFile(folder) as pending:
        pending.write(sealed.getvalue())
        pending.commit(key_path.name, exact=True)
    public = f"{comment}# fingerprint: {printed}\n{recipient}\n"
    with output.PendingFile(folder) as pending:
        pending.write(public.encode())
        pending.commit(public_path.name, exact=True)
    return NewKey(key_path, public_path, recipient, printed)


def read_key_file(path: Path, ask_passphrase: Callable[[], str]) -> list[Identity]:
    """Return the identities in a key file, asking for its passphrase if it is protected.

    Raises KeyFileError with the reason to show: wrong passphrase, not a key file, damaged.
    """
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_KEY_FILE + 1)
    except OSError as exc:
        raise KeyFileError("key_missing", exc.strerror or str(exc)) from None
    if len(data) > _MAX_KEY_FILE:
        raise KeyFileError("key_bad")
    if data.startswith(_ARMOR):
        raise KeyFileError("key_armored")
    if data.startswith(_AGE_MAGIC):
        data = _unlock(data, ask_passphrase)
    try:
        return parse_identity_file(data.decode("utf-8"))
    except (UnicodeDecodeError, KeyEncodingError):
        raise KeyFileError("key_bad") from None


def _unlock(data: bytes, ask_passphrase: Callable[[], str]) -> bytes:
    try:
        header = read_header(io.BytesIO(data))
    except HeaderError as exc:
        raise KeyFileError("key_damaged", str(exc)) from None
    if [s.type for s in header.stanzas] != [scrypt.STANZA_TYPE]:
        raise KeyFileError("key_not_passphrase")
    passphrase = ask_passphrase()
    try:
        return age.decrypt_bytes(data, [scrypt.ScryptIdentity(passphrase)])
    except NoIdentityMatchError:
        raise KeyFileError("wrong_passphrase") from None
    except CryptoError as exc:
        raise KeyFileError("key_damaged", str(exc)) from None


def passphrase_from_file(path: Path) -> str:
    """Return the first line of a file, without its line ending (for scripts and tests)."""
    with open(path, encoding="utf-8") as f:
        return f.readline().removesuffix("\n").removesuffix("\r")


PIN_FILE = "server-signing.pub"
_MAX_PIN_FILE = 4096


def pin_path(folder: Path) -> Path:
    """Return where the pinned server signing key lives: next to the desk key."""
    return folder / PIN_FILE


def pin_server(folder: Path, text: str) -> tuple[Path, VerifyKey, bool]:
    """Pin the server's bundle signing key in `folder`; return the file, the key, and whether
    it was new. Never replaces another pinned key: a changed key is a security event, and
    removing the old file by hand is the officer's deliberate act (decision 065).

    Raises KeyFileError("pin_key_bad") for a bad key and ("pin_exists") for another one.
    """
    try:
        key = VerifyKey.parse(text)
    except KeyEncodingError:
        raise KeyFileError("pin_key_bad") from None
    path = pin_path(folder)
    if os.path.lexists(path):
        if read_pin(path) == key:
            return path, key, False
        raise KeyFileError("pin_exists", str(path))
    printed = signing_fingerprint(key)
    body = f"# WE STRONG Drop server bundle signing key\n# fingerprint: {printed}\n{key}\n"
    with output.PendingFile(folder) as pending:
        pending.write(body.encode())
        pending.commit(path.name, exact=True)
    return path, key, True


def read_pin(path: Path) -> VerifyKey:
    """Return the pinned server key (KeyFileError "not_pinned" or "pin_bad" otherwise)."""
    try:
        with open(path, "rb") as f:
            data = f.read(_MAX_PIN_FILE + 1)
    except OSError:
        raise KeyFileError("not_pinned", str(path)) from None
    lines = [
        line.strip()
        for line in data.decode("utf-8", "replace").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    if len(data) > _MAX_PIN_FILE or len(lines) != 1:
        raise KeyFileError("pin_bad", str(path))
    try:
        return VerifyKey.parse(lines[0])
    except KeyEncodingError:
        raise KeyFileError("pin_bad", str(path)) from None
