"""Build the reviewer interface app."""

from __future__ import annotations

import os

from flask import Flask, g, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFProtect

from config import ReviewerConfig, load_reviewer_config
from core import desks
from crypto import passphrase as passphrases
from crypto.errors import BusyError
from crypto.gate import Gate
from journalist_interface import sessions, signin
from journalist_interface.api import bp as api_bp
from journalist_interface.context import config, now
from journalist_interface.views_admin import bp as admin_bp
from journalist_interface.views_auth import bp as auth_bp
from journalist_interface.views_authorship import bp as authorship_bp
from journalist_interface.views_cases import bp as cases_bp
from journalist_interface.views_metrics import bp as metrics_bp
from journalist_interface.views_retention import bp as retention_bp
from webcommon.app import base_app
from webcommon.branding import init_branding
from webcommon.cookies import cookie_names
from webcommon.db import db, init_db
from webcommon.i18n import init_i18n

PUBLIC_ENDPOINTS = {"auth.login", "language", "logo", "static", "common.static"}
# Reachable while a desk-recipients notice waits to be acknowledged.
NOTICE_ENDPOINTS = {"auth.notices", "auth.acknowledge_notice", "auth.logout"}
FORM_LIMIT = 1024 * 1024


def create_app(config: ReviewerConfig) -> Flask:
    """Return the reviewer interface for this configuration."""
    app = base_app(__name__, config, "reviewer")
    app.config["MAX_CONTENT_LENGTH"] = FORM_LIMIT
    init_i18n(app)
    init_db(app, config.database_url, works_deletions=True)
    init_branding(app)
    # Argon2 checks cost ~64 MiB and a few hundred ms each: bound them like codename ones.
    app.extensions["westrong_signin_gate"] = Gate(concurrency=2, per_second=10)
    hasher = passphrases.make_hasher(config.passphrase_time_cost, config.passphrase_memory_kib)
    app.extensions["westrong_hasher"] = hasher
    app.extensions["westrong_dummy_hash"] = passphrases.dummy_hash(hasher)
    app.extensions["westrong_unknown_accounts"] = signin.UnknownAccounts()
    app.before_request(_read_body_first)  # before CSRF and sign-in, which open a connection
    csrf = CSRFProtect(app)
    app.register_blueprint(api_bp)
    csrf.exempt(api_bp)  # bearer tokens, never cookies: cross-site requests carry nothing
    csrf.exempt("journalist_interface.views_admin.upload_logo")  # checked from the parsed body
    app.register_blueprint(auth_bp)
    app.register_blueprint(cases_bp)
    app.register_blueprint(authorship_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(retention_bp)
    app.register_blueprint(metrics_bp)
    app.before_request(_require_sign_in)

    @app.errorhandler(BusyError)
    def busy(_error: BusyError) -> tuple[str, int, dict[str, str]]:
        return render_template("error.html", code=503), 503, {"Retry-After": "5"}

    @app.context_processor
    def signed_in() -> dict[str, object]:
        return {"me": g.get("reviewer")}

    return app


def _read_body_first() -> None:
    """Read the whole body (at most FORM_LIMIT, in memory) before anything opens a database
    connection: a reviewer's upload over a slow Tor circuit then holds no pooled connection
    while it arrives (decision 103; the source app streams instead, decision 101)."""
    request.get_data(cache=True, parse_form_data=False)


def _require_sign_in() -> ResponseReturnValue | None:
    if request.endpoint in PUBLIC_ENDPOINTS or request.endpoint is None:
        return None
    if request.blueprint == "api":  # the API authenticates with its own bearer tokens
        return None
    row = sessions.find(db(), config(), request.cookies.get(cookie_names().session), now(), "web")
    if row is None:
        return redirect(url_for("auth.login"), code=303)
    g.reviewer = row.reviewer
    if request.endpoint not in NOTICE_ENDPOINTS and desks.has_notices(db(), row.reviewer):
        return redirect(url_for("auth.notices"), code=303)
    return None


def from_environment() -> Flask:
    """Build the app from WESTRONG_* variables: the WSGI entry point, e.g. for gunicorn
    `'journalist_interface.app:from_environment()'`."""
    return create_app(load_reviewer_config(os.environ))
