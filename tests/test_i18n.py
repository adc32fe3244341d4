"""Thai and English catalogs are complete: every string in the code is translated."""

import re
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["core", "source_interface", "journalist_interface", "webcommon"]
METHODS = [("**.py", "python"), ("**/templates/**.html", "jinja2")]
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
PLACEHOLDER = re.compile(r"%\((\w+)\)s")


def extracted() -> set[str]:
    ids: set[str] = set()
    for package in PACKAGES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package, METHODS, keywords=KEYWORDS
        ):
            ids.add(message if isinstance(message, str) else message[0])
    return ids


def test_extraction_finds_the_interface_strings() -> None:
    ids = extracted()
    assert "Report corruption safely" in ids
    assert len(ids) > 100


@pytest.mark.parametrize("lang", ["th", "en"])
def test_catalog_is_complete(lang: str) -> None:
    path = ROOT / "webcommon" / "translations" / lang / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as f:
        catalog = read_po(f, locale=lang)
    missing, fuzzy, broken = [], [], []
    for msgid in sorted(extracted()):
        message = catalog.get(msgid)
        strings = message.string if message is not None else ""
        forms = strings if isinstance(strings, tuple) else (strings,)
        if message is None or not all(forms):  # every plural form too
            missing.append(msgid)
        elif message.fuzzy:
            fuzzy.append(msgid)
        elif set(PLACEHOLDER.findall(msgid)) != set(PLACEHOLDER.findall(str(message.string))):
            broken.append(msgid)
    assert missing == [], f"untranslated ({lang}); run scripts/i18n_update.py and translate"
    assert fuzzy == []
    assert broken == [], "placeholders differ"


@pytest.mark.parametrize("lang", ["th", "en"])
def test_compiled_catalog_is_current(lang: str) -> None:
    folder = ROOT / "webcommon" / "translations" / lang / "LC_MESSAGES"
    mo, po = folder / "messages.mo", folder / "messages.po"
    assert mo.exists(), "run `make translations`"
    assert mo.stat().st_mtime >= po.stat().st_mtime, "run `make translations`"
