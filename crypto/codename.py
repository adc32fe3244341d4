"""Diceware codenames in English or Thai, and the normal form that all input is reduced to.

The normal form drops every separator, so "word word", "word  word", "wordword" and a Thai
codename typed without spaces (Thai is written without them) all open the same account.
"""

from __future__ import annotations

import math
import secrets
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import cache
from importlib import resources

MIN_BITS = 90


class Language(StrEnum):
    """The wordlists a codename can be drawn from."""

    EN = "en"
    TH = "th"


@dataclass(frozen=True)
class Wordlist:
    """A list of unique words and how many of them make a codename of MIN_BITS or more."""

    language: Language
    words: tuple[str, ...]

    @property
    def bits_per_word(self) -> float:
        """Return the entropy one uniformly drawn word adds."""
        return math.log2(len(self.words))

    @property
    def length(self) -> int:
        """Return the number of words a codename needs to reach MIN_BITS."""
        return math.ceil(MIN_BITS / self.bits_per_word)

    @property
    def bits(self) -> float:
        """Return the entropy of a whole codename."""
        return self.length * self.bits_per_word


@cache
def wordlist(language: Language) -> Wordlist:
    """Load a bundled wordlist (crypto/wordlists/<language>.txt)."""
    text = resources.files("crypto").joinpath(f"wordlists/{language.value}.txt").read_text("utf-8")
    words = tuple(w for w in text.splitlines() if w)
    if len(set(words)) != len(words) or any(normalize(w) != w.replace("-", "") for w in words):
        raise ValueError(f"wordlist {language} has duplicate or non-normal words")
    return Wordlist(language, words)


def generate(language: Language = Language.TH) -> str:
    """Return a fresh codename: words drawn uniformly with the OS CSPRNG, space-separated."""
    words = wordlist(language)
    return " ".join(secrets.choice(words.words) for _ in range(words.length))


def designation() -> str:
    """Return a random two-word name for reviewers to call a case by (not a secret).

    Two EFF words: 60 million combinations, so the store's uniqueness retry is rarely needed.
    """
    words = wordlist(Language.EN).words
    return f"{secrets.choice(words)} {secrets.choice(words)}"


# Zero-width characters that Thai input methods and copy-paste insert between words.
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad"))
_SEPARATORS = "-\u2010\u2011\u2012\u2013\u2014\u2212_.,"

# Thai combining marks, in the order the canonical form puts them after a base letter.
VOWEL_MARKS = "\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47"  # ั ิ ี ึ ื ุ ู ฺ ็
TONE_MARKS = "\u0e48\u0e49\u0e4a\u0e4b"  # ่ ้ ๊ ๋
OTHER_MARKS = "\u0e4c\u0e4d\u0e4e"  # ์ ํ ๎
MARK_CLASS = {c: 0 for c in VOWEL_MARKS} | {c: 1 for c in TONE_MARKS} | {c: 2 for c in OTHER_MARKS}
_SARA_AM, _NIKHAHIT, _SARA_AA = "\u0e33", "\u0e4d", "\u0e32"
_SARA_E, _SARA_AE = "\u0e40", "\u0e41"


def canonical_thai(text: str) -> str:
    """Return one spelling for Thai text that looks the same however it was typed.

    Thai keyboards accept a tone mark before or after an upper vowel, a mark typed twice, a
    tone mark after SARA AM (นำ้ for น้ำ), SARA AM as NIKHAHIT + SARA AA, and SARA AE as two
    SARA E; each pair renders alike, so each must open the same codename. Steps: split SARA AM;
    cut into clusters (a base and the marks after it); move tone marks typed after a SARA AM's
    SARA AA back onto its base; sort each run vowel marks, tone marks, others, keeping a
    repeated mark once; fold NIKHAHIT + SARA AA to SARA AM and SARA E twice to SARA AE.
    """
    text = unicodedata.normalize("NFC", text).replace(_SARA_AM, _NIKHAHIT + _SARA_AA)
    clusters: list[tuple[str, list[str]]] = [("", [])]  # marks before any base stay first
    for char in text:
        if char in MARK_CLASS:
            clusters[-1][1].append(char)
        else:
            clusters.append((char, []))
    for i in range(len(clusters) - 1, 0, -1):  # right to left, so moves cascade
        (base, run), previous = clusters[i], clusters[i - 1][1]
        if base == _SARA_AA and _NIKHAHIT in previous:
            previous.extend(c for c in run if c in TONE_MARKS)
            run[:] = [c for c in run if c not in TONE_MARKS]
    text = "".join(
        base + "".join(dict.fromkeys(sorted(run, key=MARK_CLASS.__getitem__)))
        for base, run in clusters
    )
    text = text.replace(_NIKHAHIT + _SARA_AA, _SARA_AM)
    while _SARA_E + _SARA_E in text:
        text = text.replace(_SARA_E + _SARA_E, _SARA_AE)
    return unicodedata.normalize("NFC", text)


def normalize(codename: str) -> str:
    """Return the normal form of a typed codename: what the key derivation sees."""
    # NFKC folds full-width Latin and compatibility forms (it splits SARA AM; we fold it back).
    text = unicodedata.normalize("NFKC", codename).translate(_INVISIBLE).casefold()
    for separator in _SEPARATORS:
        text = text.replace(separator, " ")
    text = "".join(text.split())
    return unicodedata.normalize("NFC", canonical_thai(text))
