"""Build the reviewer interface app."""

from flask import Flask, render_template

from config import Config
from webcommon.app import base_app


def create_app(config: Config) -> Flask:
    """Return the reviewer interface for this configuration."""
    app = base_app(__name__, config, config.journalist_secret_key)

    @app.get("/")
    def index() -> str:
        return render_template("reviewer_index.html")

    return app
