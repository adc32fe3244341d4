"""Build the source interface app."""

from flask import Flask, render_template

from config import Config
from webcommon.app import base_app


def create_app(config: Config) -> Flask:
    """Return the source interface for this configuration."""
    app = base_app(__name__, config, config.source_secret_key)

    @app.get("/")
    def index() -> str:
        return render_template("source_index.html")

    return app
