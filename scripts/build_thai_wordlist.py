#!/usr/bin/env python3
"""Build crypto/wordlists/th.txt, the Thai codename wordlist, from PyThaiNLP's corpora.

Pinned source: pythainlp==5.4.0 (the script refuses any other version, and checks the
SHA-256 of every corpus file it reads). Sources, all CC0-1.0 per the package's
pythainlp/corpus/corpus_license.md:
  tnc_freq.txt     word frequencies from the Thai National Corpus (ranking)
  words_th.txt     PyThaiNLP's Thai dictionary (a candidate must be a dictionary word)
  stopwords_th.txt Thai stop words (dropped: function words make poor codenames)
  countries_th.txt, thailand_provinces_th.csv  country and province names (dropped)

Rebuild:
  python3 -m venv /tmp/v && /tmp/v/bin/pip install pythainlp==5.4.0
  /tmp/v/bin/python scripts/build_thai_wordlist.py

Deterministic, in two stages. Stage 1 (the list of 2025, decision 002): candidates are
ranked by (-frequency, word) and the TARGET most frequent that pass every filter and
thai_denylist.txt form the base. Stage 2 (decision 090) only removes from that base, never
refills: countries and provinces, then each section of thai_removals.txt (read by hand), then
all but the most frequent word of each tone-mark twin group. The output is sorted by code
point. `--variants` prints the spelling-variant groups the reader works from. The rules are
described in crypto/wordlists/README.md; canonical_thai() is the normalisation codenames use.
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
    "countries_th.txt": "d51a3eb88574086126a4629fba5b4306c7cf5a3738dfceb7fa4e72ee5edfa5c9",
    "thailand_provinces_th.csv": "58b803c161f72f8db46edda332d50b43efd7e667b9ef46f21d94e51d9442cb61",
}
TARGET = 7776  # 6**5: the size of the stage-1 base, not of the output (no refill)
MIN_WORDS = 4096
# Stage 1 must give exactly the list shipped until decision 090 (th.txt of 2025): stage 2's
# removals are read against it, and every word of an old codename came from it.
BASE_SHA256 = "beb423a5806415e65a912fcd05277b8f52d928a68e8f36c6edb585a2154959bc"
MIN_LEN, MAX_LEN = 2, 8  # length in code points (= keystrokes on a Thai keyboard)

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "crypto" / "wordlists" / "th.txt"
EN = ROOT / "crypto" / "wordlists" / "en.txt"
DENYLIST = Path(__file__).resolve().parent / "thai_denylist.txt"
REMOVALS = Path(__file__).resolve().parent / "thai_removals.txt"
# Stage-2 reasons, in the order they are applied (a word counts under the first that fits).
REASONS = (
    "country or province",
    "variant",
    "name",
    "royal",
    "offensive",
    "fragment",
    "read",
    "tone twin",
)


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


def load_removals(path: Path) -> dict[str, str]:
    """Word -> reason from thai_removals.txt: "[reason]" headers, one word a line, # comments."""
    removals: dict[str, str] = {}
    reason = ""
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        entry = unicodedata.normalize("NFC", raw.split("#", 1)[0].strip())
        if entry.startswith("["):
            reason = entry.strip("[]")
            if reason not in REASONS:
                sys.exit(f"{path.name}:{number}: unknown reason {reason!r}")
        elif entry:
            if not reason or entry in removals:
                sys.exit(f"{path.name}:{number}: {entry} has no reason or is listed twice")
            removals[entry] = reason
    return removals


def without_tones(word: str) -> str:
    return "".join(c for c in word if c not in TONE_MARKS)


_VARIANT_FOLD = str.maketrans(
    dict.fromkeys("\u0e47\u0e48\u0e49\u0e4a\u0e4b")
    | {
        "\u0e11": "\u0e17",
        "\u0e06": "\u0e04",
        "\u0e35": "\u0e34",
        "\u0e39": "\u0e38",
    }
)  # drop maitaikhu and tones; ฑ→ท, ฆ→ค, long ี ู → short ิ ุ
_FINAL_FOLD = str.maketrans(
    {
        "\u0e04": "\u0e01",
        "\u0e17": "\u0e15",
        "\u0e14": "\u0e15",
        "\u0e0b": "\u0e15",
        "\u0e2a": "\u0e15",
    }
)  # final ค→ก, ท ด ซ ส→ต


def variant_key(word: str) -> str:
    """Fold the usual loanword spelling slips (ร็อก/ร็อค, ลิฟต์/ลิฟท์, วิดีโอ/วีดีโอ, คทา/คฑา)."""
    folded = "".join(
        ch for i, ch in enumerate(word) if ch != "\u0e4c" and word[i + 1 : i + 2] != "\u0e4c"
    ).translate(_VARIANT_FOLD)
    return folded[:-1] + folded[-1:].translate(_FINAL_FOLD)


def variant_groups(
    words: Iterable[str], dictionary: Iterable[str], freqs: dict[str, int]
) -> list[tuple[str, list[str]]]:
    """Each word with the dictionary words (in TNC use) it folds together with, tone twins apart."""
    by_key: dict[str, set[str]] = {}
    for other in dictionary:
        if freqs.get(other, 0) >= 3:
            by_key.setdefault(variant_key(other), set()).add(other)
    groups = []
    for word in words:
        others = sorted(
            (
                o
                for o in by_key.get(variant_key(word), ())
                if without_tones(o) != without_tones(word)
            ),
            key=lambda o: (-freqs.get(o, 0), o),
        )
        if others:
            groups.append((word, others))
    return groups


def main(out: Path = OUT) -> None:
    """Build the list into out (th.txt by default); the test builds it into a temporary file."""
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
    base = sorted(word for _, word in kept)
    base_digest = hashlib.sha256("".join(w + "\n" for w in base).encode("utf-8")).hexdigest()
    if base_digest != BASE_SHA256:
        sys.exit(f"stage 1 gives {base_digest}, not the list of 2025 ({BASE_SHA256})")
    if "--variants" in sys.argv[1:]:
        for word, others in variant_groups(base, dictionary, freqs):
            print(word, freqs[word], " ".join(f"{o}:{freqs.get(o, 0)}" for o in others))
        return

    places = set(lines(read_corpus("countries_th.txt")))
    places |= {line.split(",", 1)[0] for line in lines(read_corpus("thailand_provinces_th.csv"))}
    removals = load_removals(REMOVALS)
    removed: Counter[str] = Counter()
    survivors = []
    for word in base:
        reason = "country or province" if word in places else removals.get(word)
        if reason:
            removed[reason] += 1
        else:
            survivors.append(word)
    # Tone-mark twins (decision 092): keep the most frequent of each group, drop the others.
    twins: dict[str, list[str]] = {}
    for word in survivors:
        twins.setdefault(without_tones(word), []).append(word)
    words = []
    for group in twins.values():
        group.sort(key=lambda w: (-freqs[w], w))
        words.append(group[0])
        removed["tone twin"] += len(group) - 1
    words.sort()
    unused = sorted(set(removals) - set(base))
    if unused:
        sys.exit(f"thai_removals.txt lists words not in the base list: {' '.join(unused[:20])}")

    if len(words) < MIN_WORDS:
        sys.exit(f"only {len(words)} words pass the filters; need at least {MIN_WORDS}")
    if len(set(words)) != len(words) or len({canonical_thai(w) for w in words}) != len(words):
        sys.exit("duplicate words after canonicalisation")
    if any(canonical_thai(w) != w for w in words):
        sys.exit("a kept word is not a fixed point of canonical_thai")
    if EN.exists() and set(words) & set(EN.read_text(encoding="utf-8").split()):
        sys.exit("th.txt and en.txt share a word")

    data = "".join(w + "\n" for w in words).encode("utf-8")
    out.write_bytes(data)
    for reason, n in sorted(dropped.items()):
        print(f"dropped {n:6d}  {reason}", file=sys.stderr)
    print(
        f"candidates {len(candidates)}; base {len(base)}; lowest base TNC frequency {-kept[-1][0]}",
        file=sys.stderr,
    )
    for reason in REASONS:
        print(f"removed {removed[reason]:6d}  {reason}", file=sys.stderr)
    per_word = math.log2(len(words))
    length = math.ceil(_codename.MIN_BITS / per_word)
    print(
        f"kept {len(words)}; bits/word {per_word:.3f}; "
        f"{length} words = {length * per_word:.1f} bits",
        file=sys.stderr,
    )
    print(f"{hashlib.sha256(data).hexdigest()}  {out.name}")


if __name__ == "__main__":
    main()
