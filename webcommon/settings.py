"""This request's instance settings (the values live in core.settings)."""

from __future__ import annotations

from flask import g

from core.settings import Settings, load
from webcommon.app import current_config
from webcommon.db import db


def current() -> Settings:
    """Return this request's settings (read once per request)."""
    if "settings" not in g:
        config = current_config()
        g.settings = load(db(), config.max_upload_bytes, config.default_language)
    value: Settings = g.settings
    return value
