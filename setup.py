"""Build hook: compile the Thai and English catalogs into every wheel (decision 025).

The compiled catalogs (.mo) are build output, so git ignores them; a wheel built from a fresh
clone or an sdist would otherwise render every page in English. `build_py` compiles each
`webcommon/translations/*/LC_MESSAGES/messages.po` into the build tree, and the build fails,
saying which file, when a catalog is missing, marked fuzzy or has errors.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from setuptools import setup
from setuptools.command.build_py import build_py

CATALOGS = Path("webcommon", "translations")
LANGUAGES = ("th", "en")


class CatalogError(Exception):
    """A catalog cannot go into the wheel; the message says which and why."""


def compile_catalog(po: Path, mo: Path) -> None:
    """Compile one .po file into a .mo file, refusing fuzzy or broken catalogs."""
    if not po.is_file():
        raise CatalogError(f"{po} is missing: the wheel needs every language's catalog")
    with po.open("rb") as f:
        catalog = read_po(f, locale=po.parent.parent.name)
    if catalog.fuzzy:
        raise CatalogError(f"{po} is marked fuzzy: review it before building")
    problems = [f"{message.id!r}: {errors}" for message, errors in catalog.check()]
    if problems:
        raise CatalogError(f"{po} has errors: " + "; ".join(problems))
    mo.parent.mkdir(parents=True, exist_ok=True)
    with mo.open("wb") as f:
        write_mo(f, catalog, use_fuzzy=False)


class BuildWithCatalogs(build_py):
    """Copy the packages, then compile the catalogs next to their .po files."""

    def run(self) -> None:
        super().run()
        for language in LANGUAGES:
            relative = CATALOGS / language / "LC_MESSAGES"
            compile_catalog(relative / "messages.po", Path(self.build_lib, relative, "messages.mo"))

    def get_outputs(self, include_bytecode: bool = True) -> list[str]:
        mos = [
            str(Path(self.build_lib, CATALOGS, lang, "LC_MESSAGES", "messages.mo"))
            for lang in LANGUAGES
        ]
        return [*super().get_outputs(include_bytecode), *mos]


setup(cmdclass={"build_py": BuildWithCatalogs})
