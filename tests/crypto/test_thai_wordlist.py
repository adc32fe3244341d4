"""The Thai codename wordlist: rebuilt byte for byte, its entropy, and what it leaves out."""

from __future__ import annotations

import importlib.util
import math
import sys
from pathlib import Path
from types import ModuleType

import pytest

from crypto import codename
from crypto.codename import TONE_MARKS, Language, generate, wordlist

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "crypto" / "wordlists" / "th.txt"

# Decision 090: 7,776 words of 2025, minus 1,430 removed, no refill.
SIZE = 6346
# Decision 091: below 7,420 words, seven words fall short of 90 bits; eight are drawn.
LENGTH = 8


def _build_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location(
        "build_thai_wordlist", ROOT / "scripts" / "build_thai_wordlist.py"
    )
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_build_regenerates_the_shipped_list_byte_for_byte(tmp_path: Path) -> None:
    # Needs pythainlp==5.4.0 (dev lock); the script checks the corpus files' digests and
    # that stage 1 still gives the list of 2025 before it removes anything.
    out = tmp_path / "th.txt"
    _build_script().main(out)
    assert out.read_bytes() == SHIPPED.read_bytes()


def test_entropy_of_a_thai_codename() -> None:
    words = wordlist(Language.TH)
    assert len(words.words) == SIZE
    assert words.length == LENGTH
    assert LENGTH * math.log2(SIZE) >= codename.MIN_BITS  # 8 × 12.632 = 101.1 bits
    assert (LENGTH - 1) * math.log2(SIZE) < codename.MIN_BITS  # so seven would not do
    assert words.bits == pytest.approx(101.05, abs=0.01)
    assert len(generate(Language.TH).split(" ")) == LENGTH


def test_no_two_words_differ_only_by_a_tone_mark() -> None:
    # Decision 092: of each group of tone-mark twins only the most frequent word is kept.
    words = wordlist(Language.TH).words
    toneless = {w.translate(str.maketrans("", "", TONE_MARKS)) for w in words}
    assert len(toneless) == len(words)


def test_removed_words_are_gone_and_nothing_was_refilled() -> None:
    build = _build_script()
    removals = build.load_removals(build.REMOVALS)
    assert set(build.REASONS) >= set(removals.values())
    words = set(wordlist(Language.TH).words)
    assert not words & set(removals)
    for gone in ["ร็อก", "ร็อค", "เซต", "เซ็ต", "เซ็ท", "วิดีโอ", "วีดีโอ", "คทา", "คฑา"]:
        assert gone not in words  # the variant groups the review named, every spelling
    for gone in ["ลิฟต์", "ลิฟท์", "ญี่ปุ่น", "เชียงใหม่", "ภูเก็ต", "กะเทย", "ขอเดชะ"]:
        assert gone not in words
    # No refill: every word was already on the list of 2025 (stage 1's digest is pinned).
    assert build.BASE_SHA256 == "beb423a5806415e65a912fcd05277b8f52d928a68e8f36c6edb585a2154959bc"


def test_variant_fold_groups_the_usual_loanword_spellings() -> None:
    key = _build_script().variant_key
    for group in [("ร็อก", "ร็อค"), ("เซต", "เซ็ต", "เซ็ท"), ("วิดีโอ", "วีดีโอ"), ("คทา", "คฑา")]:
        assert len({key(w) for w in group}) == 1, group
    assert key("ลิฟต์") == key("ลิฟท์")
    assert key("กาแฟ") != key("กาฟ")
