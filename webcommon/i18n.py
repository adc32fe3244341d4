"""Thai (default) and English: one catalog for both apps, chosen by a session cookie.

Tor Browser sends the same Accept-Language for everyone, so it says nothing; the language is
the instance default until the person picks the other one with a plain link (no JavaScript).
"""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import quote, urlsplit

from flask import Flask, current_app, redirect, request
from flask_babel import Babel, get_locale
from werkzeug.wrappers import Response

from webcommon.cookies import cookie_names
from webcommon.dates import format_clock, format_day, format_moment

LANGUAGES = ("th", "en")
TRANSLATIONS = Path(__file__).resolve().parent / "translations"


def _select() -> str:
    chosen = request.cookies.get(cookie_names().language, "")
    if chosen in LANGUAGES:
        return chosen
    from webcommon.settings import current

    return current().default_language


def current_language() -> str:
    """Return the language of this request ("th" or "en")."""
    return str(get_locale() or "th")


# Control characters (C0, DEL) and the backslash: browsers and Werkzeug drop tabs and newlines
# from a URL and read "\\" as "/", so any of them could turn a path into "//host".
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\\]")
_MAX_NEXT = 2048


def _safe_next(target: str | None) -> str:
    """Return target as a same-site absolute path, or "/" when it is anything else.

    An open redirect would let a link send a source anywhere, so the value is parsed and
    rebuilt rather than pattern-checked: anything with a scheme, a host, control characters
    or a backslash is refused, only the path is kept, and it is returned percent-encoded
    ASCII that Werkzeug and every browser read the same way.
    """
    if not target or len(target) > _MAX_NEXT or _UNSAFE.search(target):
        return "/"
    if not target.startswith("/") or target.startswith("//"):
        return "/"
    parts = urlsplit(target)
    path = parts.path
    if parts.scheme or parts.netloc or not path.startswith("/") or path.startswith("//"):
        return "/"
    return quote(path, safe="/%:@!$&'()*+,;=-._~")


def switch_language(code: str) -> Response:
    """Set the language cookie (for this browser session only) and go back."""
    response = redirect(_safe_next(request.args.get("next")), code=303)
    if code in LANGUAGES:
        cfg = current_app.config
        response.set_cookie(
            cookie_names().language,
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
    # Dates in the page's language: Thai form and Buddhist era on Thai pages.
    app.jinja_env.filters["day"] = lambda value: format_day(value, current_language())
    app.jinja_env.filters["moment"] = lambda value: format_moment(value, current_language())
    app.jinja_env.filters["clock"] = lambda value: format_clock(value, current_language())

    @app.context_processor
    def languages() -> dict[str, str]:
        lang = current_language()
        return {"lang": lang, "other_lang": "en" if lang == "th" else "th"}
