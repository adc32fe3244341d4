"""Build the reviewer interface app."""

from flask import Flask, render_template

from config import Config
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
