"""Thai terms follow docs/GLOSSARY.md everywhere a person reads Thai."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from cli.commands import DEV_DESK
from workstation.strings import MESSAGES

ROOT = Path(__file__).resolve().parent.parent
GLOSSARY = ROOT / "docs" / "GLOSSARY.md"
THAI = re.compile(r"[\u0e00-\u0e7f]")


@dataclass(frozen=True)
class Term:
    english: str
    thai: str
    banned: tuple[str, ...]
    allowed: tuple[str, ...]


def _cell(text: str) -> tuple[str, ...]:
    return tuple(word.strip() for word in text.split(";") if word.strip())


def terms() -> list[Term]:
    """Read the glossary's first table (English | Thai | never | allowed)."""
    text = GLOSSARY.read_text(encoding="utf-8")
    table = text.split("## Terms", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in table.splitlines() if line.startswith("|")][2:]
    found = []
    for row in rows:
        cells = [cell.strip() for cell in row.strip().strip("|").split("|")]
        english, thai, banned, allowed = cells
        found.append(Term(english, thai, _cell(banned), _cell(allowed)))
    return found


def thai_texts() -> dict[str, str]:
    """Every Thai text a person reads, by where it comes from."""
    texts: dict[str, str] = {}
    with (ROOT / "webcommon/translations/th/LC_MESSAGES/messages.po").open("rb") as f:
        for message in read_po(f, locale="th"):
            if message.id and message.string:
                texts[f"th catalog: {message.id!r}"] = str(message.string)
    for key, (_english, thai) in MESSAGES.items():
        texts[f"workstation/strings.py: {key}"] = thai
    texts["docs/WORKSTATION.md"] = (ROOT / "docs" / "WORKSTATION.md").read_text(encoding="utf-8")
    texts["cli/commands.py: DEV_DESK"] = DEV_DESK[1]
    for package in ("workstation", "cli", "core", "source_interface", "journalist_interface"):
        for path in sorted((ROOT / package).rglob("*")):
            if path.suffix in {".py", ".html"} and path.name != "strings.py":
                text = path.read_text(encoding="utf-8")
                if THAI.search(text):
                    texts[str(path.relative_to(ROOT))] = text
    for path in sorted((ROOT / "webcommon").rglob("*.html")):
        texts[str(path.relative_to(ROOT))] = path.read_text(encoding="utf-8")
    return texts


def test_the_glossary_fixes_the_issue_terms() -> None:
    by_english = {term.english.split(" (")[0]: term.thai for term in terms()}
    assert by_english["desk"] == "หน่วยงานผู้รับเรื่อง"
    assert by_english["a source's report"] == "เรื่องที่คุณแจ้ง"
    for english in ("export bundle", "the offline workstation", "passphrase", "triage"):
        assert by_english[english], english


@pytest.mark.parametrize("term", terms(), ids=lambda term: term.english)
def test_no_banned_variant_is_used(term: Term) -> None:
    offenders = []
    for where, text in thai_texts().items():
        rest = text
        for keep in (*term.allowed, term.thai):
            rest = rest.replace(keep, "")
        offenders += [f"{where}: {word}" for word in term.banned if word in rest]
    assert offenders == [], f"use {term.thai} (docs/GLOSSARY.md)"


@pytest.mark.parametrize("term", terms(), ids=lambda term: term.english)
def test_the_term_is_in_use(term: Term) -> None:
    assert any(term.thai in text for text in thai_texts().values())


def test_the_desk_is_called_by_its_term() -> None:
    with (ROOT / "webcommon/translations/th/LC_MESSAGES/messages.po").open("rb") as f:
        catalog = read_po(f, locale="th")
    desk = catalog.get("Desk")
    assert desk is not None
    assert desk.string == "หน่วยงานผู้รับเรื่อง"
    assert DEV_DESK[1].startswith("หน่วยงานผู้รับเรื่อง")
    assert MESSAGES["key_bad"][1].endswith("หน่วยงานผู้รับเรื่อง")
