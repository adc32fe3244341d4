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

# Thai combining marks, by the order the canonical form puts them in after a base letter.
_VOWEL_MARKS = frozenset("\u0e31\u0e34\u0e35\u0e36\u0e37\u0e38\u0e39\u0e3a\u0e47")
_TONE_MARKS = frozenset("\u0e48\u0e49\u0e4a\u0e4b")
_OTHER_MARKS = frozenset("\u0e4c\u0e4d\u0e4e")
_NIKHAHIT, _SARA_AA, _SARA_AM = "\u0e4d", "\u0e32", "\u0e33"


def _mark_rank(char: str) -> int:
    if char in _VOWEL_MARKS:
        return 0
    if char in _TONE_MARKS:
        return 1
    return 2


def canonical_thai(text: str) -> str:
    """Put Thai marks in one order, drop doubled marks, and fold NIKHAHIT + SARA AA to SARA AM.

    Thai keyboards let people type a tone mark before or after an upper vowel, or type a mark
    twice; the screen looks the same, so the codename must too.
    """
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        unique = []
        for mark in sorted(run, key=_mark_rank):  # sorted() is stable
            if mark not in unique:
                unique.append(mark)
        out.extend(unique)
        run.clear()

    marks = _VOWEL_MARKS | _TONE_MARKS | _OTHER_MARKS
    for char in text:
        if char in marks:
            run.append(char)
        else:
            flush()
            out.append(char)
    flush()
    return "".join(out).replace(_NIKHAHIT + _SARA_AA, _SARA_AM)


def normalize(codename: str) -> str:
    """Return the normal form of a typed codename: what the key derivation sees."""
    # NFKC folds full-width Latin and compatibility forms (it splits SARA AM; we fold it back).
    text = unicodedata.normalize("NFKC", codename).translate(_INVISIBLE).casefold()
    for separator in _SEPARATORS:
        text = text.replace(separator, " ")
    text = "".join(text.split())
    return unicodedata.normalize("NFC", canonical_thai(text))
