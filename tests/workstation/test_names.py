"""Sanitising untrusted names (FORMAT.md §4)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from workstation import names


@pytest.mark.parametrize(
    ("raw", "safe"),
    [
        ("report.pdf", "report.pdf"),
        ("รายงานการประชุม.docx", "รายงานการประชุม.docx"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ("/etc/passwd", "_etc_passwd"),
        ("C:\\Users\\me\\x.doc", "C__Users_me_x.doc"),
        (".bashrc", "bashrc"),
        ("..", "fallback"),
        ("", "fallback"),
        (None, "fallback"),
        ("a\x00b\nc\x1b.txt", "abc.txt"),
        ("photo\u202egpj.exe", "photogpj.exe"),
        ("CON.txt", "_CON.txt"),
        ("name. . .", "name"),
        ("e\u0301t\u00e9.txt", "\u00e9t\u00e9.txt"),
    ],
)
def test_examples(raw: object, safe: str) -> None:
    assert names.sanitise(raw, "fallback") == safe


def test_long_names_keep_their_extension_and_whole_thai_clusters() -> None:
    name = names.sanitise("กี่" * 100 + ".pdf", "f")
    assert name.endswith(".pdf")
    assert len(name.encode()) <= 200
    assert unicodedata.category(name[-5]) not in {"Mn", "Mc"} or name[-6] == "ก"
    assert not unicodedata.category(name.removesuffix(".pdf")[-1]).startswith("M")


def test_suffixes_stay_within_the_limit() -> None:
    long = names.sanitise("x" * 300 + ".jpeg", "f")
    assert names.with_suffix(long, 12).endswith("-12.jpeg")
    assert len(names.with_suffix(long, 12).encode()) <= 200
    assert names.with_suffix("a.tar.gz", 2) == "a.tar-2.gz"
    assert names.with_suffix("README", 3) == "README-3"


@given(st.one_of(st.text(), st.binary().map(lambda b: b.decode("latin-1"))))
def test_any_input_gives_one_safe_name(raw: str) -> None:
    name = names.sanitise(raw, "file")
    assert name
    assert len(name.encode("utf-8")) <= 200
    assert not name.startswith((".", " "))
    assert not any(c in name for c in '/\\:*?"<>|')
    assert all(unicodedata.category(c)[0] != "C" for c in name)
    assert name not in {".", ".."}


def test_printable_shows_controls_instead_of_obeying_them() -> None:
    assert names.printable("a\x1b[2Jb\x00") == "a\\x1b[2Jb\\x00"
    assert names.printable("x" * 500, limit=10) == "x" * 9 + "…"
    assert names.printable(["not", "text"]) == "['not', 'text']"
