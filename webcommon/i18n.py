"""Thai (default) and English: one catalog for both apps, chosen by a session cookie.

Tor Browser sends the same Accept-Language for everyone, so it says nothing; the language is
the instance default until the person picks the other one with a plain link (no JavaScript).
"""

from __future__ import annotations

from pathlib import Path

from flask import Flask, current_app, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

LANGUAGES = ("th", "en")
COOKIE = "lang"
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def _select() -> str:
    chosen = request.cookies.get(COOKIE, "")
    if chosen in LANGUAGES:
        return chosen
    from webcommon.settings import current

    return current().default_language


def current_language() -> str:
    """Return the language of this request ("th" or "en")."""
    return str(get_locale() or "th")


def _safe_next(target: str | None) -> str:
    # Only a local path: an open redirect would let a link send a source anywhere.
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/"
    return target


def switch_language(code: str) -> Response:
    """Set the language cookie (for this browser session only) and go back."""
    response = redirect(_safe_next(request.args.get("next")), code=303)
    if code in LANGUAGES:
        cfg = current_app.config
        response.set_cookie(
            COOKIE,
            code,
            httponly=True,
            samesite="Strict",
            secure=bool(cfg.get("SESSION_COOKIE_SECURE")),
        )
    return response


def init_i18n(app: Flask) -> None:
    """Attach Flask-Babel and the language switch route."""
    Babel(app, locale_selector=_select, default_translation_directories=str(TRANSLATIONS))
    app.add_url_rule("/language/<code>", "language", switch_language)

    @app.context_processor
    def languages() -> dict[str, str]:
        lang = current_language()
        return {"lang": lang, "other_lang": "en" if lang == "th" else "th"}
