"""`workstation open`: bundles built exactly per FORMAT.md §4 with the real crypto, opened for
real; what an officer (or an attacker who shaped the bundle) would see on disk and screen."""

from __future__ import annotations

import hashlib
import io
import os
import subprocess
import sys
import warnings
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from crypto import age
from crypto.inner import open_inner
from crypto.keys import Identity
from tests.tools import require_tool
from tests.workstation import bundles
from tests.workstation.bundles import BundleItem
from tests.workstation.support import Desk, Run, files_under, partials_under

ROOT = Path(__file__).resolve().parents[2]
FIELDS = {
    "agency": "กรมที่ดิน <Land Department>",
    "official_position": "เจ้าพนักงานที่ดิน",
    "official_name": "นายสมชาย ใจดี",
    "province": "TH-50",
    "district": "เมืองเชียงใหม่",
    "wrongdoing": ["bribery", "procurement_fraud"],
    "when_kind": "range",
    "when_from": "2026-01-15",
    "when_to": "2026-03-31",
    "amount_baht": "1,500,000",
    "evidence_location": "แฟ้มสัญญาเลขที่ 12/2569 ห้องพัสดุ",
    "witnesses": "เจ้าหน้าที่การเงินสองคน",
    "reported_before": "yes",
    "reported_before_result": "แจ้งผู้อำนวยการแล้ว ไม่มีการดำเนินการ",
    "risk": "high",
    "wants_protection": True,
    "wants_contact": True,
}
MESSAGE = "ผู้อำนวยการเรียกรับเงินจากผู้รับเหมา\nThe director takes money from contractors.\n"


def _submission(desk: Desk) -> list[BundleItem]:
    r = desk.recipients
    return [
        bundles.item(
            "message", "brave otter", 1, MESSAGE.encode(), r, language="th", fields=FIELDS
        ),
        bundles.item(
            "file",
            "brave otter",
            2,
            os.urandom(300_000),
            r,
            filename="สัญญาจัดซื้อ ปี 2569.pdf",
            content_type="application/pdf",
        ),
        bundles.item("file", "brave otter", 3, b"", r, filename="empty.txt", content_type=""),
        bundles.item("reply", "brave otter", 4, "ขอบคุณสำหรับข้อมูล".encode(), r, language="th"),
        bundles.item("message", "quiet heron", 1, b"second source", r, language="en", fields={}),
    ]


def _content(item: BundleItem, desk: Desk) -> tuple[dict[str, object], bytes]:
    assert item.data is not None
    header, content = open_inner(age.decrypt_chunks(io.BytesIO(item.data), [desk.identity]))
    return header, b"".join(content)


def _open(run: Callable[..., Run], bundle: Path, desk: Desk, out: Path, *more: str) -> Run:
    return run("open", bundle, "--identity", desk.key_file, "--out", out, "--lang", "en", *more)


def test_round_trip_is_byte_identical(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    items = _submission(desk)
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 0, result.err
    assert result.err == ""
    written = files_under(out)
    assert written["brave-otter/message-0001.txt"] == MESSAGE.encode()
    assert written["brave-otter/files/สัญญาจัดซื้อ ปี 2569.pdf"] == _content(items[1], desk)[1]
    assert written["brave-otter/files/empty.txt"] == b""
    assert written["brave-otter/reply-0004.txt"] == "ขอบคุณสำหรับข้อมูล".encode()
    assert written["quiet-heron/message-0001.txt"] == b"second source"
    assert {"index.html", "summary.txt", "brave-otter/report-0001.html"} <= set(written)
    assert "Opened 5 of 5 items." in result.out
    assert "Everything opened." in result.out
    assert partials_under(out) == []


def test_report_carries_every_field_in_thai_and_english(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = bundles.write_bundle(tmp_path / "export.zip", _submission(desk))
    out = tmp_path / "opened"
    assert _open(run, bundle, desk, out, "--no-clean").status == 0
    text = (out / "brave-otter" / "report-0001.txt").read_text()
    page = (out / "brave-otter" / "report-0001.html").read_text()
    for value in ("กรมที่ดิน <Land Department>", "นายสมชาย ใจดี", "1,500,000", "12/2569"):
        assert value in text
    assert "กรมที่ดิน &lt;Land Department&gt;" in page
    assert "TH-50 เชียงใหม่ / Chiang Mai" in text
    assert "การให้หรือรับสินบน / Bribery" in text
    assert "2026-03-31 (พ.ศ. 2569)" in text
    assert "สูง" in text
    assert "จังหวัด / Province" in page
    assert "Agency where it happened" in page
    assert MESSAGE.splitlines()[0] in text
    assert "brave otter" in page


def test_items_open_with_the_age_cli_too(tmp_path: Path, desk: Desk) -> None:
    age_bin = require_tool("age")
    items = _submission(desk)
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    with zipfile.ZipFile(bundle) as zf:
        for item in items:
            sealed = tmp_path / "item.age"
            sealed.write_bytes(zf.read(item.name))
            result = subprocess.run(
                [age_bin, "-d", "-i", str(desk.key_file), str(sealed)],
                capture_output=True,
                check=True,
            )
            _, content = open_inner(iter([result.stdout]))
            assert b"".join(content) == _content(item, desk)[1]


def test_wrong_key_fails_every_item_with_one_clear_line(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = bundles.write_bundle(tmp_path / "export.zip", _submission(desk))
    other = tmp_path / "other-key.txt"
    other.write_text(Identity.generate().encode() + "\n")
    out = tmp_path / "opened"
    result = run("open", bundle, "-i", other, "-o", out, "--lang", "en")
    assert result.status == 1
    lines = result.err.strip().splitlines()
    assert len(lines) == 5
    assert all("not encrypted to this desk key" in line for line in lines)
    assert "check that you chose the key file of the right desk" in result.out
    assert set(files_under(out)) == {"index.html", "summary.txt"}


def test_a_corrupt_item_fails_alone(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    items = _submission(desk)
    assert items[1].data is not None
    spoiled = bytearray(items[1].data)
    spoiled[len(spoiled) // 2] ^= 1
    items[1].data = bytes(spoiled)
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 1
    assert result.err.count("\n") == 1
    assert "sources/brave-otter/0002-file.age" in result.err
    assert "checksum (SHA-256) does not match" in result.err
    written = files_under(out)
    assert not any(name.endswith(".pdf") for name in written)
    assert "brave-otter/message-0001.txt" in written
    assert "brave-otter/reply-0004.txt" in written
    assert "Opened 4 of 5 items." in result.out


def test_a_truncated_item_fails_alone(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    items = _submission(desk)
    assert items[1].data is not None
    items[1].data = items[1].data[:100_000]
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 1
    assert "truncated: the file is shorter than the bundle says" in result.err
    assert "Opened 4 of 5 items." in result.out


def _cut_at_chunk(data: bytes) -> bytes:
    """Cut an age file right after its first full payload chunk (a clean chunk boundary)."""
    payload_start = data.index(b"\n---") + 1
    payload_start = data.index(b"\n", payload_start) + 1 + 16
    return data[: payload_start + 65536 + 16]


def _flip(at: int) -> Callable[[bytes], bytes]:
    def spoil(data: bytes) -> bytes:
        spoiled = bytearray(data)
        spoiled[at if at >= 0 else len(data) + at] ^= 0x40
        return bytes(spoiled)

    return spoil


def _flip_mac(data: bytes) -> bytes:
    mac = data.index(b"\n--- ") + 6
    return data[:mac] + (b"B" if data[mac : mac + 1] == b"A" else b"A") + data[mac + 1 :]


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (_cut_at_chunk, "truncated: the encrypted file ends too early"),
        (lambda d: d[:-5], "corrupt: the encrypted content fails its integrity check"),
        (_flip(-100), "corrupt: the encrypted content fails its integrity check"),
        (lambda d: d + b"trailing", "corrupt: the encrypted content fails its integrity check"),
        (_flip_mac, "corrupt: the encrypted file's header was altered"),
        (lambda d: b"not an age file at all", "corrupt: the start of the encrypted file"),
    ],
    ids=["cut-at-chunk", "cut-mid-chunk", "flipped", "trailing", "mac", "not-age"],
)
def test_damage_the_manifest_agrees_with_is_caught_by_decryption(
    spoil: Callable[[bytes], bytes],
    message: str,
    tmp_path: Path,
    desk: Desk,
    run: Callable[..., Run],
) -> None:
    """A file damaged on the server has a matching manifest: decryption must still catch it,
    and nothing of it may be left under a real name (nor as a leftover temporary file)."""
    items = _submission(desk)
    assert items[1].data is not None
    data = spoil(items[1].data)
    items[1] = BundleItem(
        {**items[1].entry, "size": len(data), "sha256": hashlib.sha256(data).hexdigest()}, data
    )
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    out = tmp_path / "opened"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 1
    assert result.err.count("\n") == 1
    assert message in result.err
    assert not (out / "brave-otter" / "files" / "สัญญาจัดซื้อ ปี 2569.pdf").exists()
    assert sorted(p.name for p in (out / "brave-otter" / "files").iterdir()) == ["empty.txt"]
    assert partials_under(out) == []


def test_inner_format_and_kind_are_checked(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    raw = age.encrypt_bytes(b"plain age file, not our inner format", desk.recipients)
    message = bundles.seal("message", b"hi", desk.recipients, fields={})
    items = [
        BundleItem(
            {
                **bundles.item("file", "a", 1, b"", desk.recipients).entry,
                "size": len(raw),
                "sha256": hashlib.sha256(raw).hexdigest(),
            },
            raw,
        ),
        BundleItem(
            {
                **bundles.item("file", "a", 2, b"", desk.recipients).entry,
                "size": len(message),
                "sha256": hashlib.sha256(message).hexdigest(),
            },
            message,
        ),
    ]
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", items), desk, tmp_path / "o")
    assert result.status == 1
    assert "not in WE STRONG Drop's format" in result.err
    assert "disagree on what it is" in result.err


HOSTILE_PATHS = [
    "../../etc/passwd",
    "/etc/passwd",
    "sources/../../../tmp/x/0001-file.age",
    "sources/evil\x00/0001-file.age",
    "sources\\evil\\0001-file.age",
    "sources/EVIL/0001-file.age",
    "sources/" + "a" * 101 + "/0001-file.age",
    "sources/evil/0001-file.age/../../../../x",
    "sources/evil/0001-file.age\n",
    "sources/evil/1-file.age",
    "sources/evil/0001-message.age",  # the path says message, the entry says file
]


def test_hostile_manifest_paths_are_refused_and_others_open(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    good = bundles.item("file", "fine", 1, b"ok", desk.recipients, filename="ok.txt")
    hostile = []
    for path in HOSTILE_PATHS:
        one = bundles.item("file", "x", 1, b"pwned", desk.recipients, filename="pwned")
        one.entry["path"] = path
        one.zip_name = path.replace("\x00", "_")  # zipfile cannot write NUL in a name
        hostile.append(one)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate hostile names
        bundle = bundles.write_bundle(tmp_path / "export.zip", [*hostile, good])
    out = tmp_path / "work" / "opened"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 1
    assert result.err.count("refused") == len(HOSTILE_PATHS)
    assert files_under(out)["fine/files/ok.txt"] == b"ok"
    everything = files_under(tmp_path)
    assert not any(data == b"pwned" for data in everything.values())
    assert "\\x00" in result.err  # a NUL is shown, never printed raw to the terminal


def test_duplicate_manifest_entries_and_zip_names(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    first = bundles.item("file", "dup", 1, b"first", desk.recipients, filename="a.txt")
    second = bundles.item("file", "dup", 1, b"second", desk.recipients, filename="b.txt")
    twice = bundles.item("file", "twice", 1, b"x", desk.recipients, filename="c.txt")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # zipfile warns about the duplicate name, rightly
        bundle = bundles.write_bundle(tmp_path / "b.zip", [first, second, twice, twice])
    result = _open(run, bundle, desk, tmp_path / "o", "--no-clean")
    assert result.status == 1
    assert "listed twice" in result.err
    assert "appears twice in the bundle" in result.err
    assert set(files_under(tmp_path / "o")) == {"index.html", "summary.txt"}


def test_zip_entries_not_in_the_manifest_are_ignored(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    good = bundles.item("file", "fine", 1, b"ok", desk.recipients, filename="ok.txt")
    extra = {
        "run-me.sh": b"#!/bin/sh\nrm -rf ~\n",
        "../escape.txt": b"x",
        "sources/a/9999-file.age": b"",
    }
    bundle = bundles.write_bundle(tmp_path / "b.zip", [good], extra=extra)
    out = tmp_path / "o"
    result = _open(run, bundle, desk, out, "--no-clean")
    assert result.status == 0
    assert set(files_under(out)) == {"fine/files/ok.txt", "index.html", "summary.txt"}
    assert not (tmp_path / "escape.txt").exists()


def test_an_item_missing_from_the_zip_fails_alone(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    items = _submission(desk)
    items[3].data = None
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", items), desk, tmp_path / "o")
    assert result.status == 1
    assert "0004-reply.age: listed in the bundle but not in it" in result.err
    assert "Opened 4 of 5 items." in result.out


HOSTILE_NAMES: list[object] = [
    "../../etc/passwd",
    "/etc/shadow",
    "..",
    ".bashrc",
    "...",
    "a\x00b.txt",
    "bell\x07\x1b[31mred.txt",
    "x" * 1000 + ".pdf",
    "ก" * 300 + ".jpg",
    "รายงาน\u202egpj.exe",
    "CON.txt",
    "a/b\\c:d*e?f.txt",
    "",
    123,
    None,
    " spaced .txt. ",
]


def test_hostile_inner_file_names_are_sanitised(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    items = [
        bundles.item(
            "file", "names", n + 1, f"content {n}".encode(), desk.recipients, filename=name
        )
        for n, name in enumerate(HOSTILE_NAMES)
    ]
    out = tmp_path / "o"
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", items), desk, out, "--no-clean")
    assert result.status == 0, result.err
    folder = out / "names" / "files"
    written = {p.name: p.read_bytes() for p in folder.iterdir()}
    assert sorted(written.values()) == sorted(f"content {n}".encode() for n in range(len(items)))
    for name in written:
        assert "/" not in name
        assert "\\" not in name
        assert not name.startswith(".")
        assert len(name.encode()) <= 200
        assert all(ch.isprintable() for ch in name), repr(name)
    assert "etc_passwd" in " ".join(written)
    assert "\u202e" not in " ".join(written)
    assert any(name.startswith("กกก") and name.endswith(".jpg") for name in written)
    assert set(files_under(tmp_path)) >= {f"o/names/files/{n}" for n in written}
    assert "\x1b" not in result.out + result.err


def test_colliding_names_get_numeric_suffixes(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    names = ["รายงาน.pdf", "รายงาน.pdf", "รายงาน.pdf", "รายงาน-2.pdf", "message-0001.txt"]
    items = [
        bundles.item("file", "same", n + 2, f"{n}".encode(), desk.recipients, filename=name)
        for n, name in enumerate(names)
    ]
    items.append(bundles.item("message", "same", 1, b"the real message", desk.recipients))
    out = tmp_path / "o"
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", items), desk, out, "--no-clean")
    assert result.status == 0, result.err
    written = files_under(out / "same")
    assert written["files/รายงาน.pdf"] == b"0"
    assert written["files/รายงาน-2.pdf"] == b"1"
    assert written["files/รายงาน-3.pdf"] == b"2"
    assert written["files/รายงาน-2-2.pdf"] == b"3"
    assert written["files/message-0001.txt"] == b"4"
    assert written["message-0001.txt"] == b"the real message"


def test_index_escapes_everything_and_does_not_link_risky_files(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    r = desk.recipients
    evil = bundles.item(
        "file",
        "x",
        1,
        b"<html><script>alert(1)</script>",
        r,
        filename="<b>bold</b>.html",
        case=None,
    )
    evil.entry["source"] = "<script>alert('designation')</script>"
    plain = bundles.item("file", "x", 2, b"hello", r, filename="notes.txt", content_type="<i>")
    out = tmp_path / "o"
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", [evil, plain]), desk, out)
    assert result.status == 0
    page = (out / "index.html").read_text()
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#x27;designation&#x27;)&lt;/script&gt;" in page
    assert "<b>bold</b>" not in page
    assert "Content-Security-Policy" in page
    assert 'href="x/files/notes.txt"' in page
    assert (out / "x" / "files" / "_b_bold__b_.html").exists()
    assert "_b_bold__b_.html" in page
    assert 'bold__b_.html"' not in page  # shown, never linked
    assert "a web page or SVG" in result.out


def test_active_files_by_content_are_flagged_and_never_linked(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    # Issue 9, finding 9: XHTML named *.xml, and HTML with no extension that starts with a
    # comment, ran scripts from file:// with one click in index.html.
    require_tool("file")
    r = desk.recipients
    xhtml = (
        b'<?xml version="1.0" encoding="UTF-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">'
        b"<head><script>alert(1)</script></head><body/></html>\n"
    )
    html = b"<!-- saved from the intranet -->\n<html><body><script>alert(1)</script></body></html>"
    items = [
        bundles.item("file", "x", 1, xhtml, r, filename="data.xml"),
        bundles.item("file", "x", 2, html, r, filename="minutes"),
        bundles.item("file", "x", 3, b"plain words", r, filename="notes.txt"),
    ]
    out = tmp_path / "o"
    result = _open(run, bundles.write_bundle(tmp_path / "b.zip", items), desk, out)
    assert result.status == 0
    page = (out / "index.html").read_text()
    assert (out / "x" / "files" / "data.xml").exists()
    assert (out / "x" / "files" / "minutes").exists()
    assert 'href="x/files/data.xml"' not in page
    assert 'href="x/files/minutes"' not in page
    assert page.count("a web page or SVG") >= 2
    assert 'href="x/files/notes.txt"' in page


def test_output_folder_must_be_new_or_empty(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = bundles.write_bundle(tmp_path / "b.zip", _submission(desk))
    out = tmp_path / "o"
    out.mkdir()
    (out / "old.txt").write_text("earlier work")
    result = _open(run, bundle, desk, out)
    assert result.status == 2
    assert "is not empty" in result.err
    assert files_under(out) == {"old.txt": b"earlier work"}
    empty = tmp_path / "empty"
    empty.mkdir()
    assert _open(run, bundle, desk, empty, "--no-clean").status == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"PK\x03\x04 not really a zip", "not an export bundle"),
        (b"", "not an export bundle"),
    ],
)
def test_not_a_bundle(
    content: bytes, message: str, tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = tmp_path / "b.zip"
    bundle.write_bytes(content)
    result = _open(run, bundle, desk, tmp_path / "o")
    assert result.status == 2
    assert message in result.err
    assert result.err.count("\n") == 1
    assert not (tmp_path / "o").exists()


def test_bundle_level_problems_are_one_line_each(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    no_manifest = tmp_path / "none.zip"
    with zipfile.ZipFile(no_manifest, "w") as zf:
        zf.writestr("other.json", "{}")
    assert "no list of its contents" in _open(run, no_manifest, desk, tmp_path / "1").err
    wrong_format = bundles.write_bundle(tmp_path / "f.zip", [], manifest={"format": "v9"})
    assert "another version" in _open(run, wrong_format, desk, tmp_path / "2").err
    garbage = tmp_path / "g.zip"
    with zipfile.ZipFile(garbage, "w") as zf:
        zf.writestr("manifest.json", b"\xff{not json")
    assert "is damaged" in _open(run, garbage, desk, tmp_path / "3").err
    missing = _open(run, tmp_path / "absent.zip", desk, tmp_path / "4")
    assert missing.status == 2
    assert "cannot be read" in missing.err


def test_a_truncated_bundle_file_is_one_clear_line(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    bundle = bundles.write_bundle(tmp_path / "b.zip", _submission(desk))
    bundle.write_bytes(bundle.read_bytes()[: bundle.stat().st_size // 2])
    result = _open(run, bundle, desk, tmp_path / "o")
    assert result.status == 2
    assert "damaged or incomplete" in result.err


def test_messages_are_thai_by_default(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    bundle = bundles.write_bundle(tmp_path / "b.zip", _submission(desk))
    result = run("open", bundle, "-i", desk.key_file, "-o", tmp_path / "o", "--no-clean")
    assert result.status == 0
    assert "เปิดได้ 5 จาก 5 รายการ" in result.out
    assert "สรุป" in (tmp_path / "o" / "summary.txt").read_text()


def test_exit_statuses_through_a_real_process(tmp_path: Path, desk: Desk) -> None:
    items = _submission(desk)
    good = bundles.write_bundle(tmp_path / "good.zip", items)
    items[0].data = b"spoiled"
    bad = bundles.write_bundle(tmp_path / "bad.zip", items)

    def status(*args: str | Path) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [sys.executable, "-m", "workstation", *map(str, args), "--lang", "en"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )

    key = desk.key_file
    assert status("open", good, "-i", key, "-o", tmp_path / "a", "--no-clean").returncode == 0
    failed = status("open", bad, "-i", key, "-o", tmp_path / "b", "--no-clean")
    assert failed.returncode == 1
    assert "Traceback" not in failed.stderr
    assert status("open", good, "-i", key, "-o", tmp_path / "b").returncode == 2
    assert status("verify", good, "-i", key).returncode == 0
    assert status("verify", bad, "-i", key).returncode == 1
    assert status("open").returncode == 2


def test_deflated_entries_still_open(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    """FORMAT.md stores entries, but a bundle re-zipped by hand (deflated) is still a bundle."""
    items = _submission(desk)
    original = bundles.write_bundle(tmp_path / "stored.zip", items)
    deflated = tmp_path / "deflated.zip"
    with zipfile.ZipFile(original) as src, zipfile.ZipFile(deflated, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), zipfile.ZIP_DEFLATED)
    out = tmp_path / "o"
    result = _open(run, deflated, desk, out, "--no-clean")
    assert result.status == 0, result.err
    assert (out / "brave-otter" / "message-0001.txt").read_bytes() == MESSAGE.encode()


def test_progress_bar_counts_to_the_end() -> None:
    from workstation.progress import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    screen = Terminal()
    progress = Progress(4 * 1024 * 1024, screen, enabled=True)
    for _ in range(4):
        progress(1024 * 1024)
    progress.clear()
    progress.finish()
    assert screen.getvalue().endswith("100.0%  4.0 / 4.0 MiB\n")
    quiet = io.StringIO()
    Progress(10, quiet, enabled=False)(10)
    assert quiet.getvalue() == ""
