"""Run inside a venv where the server wheel is installed: load what the apps read at run time.

tests/test_packaging.py copies this file into a temporary folder outside the checkout and runs
it with the venv's interpreter (`python -I`, so nothing of the checkout is importable). It
prints one JSON object; the assertions live in the test. Argument: a path for a fresh SQLite
database to migrate. WESTRONG_CONFIG names the development instance made by `westrong init-dev`.
"""

from __future__ import annotations

import json
import os
import sys
from typing import Any

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask

import cli
import config as config_module
import crypto
import journalist_interface
import source_interface
import store
import webcommon
from crypto import codename
from store.db import alembic_config, make_engine, migrate


def pages(app: Flask, paths: list[str]) -> dict[str, Any]:
    """GET each path in Thai and in English: status and body."""
    found: dict[str, Any] = {}
    client = app.test_client()
    for path in paths:
        for lang in ("th", "en"):
            client.set_cookie(app.extensions["westrong_cookie_names"].language, lang)
            response = client.get(path)
            found[f"{path} {lang}"] = [response.status_code, response.get_data(as_text=True)]
    return found


def main() -> None:
    """Print what the installed project found: module files, pages, codenames, migrations."""
    source_config = config_module.load_source_config(os.environ)
    reviewer_config = config_module.load_reviewer_config(os.environ)
    modules = [cli, config_module, crypto, journalist_interface, source_interface, store, webcommon]
    engine = make_engine(f"sqlite:///{sys.argv[1]}")
    migrate(engine)
    with engine.connect() as connection:
        current = sorted(MigrationContext.configure(connection).get_current_heads())
    heads = sorted(ScriptDirectory.from_config(alembic_config(engine)).get_heads())
    source = source_interface.create_app(source_config)
    reviewer = journalist_interface.create_app(reviewer_config)
    report = {
        "prefix": sys.prefix,
        "modules": {m.__name__: m.__file__ for m in modules},
        "source": pages(source, ["/", "/static/common/style.css"]),
        "reviewer": pages(reviewer, ["/login", "/api/v1/openapi.json"]),
        "codenames": {lang.value: codename.generate(lang) for lang in codename.Language},
        "migration": {"current": current, "heads": heads},
    }
    print(json.dumps(report, ensure_ascii=False))


if __name__ == "__main__":
    main()
