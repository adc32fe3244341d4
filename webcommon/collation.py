"""Thai dictionary order (the Royal Institute's), for lists a Thai reader scans.

Unicode puts the vowels written before a consonant (เ แ โ ใ ไ) after every consonant, so
เชียงใหม่ would sort after อุบลราชธานี. Thai dictionary order reads such a vowel after its
consonant (เชียงใหม่ files under ช) and compares tone marks and other signs only when the
letters are equal. This is the part of ICU's Thai collation our lists need, without a
compiled dependency (docs/decisions/070).
"""

from __future__ import annotations

_LEADING_VOWELS = frozenset("เแโใไ")
# Tone marks, mai taikhu, thanthakhat, nikhahit, yamakkan: secondary differences only.
_SIGNS = frozenset("\u0e47\u0e48\u0e49\u0e4a\u0e4b\u0e4c\u0e4d\u0e4e")


def _reorder(text: str) -> str:
    letters = list(text)
    i = 0
    while i < len(letters) - 1:
        if letters[i] in _LEADING_VOWELS:
            letters[i], letters[i + 1] = letters[i + 1], letters[i]
            i += 2
        else:
            i += 1
    return "".join(letters)


def thai_key(text: str) -> tuple[str, str]:
    """Return a sort key that puts Thai words in dictionary order (then by their signs)."""
    reordered = _reorder(text.casefold())
    return ("".join(c for c in reordered if c not in _SIGNS), reordered)


def sort_for(language: str, items: list[str]) -> list[str]:
    """Return the items in the order a reader of `language` expects."""
    return sorted(items, key=thai_key if language == "th" else str.casefold)
