"""Codenames: entropy, wordlists, and input quirks that must never lock a source out."""

import unicodedata

import pytest
from hypothesis import given
from hypothesis import strategies as st

from crypto import codename
from crypto.codename import Language, canonical_thai, generate, normalize, wordlist

# ก + SARA I + MAI EK, and ก + MAI THO + SARA AM: two syllables with stacked marks.
KI_EK = "\u0e01\u0e34\u0e48"
KAM_THO = "\u0e01\u0e49\u0e33"


@pytest.mark.parametrize("language", list(Language))
def test_entropy_is_at_least_90_bits(language: Language) -> None:
    words = wordlist(language)
    assert len(words.words) == len(set(words.words)) >= 4096
    assert words.bits >= codename.MIN_BITS
    assert len(generate(language).split(" ")) == words.length


def test_english_is_the_eff_large_list() -> None:
    words = wordlist(Language.EN).words
    assert len(words) == 7776
    assert words[0] == "abacus"
    assert words[-1] == "zoom"


def test_thai_words_are_thai_and_canonical() -> None:
    for word in wordlist(Language.TH).words:
        assert unicodedata.is_normalized("NFC", word)
        assert canonical_thai(word) == word
        assert all("\u0e01" <= c <= "\u0e4e" for c in word), word


def test_generated_codenames_differ() -> None:
    assert len({generate(Language.TH) for _ in range(50)}) == 50


@pytest.mark.parametrize(
    "typed",
    [
        "  abacus   zoom ",
        "ABACUS ZOOM",
        "abacus\tzoom\n",
        "abacuszoom",
        "abacus\u00a0zoom",  # no-break space from a phone keyboard
        "ａｂａｃｕｓ ｚｏｏｍ",  # full-width letters from an East Asian input method
        "abacus-zoom",
    ],
)
def test_english_spacing_and_case(typed: str) -> None:
    assert normalize(typed) == normalize("abacus zoom")


@pytest.mark.parametrize(
    "typed",
    [
        f"{KI_EK} {KAM_THO}",
        f"{KI_EK}{KAM_THO}",  # Thai is written without spaces
        f"{KI_EK}\u200b{KAM_THO}",  # zero-width space from word-break tools
        "\u0e01\u0e48\u0e34 " + KAM_THO,  # tone mark typed before the upper vowel
        "\u0e01\u0e34\u0e48\u0e48 " + KAM_THO,  # tone mark typed twice
        KI_EK + " \u0e01\u0e4d\u0e49\u0e32",  # SARA AM as NIKHAHIT + SARA AA, tone between
        KI_EK + " \u0e01\u0e49\u0e4d\u0e32",  # SARA AM as NIKHAHIT + SARA AA, tone first
        KI_EK + " \u0e01\u0e33\u0e49",  # tone mark typed after SARA AM (กำ้ for ก้ำ)
        KI_EK + " \u0e01\u0e4d\u0e32\u0e49",  # ... and with SARA AM decomposed
        unicodedata.normalize("NFD", f"{KI_EK} {KAM_THO}"),
        unicodedata.normalize("NFKD", f"{KI_EK} {KAM_THO}"),
    ],
)
def test_thai_quirks(typed: str) -> None:
    assert normalize(typed) == KI_EK + KAM_THO


def test_two_sara_e_are_sara_ae() -> None:
    assert normalize("\u0e40\u0e40\u0e21\u0e27") == normalize("\u0e41\u0e21\u0e27")  # เเมว = แมว


def test_generated_codename_survives_respacing() -> None:
    for language in Language:
        name = generate(language)
        assert normalize(name.replace(" ", "")) == normalize(name)
        assert normalize("  " + name.replace(" ", "   ") + " ") == normalize(name)


def test_different_words_stay_different() -> None:
    assert normalize("abacus zoom") != normalize("abacus zoo")
    assert normalize(KI_EK) != normalize("\u0e01\u0e34\u0e49")


@given(st.text())
def test_normalize_is_idempotent(text: str) -> None:
    assert normalize(normalize(text)) == normalize(text)


def test_designation_is_two_english_words() -> None:
    words = codename.designation().split(" ")
    assert len(words) == 2
    assert all(w in wordlist(Language.EN).words for w in words)
