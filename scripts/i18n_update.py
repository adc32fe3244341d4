#!/usr/bin/env python3
"""Extract translatable strings and update the Thai and English catalogs.

    .venv/bin/python scripts/i18n_update.py

English is the source language: its catalog is filled with msgstr = msgid where empty, so
wording can be edited in the catalog without touching code. New Thai strings are left empty
(and `make test` fails until they are translated).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po, write_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "webcommon" / "translations"
POT = TRANSLATIONS / "messages.pot"
PACKAGES = ["core", "source_interface", "journalist_interface", "webcommon"]
BIN = Path(sys.executable).parent


def main() -> None:
    subprocess.run(
        [
            str(BIN / "pybabel"),
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "--no-location",
            "--sort-output",
            "--omit-header",
            "-o",
            str(POT),
            *PACKAGES,
        ],
        cwd=ROOT,
        check=True,
    )
    for lang in ("th", "en"):
        po = TRANSLATIONS / lang / "LC_MESSAGES" / "messages.po"
        command = "update" if po.exists() else "init"
        args = ["-i", str(POT), "-d", str(TRANSLATIONS), "-l", lang]
        if command == "update":
            args += ["--no-fuzzy-matching", "--ignore-obsolete"]
        subprocess.run([str(BIN / "pybabel"), command, *args], cwd=ROOT, check=True)
    english = TRANSLATIONS / "en" / "LC_MESSAGES" / "messages.po"
    with english.open("rb") as f:
        catalog = read_po(f, locale="en")
    for message in catalog:
        if isinstance(message.id, tuple):  # a plural: English's two forms are the msgids
            if not all(message.string):
                message.string = message.id
        elif message.id and not message.string:
            message.string = message.id
    with english.open("wb") as f:
        write_po(f, catalog, omit_header=False, no_location=True, sort_output=True)


if __name__ == "__main__":
    main()
