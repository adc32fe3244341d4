"""The province list: complete, well-formed, and right where it is easy to check."""

import re
import unicodedata

import pytest

from webcommon.collation import thai_key
from webcommon.places import BY_CODE, PROVINCES, Province, province

THAI_LETTERS = re.compile(r"^[\u0e01-\u0e4e]+$")


def test_exactly_77_provinces() -> None:
    """Seventy-six provinces plus Bangkok."""
    assert len(PROVINCES) == 77
    assert len(BY_CODE) == 77


def test_codes_unique_and_iso_shaped() -> None:
    """Codes are ISO 3166-2:TH two-digit codes, each used once."""
    codes = [p.code for p in PROVINCES]
    assert len(set(codes)) == len(codes)
    assert all(re.fullmatch(r"TH-\d{2}", c) for c in codes)
    assert "TH-10" in BY_CODE


def test_pattaya_special_city_not_included() -> None:
    """Pattaya (TH-S) is a special administrative city, not a province."""
    assert province("TH-S") is None
    assert all(p.name_en != "Phatthaya" for p in PROVINCES)
    assert all(p.name_th != "พัทยา" for p in PROVINCES)


def test_thai_names_unique_nfc_thai_script() -> None:
    """Thai names are distinct, NFC-normalised and purely Thai script, with no spaces."""
    names = [p.name_th for p in PROVINCES]
    assert len(set(names)) == len(names)
    for name in names:
        assert unicodedata.normalize("NFC", name) == name
        assert THAI_LETTERS.fullmatch(name), name


def test_english_names_unique_ascii() -> None:
    """English names are distinct and plain ASCII."""
    names = [p.name_en for p in PROVINCES]
    assert len(set(names)) == len(names)
    assert all(n.isascii() and n.strip() == n and n for n in names)


def test_ordered_by_thai_dictionary_order() -> None:
    """The tuple is in Thai dictionary order of the Thai name."""
    names = [p.name_th for p in PROVINCES]
    assert names == sorted(names, key=thai_key)
    assert names.index("เชียงใหม่") < names.index("ตรัง")


@pytest.mark.parametrize(
    ("code", "name_th", "name_en"),
    [
        ("TH-10", "กรุงเทพมหานคร", "Bangkok"),
        ("TH-50", "เชียงใหม่", "Chiang Mai"),
        ("TH-90", "สงขลา", "Songkhla"),
        ("TH-38", "บึงกาฬ", "Bueng Kan"),
        ("TH-96", "นราธิวาส", "Narathiwat"),
        ("TH-39", "หนองบัวลำภู", "Nong Bua Lam Phu"),
    ],
)
def test_spot_checks(code: str, name_th: str, name_en: str) -> None:
    """Well-known provinces have the expected code and names."""
    assert province(code) == Province(code, name_th, name_en)


def test_unknown_code_is_none() -> None:
    """An unused code finds nothing."""
    assert province("TH-99") is None
    assert province("") is None
