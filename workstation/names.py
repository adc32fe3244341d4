"""Safe names for what the workstation writes: every name that came from a bundle is hostile.

FORMAT.md §4: no path separators, no control characters, no leading dots, at most 200 bytes of
UTF-8, and never overwrite (a numeric suffix is added; see `workstation.output`). Thai names
are kept as they are, in NFC.
"""

from __future__ import annotations

import unicodedata

MAX_BYTES = 200
# Characters Windows and FAT forbid: officers copy opened files to USB sticks for office PCs.
_FORBIDDEN = frozenset('/\\:*?"<>|')
# Control, format (bidi overrides that fake extensions, zero-width), surrogate, private-use,
# unassigned and line/paragraph separator characters.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_RESERVED = frozenset(
    {"con", "prn", "aux", "nul"}
    | {f"com{i}" for i in range(1, 10)}
    | {f"lpt{i}" for i in range(1, 10)}
)


def _clean_chars(text: str) -> str:
    out = []
    for char in unicodedata.normalize("NFC", text):
        category = unicodedata.category(char)
        if char in _FORBIDDEN:
            out.append("_")
        elif category in _DROPPED_CATEGORIES:
            continue
        elif category == "Zs":
            out.append(" ")  # no-break and other odd spaces become plain spaces
        else:
            out.append(char)
    return "".join(out)


def _truncate(text: str, limit: int) -> str:
    """Cut to at most `limit` bytes of UTF-8 without splitting a character or a Thai cluster."""
    data = text.encode("utf-8")
    if len(data) <= limit:
        return text
    cut = data[:limit].decode("utf-8", "ignore")
    # A combining mark (Thai vowel or tone mark) alone at the end would render as a stray mark.
    while cut and unicodedata.category(cut[-1]) in {"Mn", "Mc"}:
        cut = cut[:-1]
    return cut


def split_extension(name: str) -> tuple[str, str]:
    """Split `name.ext` into ("name", ".ext"); a short, dot-free ASCII tail counts as one."""
    stem, dot, ext = name.rpartition(".")
    if dot and stem and 0 < len(ext) <= 10 and ext.isascii() and ext.isalnum():
        return stem, "." + ext
    return name, ""


def sanitise(name: object, fallback: str, limit: int = MAX_BYTES) -> str:
    """Return a single safe file name from an untrusted one, or `fallback` if nothing is left."""
    text = _clean_chars(name) if isinstance(name, str) else ""
    text = text.lstrip(". ").rstrip(". ")
    if not text:
        text = fallback
    stem, ext = split_extension(text)
    if stem.lower() in _RESERVED:
        stem = "_" + stem
    stem = _truncate(stem, limit - len(ext)).rstrip(". ") or fallback
    return stem + ext


def with_suffix(name: str, number: int, limit: int = MAX_BYTES) -> str:
    """Return `name` with `-number` before its extension, still within the byte limit."""
    stem, ext = split_extension(name)
    tail = f"-{number}{ext}"
    return _truncate(stem, limit - len(tail.encode("utf-8"))) + tail


def printable(text: object, limit: int = 120) -> str:
    """Return a one-line rendering of untrusted text that is safe to print to a terminal."""
    raw = text if isinstance(text, str) else repr(text)
    out = []
    for char in raw:
        category = unicodedata.category(char)
        if category in _DROPPED_CATEGORIES:
            out.append(f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}")
        else:
            out.append(char)
    shown = "".join(out)
    return shown if len(shown) <= limit else shown[: limit - 1] + "…"
