"""Build the reviewer interface app."""

import os

from flask import Flask, render_template

from config import Config, load_config
from webcommon.app import base_app
from webcommon.i18n import init_i18n


def create_app(config: Config) -> Flask:
    """Return the reviewer interface for this configuration."""
    app = base_app(__name__, config, config.journalist_secret_key)
    init_i18n(app)

    @app.get("/")
    def index() -> str:
        return render_template("reviewer_index.html")

    return app


def from_environment() -> Flask:
    """Build the app from WESTRONG_* variables: the WSGI entry point, e.g. for gunicorn
    `'journalist_interface.app:from_environment()'`."""
    return create_app(load_config(os.environ))
