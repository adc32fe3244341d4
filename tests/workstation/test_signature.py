"""Finding 15: bundles are signed by the server's instance key, pinned at set-up; a bundle that
does not verify is refused as a whole, and an item found in another case's folder is refused."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Callable
from pathlib import Path

from crypto.fingerprint import signing_fingerprint
from crypto.signing import SigningKey
from tests.workstation import bundles
from tests.workstation.support import Desk, Run, files_under
from workstation import keys


def _items(desk: Desk) -> list[bundles.BundleItem]:
    return [bundles.item("message", "brave otter", 1, b"tip", desk.recipients, fields={})]


def _open(run: Callable[..., Run], bundle: Path, desk: Desk, out: Path, lang: str = "en") -> Run:
    return run("open", bundle, "-i", desk.key_file, "-o", out, "--lang", lang, "--no-clean")


def test_an_unsigned_bundle_is_refused(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    bundle = bundles.write_bundle(tmp_path / "b.zip", _items(desk), signer=None)
    out = tmp_path / "o"
    result = _open(run, bundle, desk, out)
    assert result.status == 2
    assert "REFUSED: this bundle is not signed" in result.err
    assert not out.exists()
    thai = _open(run, bundle, desk, out, "th")
    assert "ปฏิเสธ: ชุดไฟล์ส่งออกนี้ไม่มีลายเซ็น" in thai.err
    verify = run("verify", bundle, "-i", desk.key_file, "--lang", "en")
    assert verify.status == 2
    assert "not signed" in verify.err


def test_a_tip_added_on_the_way_is_refused(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    """Anyone with the desk's public key can encrypt a "tip"; they cannot re-sign the list."""
    good = bundles.write_bundle(tmp_path / "good.zip", _items(desk))
    forged = bundles.item("message", "brave otter", 2, b"planted", desk.recipients, fields={})
    tampered = tmp_path / "tampered.zip"
    with zipfile.ZipFile(good) as src, zipfile.ZipFile(tampered, "w") as dst:
        manifest = json.loads(src.read("manifest.json"))
        manifest["items"].append(forged.entry)
        for info in src.infolist():
            if info.filename != "manifest.json":
                dst.writestr(info.filename, src.read(info))
        dst.writestr("manifest.json", json.dumps(manifest))
        assert forged.data is not None
        dst.writestr(forged.name, forged.data)
    result = _open(run, tampered, desk, tmp_path / "o")
    assert result.status == 2
    assert "does not match the pinned server key" in result.err
    assert not (tmp_path / "o").exists()
    assert _open(run, good, desk, tmp_path / "o2").status == 0


def test_a_bundle_signed_by_another_server_is_refused(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    other = SigningKey(bytes(32))
    bundle = bundles.write_bundle(tmp_path / "b.zip", _items(desk), signer=other)
    result = run("verify", bundle, "-i", desk.key_file, "--lang", "en")
    assert result.status == 2
    assert "does not match the pinned server key" in result.err


def test_nothing_opens_before_the_server_key_is_pinned(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = bundles.write_bundle(tmp_path / "b.zip", _items(desk))
    keys.pin_path(tmp_path).unlink()
    result = _open(run, bundle, desk, tmp_path / "o")
    assert result.status == 2
    assert "No server key is pinned" in result.err
    assert "pin-server" in result.err


def test_pin_server_shows_the_read_aloud_fingerprint(
    tmp_path: Path, run: Callable[..., Run]
) -> None:
    folder = tmp_path / "ws"
    folder.mkdir()
    key = SigningKey(bytes(range(1, 33))).verify_key
    result = run("pin-server", str(key), "--folder", folder, "--lang", "en")
    assert result.status == 0, result.err
    assert signing_fingerprint(key) in result.out
    assert keys.read_pin(keys.pin_path(folder)) == key
    assert run("pin-server", str(key), "--folder", folder).status == 0  # same key: fine
    other = SigningKey(bytes(32)).verify_key
    replaced = run("pin-server", str(other), "--folder", folder, "--lang", "en")
    assert replaced.status == 2
    assert "Another server key is already pinned" in replaced.err
    assert keys.read_pin(keys.pin_path(folder)) == key
    bad = run("pin-server", "age1notakey", "--folder", folder, "--lang", "en")
    assert bad.status == 2
    assert "not a server signing key" in bad.err


def test_an_item_in_the_wrong_case_folder_is_refused(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    """Even in a signed manifest: the designation inside the ciphertext decides."""
    moved = bundles.item("message", "quiet heron", 1, b"moved", desk.recipients, fields={})
    moved.entry["source"] = "brave otter"
    moved.entry["path"] = "sources/brave-otter/0001-message.age"
    kept = bundles.item("message", "brave otter", 2, b"kept", desk.recipients, fields={})
    out = tmp_path / "o"
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", [moved, kept]), desk, out)
    assert result.status == 1
    assert "0001-message.age: REFUSED: the encrypted item belongs to another case" in result.err
    written = files_under(out)
    assert "brave-otter/message-0002.txt" in written
    assert b"moved" not in b"".join(written.values())


def test_items_stored_before_the_case_was_bound_still_open(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    old = bundles.item("message", "brave otter", 1, b"old", desk.recipients, fields={}, case=None)
    out = tmp_path / "o"
    assert _open(run, bundles.write_bundle(tmp_path / "b.zip", [old]), desk, out).status == 0
