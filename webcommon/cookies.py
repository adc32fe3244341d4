"""Each app's own cookie names, `__Host-` prefixed when the cookies are Secure.

Both apps may be served from one host (development, or one onion address with two ports):
cookies are per host, not per port, so equal names would overwrite each other. The `__Host-`
prefix makes the browser refuse the cookie unless it is Secure, has Path=/ and no Domain, so
neither a sibling subdomain nor a plain-HTTP page can plant or shadow it.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import Flask, current_app

_KEY = "westrong_cookie_names"


@dataclass(frozen=True)
class CookieNames:
    """The names of one app's cookies."""

    session: str  # the signed-in session token (source or reviewer)
    form: str  # Flask's session cookie: it carries only the CSRF secret
    language: str  # the chosen language


def names_for(app_name: str, secure: bool) -> CookieNames:
    """Return the cookie names of an app ("source" or "reviewer")."""
    prefix = "__Host-" if secure else ""
    short = {"source": ("sid", "src"), "reviewer": ("rsid", "rev")}[app_name]
    return CookieNames(
        session=prefix + short[0],
        form=f"{prefix}{short[1]}-form",
        language=f"{prefix}{short[1]}-lang",
    )


def init_cookies(app: Flask, app_name: str, secure: bool) -> CookieNames:
    """Name the app's cookies (Flask's session cookie included) and keep the names on it."""
    names = names_for(app_name, secure)
    app.config["SESSION_COOKIE_NAME"] = names.form
    app.config["SESSION_COOKIE_PATH"] = "/"  # what `__Host-` requires
    app.config["SESSION_COOKIE_DOMAIN"] = None
    app.extensions[_KEY] = names
    return names


def cookie_names() -> CookieNames:
    """Return the running app's cookie names."""
    names: CookieNames = current_app.extensions[_KEY]
    return names
