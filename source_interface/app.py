"""Build the source interface app."""

import os
from typing import Any

from flask import Flask, render_template, url_for
from flask_wtf.csrf import CSRFProtect
from sqlalchemy.exc import SQLAlchemyError

from config import SourceConfig, load_source_config
from crypto.errors import BusyError
from crypto.gate import Gate
from source_interface.forms import LogoutForm
from source_interface.views import bp, signed_in_or_none
from source_interface.views_authorship import bp as authorship_bp
from source_interface.views_identity import bp as identity_bp
from source_interface.views_statistics import bp as statistics_bp
from webcommon.app import base_app
from webcommon.branding import init_branding
from webcommon.db import init_db
from webcommon.i18n import init_i18n

# Plain forms (login, codename) are small; only /submit streams large bodies, and it
# enforces the configured upload limit itself.
FORM_LIMIT = 1024 * 1024


def create_app(config: SourceConfig) -> Flask:
    """Return the source interface for this configuration."""
    app = base_app(__name__, config, "source")
    app.config["MAX_CONTENT_LENGTH"] = FORM_LIMIT
    app.config["WTF_CSRF_TIME_LIMIT"] = None  # a tip can take hours to write over Tor
    init_i18n(app)
    init_db(app, config.database_url)
    init_branding(app)
    app.extensions["westrong_gate"] = Gate(
        concurrency=config.kdf_concurrency,
        per_second=config.kdf_per_second,
        wait=config.kdf_wait_seconds,
        max_waiting=config.kdf_max_waiting,
    )
    csrf = CSRFProtect(app)
    app.register_blueprint(bp)
    app.register_blueprint(statistics_bp)
    app.register_blueprint(authorship_bp)
    app.register_blueprint(identity_bp)
    csrf.exempt("source_interface.views.submit")  # checks its token from the streamed body

    @app.context_processor
    def logout_button() -> dict[str, Any]:
        """Offer "log out" on every page a signed-in source sees (base.html's header)."""
        try:
            signed = signed_in_or_none()
        except SQLAlchemyError:  # an error page about the database itself
            return {}
        return {"logout_form": LogoutForm(formdata=None)} if signed is not None else {}

    @app.context_processor
    def privacy_link() -> dict[str, str]:
        # Every source page links the privacy notice (PDPA: notice at collection).
        return {"privacy_notice": url_for("source.privacy")}

    @app.errorhandler(BusyError)
    def busy(_error: BusyError) -> tuple[str, int, dict[str, str]]:
        return render_template("error.html", code=503), 503, {"Retry-After": "5"}

    return app


def from_environment() -> Flask:
    """Build the app from WESTRONG_* variables: the WSGI entry point, e.g. for gunicorn
    `'source_interface.app:from_environment()'`."""
    return create_app(load_source_config(os.environ))
