"""`workstation keygen` and key files: passphrase-protected with age's scrypt recipient, so the
reference `age -d` opens them too; wrong passphrases and wrong files give one clear line."""

from __future__ import annotations

import io
import stat
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from crypto import age
from crypto.fingerprint import fingerprint
from crypto.header import read_header
from crypto.keys import Identity, Recipient, parse_identity_file
from crypto.scrypt import DEFAULT_WORK_FACTOR, ScryptIdentity
from tests.tools import require_tool
from tests.workstation import bundles
from tests.workstation.support import Run, files_under
from tests.workstation.terminal import run_on_tty
from workstation import keys

PASSPHRASE = "ช้างเผือก correct horse battery"


@pytest.fixture
def passphrase_file(tmp_path: Path) -> Path:
    path = tmp_path / "passphrase.txt"
    path.write_text(PASSPHRASE + "\n")
    return path


@pytest.fixture
def made_key(tmp_path: Path) -> keys.NewKey:
    """A key file made the way keygen makes one, at a low work factor to keep tests fast."""
    return keys.generate("nacc", tmp_path / "nacc.key.age", PASSPHRASE, work_factor=10)


def test_keygen_saves_a_passphrase_protected_age_identity(
    tmp_path: Path, passphrase_file: Path, run: Callable[..., Run]
) -> None:
    key = tmp_path / "desk.key.age"
    result = run(
        "keygen",
        "--desk",
        "nacc",
        "--out",
        key,
        "--passphrase-file",
        passphrase_file,
        "--lang",
        "en",
    )
    assert result.status == 0, result.err
    sealed = key.read_bytes()
    (stanza,) = read_header(io.BytesIO(sealed)).stanzas
    assert stanza.type == "scrypt"
    assert stanza.args[1] == str(DEFAULT_WORK_FACTOR)
    text = age.decrypt_bytes(sealed, [ScryptIdentity(PASSPHRASE)]).decode()
    (identity,) = parse_identity_file(text)
    assert "# WE STRONG Drop desk: nacc" in text
    assert f"Public key:  {identity.recipient}" in result.out
    assert f"Fingerprint: {fingerprint(identity.recipient)}" in result.out
    public = Path(f"{key}.pub").read_text()
    assert Recipient.parse(public.splitlines()[-1]) == identity.recipient
    assert fingerprint(identity.recipient) in public
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_keygen_never_overwrites(
    tmp_path: Path, passphrase_file: Path, run: Callable[..., Run], made_key: keys.NewKey
) -> None:
    before = made_key.key_path.read_bytes()
    result = run(
        "keygen",
        "--desk",
        "nacc",
        "--out",
        made_key.key_path,
        "--passphrase-file",
        passphrase_file,
        "--lang",
        "en",
    )
    assert result.status == 2
    assert "already exists" in result.err
    assert made_key.key_path.read_bytes() == before
    made_key.key_path.unlink()  # the .pub alone is enough to refuse
    again = run(
        "keygen",
        "--desk",
        "nacc",
        "--out",
        made_key.key_path,
        "--passphrase-file",
        passphrase_file,
        "--work-factor",
        "10",
    )
    assert again.status == 2
    assert not made_key.key_path.exists()


def test_keygen_refuses_a_short_passphrase(tmp_path: Path, run: Callable[..., Run]) -> None:
    short = tmp_path / "short.txt"
    short.write_text("hunter2\n")
    result = run(
        "keygen",
        "--desk",
        "nacc",
        "--out",
        tmp_path / "k.age",
        "--passphrase-file",
        short,
        "--lang",
        "en",
    )
    assert result.status == 2
    assert "too short" in result.err
    assert not (tmp_path / "k.age").exists()


def test_desk_name_cannot_add_lines_to_the_key_file(tmp_path: Path) -> None:
    made = keys.generate(
        "nacc\nAGE-SECRET-KEY-" + "1FAKE\x1b[2J", tmp_path / "k.age", PASSPHRASE, 10
    )
    text = age.decrypt_bytes(made.key_path.read_bytes(), [ScryptIdentity(PASSPHRASE)]).decode()
    assert len(parse_identity_file(text)) == 1
    assert "\x1b" not in text
    assert text.splitlines()[0] == "# WE STRONG Drop desk: nacc AGE-SECRET-KEY-" + "1FAKE [2J"


def test_the_reference_age_opens_the_key_file_and_items_with_it(
    tmp_path: Path, made_key: keys.NewKey
) -> None:
    age_bin = require_tool("age")
    shown = tmp_path / "identity.txt"
    status, screen = run_on_tty(
        [age_bin, "-d", "-o", str(shown), str(made_key.key_path)],
        [(b"passphrase", PASSPHRASE.encode() + b"\n")],
    )
    assert status == 0, screen
    (identity,) = parse_identity_file(shown.read_text())
    assert str(identity.recipient) == made_key.recipient
    # age also takes the protected file directly as an identity, asking for its passphrase.
    sealed = tmp_path / "item.age"
    sealed.write_bytes(bundles.seal("reply", b"for the desk", [identity.recipient]))
    opened = tmp_path / "item.txt"
    status, screen = run_on_tty(
        [age_bin, "-d", "-i", str(made_key.key_path), "-o", str(opened), str(sealed)],
        [(b"passphrase", PASSPHRASE.encode() + b"\n")],
    )
    assert status == 0, screen
    assert b"for the desk" in opened.read_bytes()


def _bundle_for(tmp_path: Path, recipient: str) -> Path:
    keys.pin_server(tmp_path, str(bundles.SIGNER.verify_key))  # as at set-up
    item = bundles.item("message", "brave otter", 1, b"tip", [Recipient.parse(recipient)])
    return bundles.write_bundle(tmp_path / "b.zip", [item])


def test_open_with_the_protected_key(
    tmp_path: Path, made_key: keys.NewKey, passphrase_file: Path, run: Callable[..., Run]
) -> None:
    bundle = _bundle_for(tmp_path, made_key.recipient)
    result = run(
        "open",
        bundle,
        "-i",
        made_key.key_path,
        "-o",
        tmp_path / "o",
        "--passphrase-file",
        passphrase_file,
    )
    assert result.status == 0, result.err
    assert (tmp_path / "o" / "brave-otter" / "message-0001.txt").read_bytes() == b"tip"


def test_open_takes_the_passphrase_from_the_environment(
    tmp_path: Path,
    made_key: keys.NewKey,
    run: Callable[..., Run],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("WESTRONG_KEY_PASSPHRASE", PASSPHRASE)
    bundle = _bundle_for(tmp_path, made_key.recipient)
    assert run("open", bundle, "-i", made_key.key_path, "-o", tmp_path / "o").status == 0


def test_wrong_passphrase_is_one_line_and_creates_nothing(
    tmp_path: Path, made_key: keys.NewKey, run: Callable[..., Run]
) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("not the passphrase at all\n")
    bundle = _bundle_for(tmp_path, made_key.recipient)
    out = tmp_path / "o"
    result = run(
        "open",
        bundle,
        "-i",
        made_key.key_path,
        "-o",
        out,
        "--passphrase-file",
        wrong,
        "--lang",
        "en",
    )
    assert result.status == 2
    assert result.err == "Wrong passphrase for the key file.\n"
    assert not out.exists()
    thai = run("open", bundle, "-i", made_key.key_path, "-o", out, "--passphrase-file", wrong)
    assert thai.err == "วลีรหัสผ่านของไฟล์กุญแจไม่ถูกต้อง\n"


def test_the_officer_gets_three_tries_at_a_terminal(tmp_path: Path, made_key: keys.NewKey) -> None:
    bundle = _bundle_for(tmp_path, made_key.recipient)
    out = tmp_path / "o"
    status, screen = run_on_tty(
        [
            sys.executable,
            "-m",
            "workstation",
            "open",
            str(bundle),
            "-i",
            str(made_key.key_path),
            "-o",
            str(out),
            "--lang",
            "en",
            "--no-clean",
        ],
        [
            (b"Passphrase for the key file", b"first wrong try\n"),
            (b"Wrong passphrase", b""),
            (b"Passphrase for the key file", PASSPHRASE.encode() + b"\n"),
        ],
    )
    assert status == 0, screen
    assert screen.count(b"Wrong passphrase") == 1
    assert (out / "brave-otter" / "message-0001.txt").read_bytes() == b"tip"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"just some text\n", "This is not a desk key file."),
        (b"-----BEGIN AGE ENCRYPTED FILE-----\nYWdl\n", "text (armored) form"),
        (b"age-encryption.org/v1\n-> X25519 garbage\n", "The key file is damaged"),
    ],
)
def test_unusable_key_files(
    content: bytes, message: str, tmp_path: Path, run: Callable[..., Run]
) -> None:
    key = tmp_path / "key"
    key.write_bytes(content)
    bundle = _bundle_for(tmp_path, str(Identity.generate().recipient))
    result = run("open", bundle, "-i", key, "-o", tmp_path / "o", "--lang", "en")
    assert result.status == 2
    assert message in result.err
    assert result.err.count("\n") == 1


def test_a_key_file_encrypted_to_a_key_is_not_a_passphrase_file(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    identity = Identity.generate()
    key = tmp_path / "key.age"
    key.write_bytes(age.encrypt_bytes(identity.encode().encode(), [identity.recipient]))
    bundle = _bundle_for(tmp_path, str(identity.recipient))
    result = run("open", bundle, "-i", key, "-o", tmp_path / "o", "--lang", "en")
    assert result.status == 2
    assert "encrypted to another key" in result.err
    assert not (tmp_path / "o").exists()


def test_missing_key_file(tmp_path: Path, run: Callable[..., Run]) -> None:
    bundle = _bundle_for(tmp_path, str(Identity.generate().recipient))
    result = run("open", bundle, "-i", tmp_path / "nope", "-o", tmp_path / "o", "--lang", "en")
    assert result.status == 2
    assert "The key file cannot be read: No such file or directory" in result.err


def test_keygen_at_a_terminal_asks_twice_and_can_generate(tmp_path: Path) -> None:
    key = tmp_path / "k.age"
    argv = [sys.executable, "-m", "workstation", "keygen", "--desk", "nacc", "--out", str(key)]
    status, screen = run_on_tty(
        [*argv, "--lang", "en", "--work-factor", "10"],
        [(b"New passphrase", b"\n")],
    )
    assert status == 0, screen
    line = next(x for x in screen.decode().splitlines() if "Your passphrase" in x)
    generated = line.split(": ", 1)[1].strip()
    assert len(generated.split()) == 7
    age.decrypt_bytes(key.read_bytes(), [ScryptIdentity(generated)])
    other = tmp_path / "k2.age"
    status, screen = run_on_tty(
        [*argv[:-1], str(other), "--lang", "en", "--work-factor", "10"],
        [
            (b"New passphrase", b"first passphrase long\n"),
            (b"same passphrase", b"different passphrase\n"),
            (b"differ", b""),
            (b"New passphrase", PASSPHRASE.encode() + b"\n"),
            (b"same passphrase", PASSPHRASE.encode() + b"\n"),
        ],
    )
    assert status == 0, screen
    age.decrypt_bytes(other.read_bytes(), [ScryptIdentity(PASSPHRASE)])


def test_keygen_does_not_leave_a_key_behind_when_it_fails(tmp_path: Path) -> None:
    missing_folder = tmp_path / "no" / "such" / "k.age"
    with pytest.raises(OSError, match="No such file"):
        keys.generate("nacc", missing_folder, PASSPHRASE, 10)
    assert files_under(tmp_path) == {}


def test_passphrase_file_keeps_spaces_and_drops_only_the_line_end(tmp_path: Path) -> None:
    path = tmp_path / "p"
    path.write_bytes(b"  spaced passphrase \r\nsecond line\n")
    assert keys.passphrase_from_file(path) == "  spaced passphrase "
