"""Identity items stay closed unless asked for, and apart when opened (decision 096); a proof
of authorship is checked against the key in a signed manifest, or one given (decision 095)."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from pathlib import Path

from crypto import authorship
from crypto.keys import Identity
from tests.workstation import bundles
from tests.workstation.support import Desk, Run, files_under

IDENTITY = "ชื่อ สมหญิง ใจกล้า โทร 081-234-5678"


def _bundle(tmp_path: Path, desk: Desk, **manifest: object) -> Path:
    r = desk.recipients
    items = [
        bundles.item("message", "brave otter", 1, b"the tip", r, language="th", fields={}),
        bundles.item("identity", "brave otter", 2, IDENTITY.encode(), r, language="th"),
    ]
    top = None
    if manifest:
        top = {
            "format": bundles.FORMAT,
            "created": "2026-11-26",
            "instance": "WE STRONG Drop",
            "items": [i.entry for i in items],
            **manifest,
        }
    return bundles.write_bundle(tmp_path / "export.zip", items, manifest=top)


def _open(run: Callable[..., Run], bundle: Path, desk: Desk, out: Path, *more: str) -> Run:
    return run("open", bundle, "-i", desk.key_file, "-o", out, "--no-clean", "--lang", "en", *more)


def test_an_identity_item_is_checked_but_not_opened_unless_asked(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = _bundle(tmp_path, desk)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out)
    assert result.status == 0, result.err
    assert "NOT opened" in result.out
    written = files_under(out)
    assert not any(name.startswith("identity") for name in written)
    assert all(IDENTITY.encode() not in data for data in written.values())
    assert "not opened" in written["index.html"].decode()


def test_asked_for_it_opens_apart_from_the_case_and_its_report(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = _bundle(tmp_path, desk)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out, "--reveal-identity")
    assert result.status == 0, result.err
    written = files_under(out)
    assert written["identity/brave-otter/identity-0002.txt"] == IDENTITY.encode()
    for name, data in written.items():
        if not name.startswith("identity/"):
            assert IDENTITY.encode() not in data, name
    index = written["index.html"].decode()
    assert "identity/brave-otter/identity-0002.txt" in index
    assert "Identity details given by the source" in index


def test_an_identity_item_must_say_it_is_one(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    # A message listed as identity (or the reverse) is refused: the kinds are bound inside.
    r = desk.recipients
    forged = bundles.item("identity", "brave otter", 1, b"a message", r)
    forged.data = bundles.seal("message", b"a message", r, case="brave otter")
    forged.entry["size"] = len(forged.data)
    forged.entry["sha256"] = hashlib.sha256(forged.data).hexdigest()
    bundle = bundles.write_bundle(tmp_path / "export.zip", [forged])
    result = _open(run, bundle, desk, tmp_path / "o", "--reveal-identity")
    assert result.status == 1


def _proof() -> tuple[str, str, str]:
    key = authorship.case_signing_key(Identity.generate(), authorship.new_salt())
    challenge = authorship.new_challenge()
    return authorship.encode_public(key.verify_key), challenge, authorship.sign(key, challenge)


def test_verify_authorship_from_the_signed_manifest(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    public, challenge, signature = _proof()
    cases = [{"source": "brave otter", "authorship_key": public}]
    bundle = _bundle(tmp_path, desk, cases=cases)
    pin = tmp_path / "server-signing.pub"
    base = ["verify-authorship", "--bundle", bundle, "--server-key", pin, "--lang", "en"]
    ok = run(*base, "--challenge", challenge, "--signature", signature)
    assert ok.status == 0, ok.err
    assert "PROVEN" in ok.out
    assert "brave otter" in ok.out
    bad = run(*base, "--challenge", authorship.new_challenge(), "--signature", signature)
    assert bad.status == 1
    assert "NOT PROVEN" in bad.err
    missing = run(
        *base, "--case", "quiet heron", "--challenge", challenge, "--signature", signature
    )
    assert missing.status == 2


def test_an_unsigned_manifest_gives_no_key_to_check_against(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    public, challenge, signature = _proof()
    r = desk.recipients
    items = [bundles.item("message", "brave otter", 1, b"the tip", r, fields={})]
    top = {
        "format": bundles.FORMAT,
        "created": "2026-11-26",
        "instance": "WE STRONG Drop",
        "items": [i.entry for i in items],
        "cases": [{"source": "brave otter", "authorship_key": public}],
    }
    bundle = bundles.write_bundle(tmp_path / "export.zip", items, manifest=top, signer=None)
    result = run(
        "verify-authorship",
        "--bundle",
        bundle,
        "--server-key",
        tmp_path / "server-signing.pub",
        "--challenge",
        challenge,
        "--signature",
        signature,
    )
    assert result.status == 2


def test_verify_authorship_with_a_key_given_by_hand(run: Callable[..., Run]) -> None:
    public, challenge, signature = _proof()
    ok = run(
        "verify-authorship", "--key", public, "--challenge", challenge, "--signature", signature
    )
    assert ok.status == 0
    wrong = run(
        "verify-authorship",
        "--key",
        "westrongsign1qqqq",
        "--challenge",
        challenge,
        "--signature",
        signature,
    )
    assert wrong.status == 2
