#!/usr/bin/env python3
"""Build crypto/wordlists/th.txt, the Thai codename wordlist, from PyThaiNLP's corpora.

Pinned source: pythainlp==5.4.0 (the script refuses any other version, and checks the
SHA-256 of every corpus file it reads). Sources, all CC0-1.0 per the package's
pythainlp/corpus/corpus_license.md:
  tnc_freq.txt     word frequencies from the Thai National Corpus (ranking)
  words_th.txt     PyThaiNLP's Thai dictionary (a candidate must be a dictionary word)
  stopwords_th.txt Thai stop words (dropped: function words make poor codenames)

Rebuild:
  python3 -m venv /tmp/v && /tmp/v/bin/pip install pythainlp==5.4.0
  /tmp/v/bin/python scripts/build_thai_wordlist.py

Deterministic: candidates are ranked by (-frequency, word), the TARGET most frequent that
pass every filter are kept, and the output is sorted by code point. The rules are described
in crypto/wordlists/README.md; canonical_thai() is the normalisation codenames use.
"""

from __future__ import annotations

import hashlib
import importlib.util
import math
import sys
import unicodedata
from collections import Counter
from collections.abc import Iterable
from importlib import metadata
from importlib.resources import files
from pathlib import Path
from types import ModuleType

PYTHAINLP_VERSION = "5.4.0"
CORPUS_SHA256 = {
    "tnc_freq.txt": "554984d62e8735e2705bb30b06096d5710d0c9011e340ab717134e10d6dd0dda",
    "words_th.txt": "35f65d43ea83b5b981134d5edc3b9afcb64b4ba96146900fc4d312f2940c3265",
    "stopwords_th.txt": "da7fb61b346e4a7a2e6ad589bb27c291b2258351a2eff020f85fbc74b64abc73",
}
TARGET = 7776  # 6**5
MIN_WORDS = 4096
MIN_LEN, MAX_LEN = 2, 8  # length in code points (= keystrokes on a Thai keyboard)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crypto" / "wordlists" / "th.txt"
EN = ROOT / "crypto" / "wordlists" / "en.txt"
DENYLIST = Path(__file__).resolve().parent / "thai_denylist.txt"


def _load_codename_module() -> ModuleType:
    # By file path: the `crypto` package needs PyNaCl, which this throwaway venv lacks, and
    # codename.py itself is standard library only. One canonicalisation, shared.
    spec = importlib.util.spec_from_file_location("codename", ROOT / "crypto" / "codename.py")
    if spec is None or spec.loader is None:
        sys.exit("cannot load crypto/codename.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


_codename = _load_codename_module()
canonical_thai = _codename.canonical_thai
TONE_MARKS: str = _codename.TONE_MARKS
MARK_CLASS: dict[str, int] = _codename.MARK_CLASS
MAITAIKHU, SARA_E = "\u0e47", "\u0e40"

# Allowed: U+0E01..U+0E4E minus symbols, digits and rare or easily confused letters.
EXCLUDED_CHARS = frozenset(
    "\u0e03\u0e05\u0e0c\u0e24\u0e26"  # ฃ ฅ ฌ ฤ ฦ: obsolete, rare or easily confused
    "\u0e2f\u0e45\u0e46\u0e3f"  # ฯ ๅ ๆ ฿: abbreviation, lakkhangyao, repetition, baht
    "\u0e3a\u0e4d\u0e4e\u0e4f"  # ฺ ํ ๎ ๏: phinthu, bare nikhahit, yamakkan, fongman
)
ALLOWED_CHARS = frozenset(chr(c) for c in range(0x0E01, 0x0E4F)) - EXCLUDED_CHARS


def mark_runs(word: str) -> list[str]:
    """The runs of combining marks in word, one per base character (empty runs included)."""
    runs: list[str] = []
    for ch in word:
        if ch in MARK_CLASS:
            if not runs:
                return ["!"]  # a mark with no base: never valid
            runs[-1] += ch
        else:
            runs.append("")
    return runs


def marks_ok(word: str) -> bool:
    """At most one mark of each class per base; maitaikhu never with a tone or vowel mark."""
    for run in mark_runs(word):
        if run == "!" or any(Counter(MARK_CLASS[c] for c in run)[k] > 1 for k in range(3)):
            return False
        if MAITAIKHU in run and any(MARK_CLASS[c] < 2 and c != MAITAIKHU for c in run):
            return False
    return True


def read_corpus(name: str) -> str:
    """Read a file bundled with pythainlp.corpus, checking its pinned SHA-256."""
    data = files("pythainlp.corpus").joinpath(name).read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    if digest != CORPUS_SHA256[name]:
        sys.exit(f"{name}: SHA-256 {digest} is not the pinned {CORPUS_SHA256[name]}")
    return data.decode("utf-8-sig")


def lines(text: str) -> Iterable[str]:
    return (line.strip() for line in text.splitlines() if line.strip())


def load_denylist(path: Path) -> tuple[frozenset[str], tuple[str, ...]]:
    """Exact words and substring stems ("*stem") from the denylist file."""
    exact: set[str] = set()
    stems: set[str] = set()
    for raw in path.read_text(encoding="utf-8").splitlines():
        entry = unicodedata.normalize("NFC", raw.split("#", 1)[0].strip())
        if entry.startswith("*"):
            stems.add(entry[1:])
        elif entry:
            exact.add(entry)
    return frozenset(exact), tuple(sorted(stems))


def main() -> None:
    version = metadata.version("pythainlp")
    if version != PYTHAINLP_VERSION:
        sys.exit(f"pythainlp {version} installed; this build is pinned to {PYTHAINLP_VERSION}")
    freqs: dict[str, int] = {}
    for line in lines(read_corpus("tnc_freq.txt")):
        word, freq = line.split("\t")
        freqs[word] = freqs.get(word, 0) + int(freq)
    dictionary = frozenset(lines(read_corpus("words_th.txt")))
    stopwords = frozenset(lines(read_corpus("stopwords_th.txt")))
    deny_exact, deny_stems = load_denylist(DENYLIST)

    dropped: Counter[str] = Counter()
    candidates: list[tuple[int, str]] = []
    for word, count in freqs.items():
        if word not in dictionary:
            reason = "not in words_th.txt"
        elif unicodedata.normalize("NFC", word) != word:
            reason = "not NFC"
        elif not set(word) <= ALLOWED_CHARS:
            reason = "space, non-Thai, rare or confusable character"
        elif not MIN_LEN <= len(word) <= MAX_LEN:
            reason = f"length outside {MIN_LEN}-{MAX_LEN}"
        elif not marks_ok(word) or SARA_E + SARA_E in word:
            reason = "invalid or ambiguous mark stack"
        elif canonical_thai(word) != word:
            reason = "not canonical (mark order)"
        elif word in stopwords:
            reason = "stop word"
        elif word in deny_exact or any(stem in word for stem in deny_stems):
            reason = "denylist"
        else:
            candidates.append((-count, word))
            continue
        dropped[reason] += 1
    candidates.sort()
    kept = candidates[:TARGET]
    words = sorted(word for _, word in kept)

    if len(words) < MIN_WORDS:
        sys.exit(f"only {len(words)} words pass the filters; need at least {MIN_WORDS}")
    if len(set(words)) != len(words) or len({canonical_thai(w) for w in words}) != len(words):
        sys.exit("duplicate words after canonicalisation")
    if any(canonical_thai(w) != w for w in words):
        sys.exit("a kept word is not a fixed point of canonical_thai")
    if EN.exists() and set(words) & set(EN.read_text(encoding="utf-8").split()):
        sys.exit("th.txt and en.txt share a word")

    data = "".join(w + "\n" for w in words).encode("utf-8")
    OUT.write_bytes(data)
    for reason, n in sorted(dropped.items()):
        print(f"dropped {n:6d}  {reason}", file=sys.stderr)
    print(
        f"candidates {len(candidates)}; kept {len(words)}; lowest kept TNC frequency "
        f"{-kept[-1][0]}",
        file=sys.stderr,
    )
    print(f"bits/word {math.log2(len(words)):.3f}", file=sys.stderr)
    print(f"{hashlib.sha256(data).hexdigest()}  {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
