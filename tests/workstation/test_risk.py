"""Risky file types, by name and by content, in constant memory."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.tools import require_tool
from tests.workstation import samples
from workstation import risk


def _sniff(content: bytes, tmp_path: Path, chunk: int = 1000) -> set[str]:
    path = tmp_path / "f"
    path.write_bytes(content)
    sniffer = risk.Sniffer()
    for start in range(0, len(content), chunk):
        sniffer.feed(content[start : start + chunk])
    return sniffer.finish(path)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("setup.EXE", risk.EXECUTABLE),
        ("run.sh", risk.SCRIPT),
        ("invoice.js", risk.SCRIPT),
        ("app.desktop", risk.LAUNCHER),
        ("shortcut.lnk", risk.LAUNCHER),
        ("page.html", risk.WEB),
        ("logo.svg", risk.WEB),
        ("budget.xlsm", risk.MACRO),
        ("letter.docm", risk.MACRO),
        ("slides.pptm", risk.MACRO),
    ],
)
def test_by_name(name: str, reason: str) -> None:
    assert risk.by_name(name) == {reason}


@pytest.mark.parametrize("name", ["photo.jpg", "report.pdf", "notes.txt", "sheet.xlsx", "noext"])
def test_ordinary_names(name: str) -> None:
    assert risk.by_name(name) == set()


@pytest.mark.parametrize(
    ("head", "reason"),
    [
        (b"MZ\x90\x00", risk.EXECUTABLE),
        (b"\x7fELF\x02\x01", risk.EXECUTABLE),
        (b"\xcf\xfa\xed\xfe", risk.EXECUTABLE),
        (b"#!/bin/sh\n", risk.SCRIPT),
        (b"[Desktop Entry]\nExec=rm -rf ~\n", risk.LAUNCHER),
        (b"\xef\xbb\xbf  <!DOCTYPE html><p>", risk.WEB),
        (b"<?xml version='1.0'?>\n<svg xmlns='http://www.w3.org/2000/svg'>", risk.WEB),
    ],
)
def test_by_content_whatever_the_name(head: bytes, reason: str, tmp_path: Path) -> None:
    assert _sniff(head + bytes(10_000), tmp_path) == {reason}


def test_harmless_content(tmp_path: Path) -> None:
    assert _sniff(samples.png("x"), tmp_path) == set()
    assert _sniff(samples.pdf("x"), tmp_path) == set()
    # XML is rendered by a browser (XHTML runs scripts; a stylesheet can make any XML do so).
    assert _sniff(b"<?xml version='1.0'?><note/>", tmp_path) == {risk.WEB}


@pytest.mark.parametrize("chunk", [1, 7, 1000, 100_000])
def test_pdf_actions_are_found_across_chunk_seams(chunk: int, tmp_path: Path) -> None:
    content = samples.pdf("x", extra=b" /OpenAction << /S /JavaScript /JS (app.alert(1)) >>")
    content = content[:30] + b"%" + b"x" * 9000 + b"\n" + content[30:]
    assert _sniff(content, tmp_path, chunk) == {risk.PDF_ACTIVE}


@pytest.mark.parametrize("chunk", [3, 4096, 65536])
def test_ole_macros_are_found_anywhere(chunk: int, tmp_path: Path) -> None:
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(70_001)
    ole += "_VBA_PROJECT".encode("utf-16-le") + bytes(5000)
    assert _sniff(ole, tmp_path, chunk) == {risk.MACRO}
    # Without the VBA stream: no macro, but an OLE container of no known kind is not linked.
    no_vba = ole.replace(b"_\x00V\x00B\x00A", b"_\x00X\x00B\x00A")
    assert _sniff(no_vba, tmp_path, chunk) == {risk.UNKNOWN}


def _zip(names: list[str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name in names:
            zf.writestr(name, b"x")
    return buffer.getvalue()


def test_office_files_with_macros_and_archives_with_programs(tmp_path: Path) -> None:
    assert _sniff(_zip(["[Content_Types].xml", "word/vbaProject.bin"]), tmp_path) == {risk.MACRO}
    assert _sniff(_zip(["content.xml", "Basic/Standard/Module1.xml"]), tmp_path) == {risk.MACRO}
    assert _sniff(_zip(["[Content_Types].xml", "word/document.xml"]), tmp_path) == set()
    assert _sniff(_zip(["photos/a.jpg", "tools/payload.exe"]), tmp_path) == {risk.ARCHIVE}
    assert _sniff(b"PK\x03\x04 but not a real zip", tmp_path) == {risk.UNKNOWN}


def test_tiny_and_empty_files(tmp_path: Path) -> None:
    assert _sniff(b"", tmp_path) == set()
    assert _sniff(b"MZ", tmp_path) == {risk.EXECUTABLE}


# Issue 9, finding 9: the type comes from libmagic (`file`), and only passive types pass.
XHTML = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n'
    b'<html xmlns="http://www.w3.org/1999/xhtml"><head><script>alert(1)</script></head></html>\n'
)
COMMENTED_HTML = b"<!-- saved from the intranet -->\n<html><script>alert(1)</script></html>\n"


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (XHTML, risk.WEB),
        (COMMENTED_HTML, risk.WEB),
        (b"<!-- c -->\n<script>fetch('http://x')</script>\n", risk.WEB),
        (b"\x00\x01\x02 no known format " * 100, risk.UNKNOWN),
    ],
    ids=["xhtml", "html-comment", "script-comment", "unknown"],
)
def test_libmagic_decides_by_content(content: bytes, reason: str, tmp_path: Path) -> None:
    require_tool("file")
    assert _sniff(content, tmp_path) == {reason}


def test_ordinary_text_stays_linkable(tmp_path: Path) -> None:
    require_tool("file")
    assert _sniff("รายงานการทุจริต\nreport of a bribe\n".encode(), tmp_path) == set()


def test_without_file_every_type_is_unknown(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "nothing-here"))
    assert _sniff(samples.png("x"), tmp_path) == {risk.UNKNOWN}
