"""The shared app base both interfaces are built on: one factory shape, one set of defaults."""

from __future__ import annotations

import logging
from typing import Any

from flask import Blueprint, Flask, current_app, render_template
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException
from werkzeug.routing import IntegerConverter

from config import ReviewerConfig, SourceConfig
from core.errors import Conflict, Damaged, Invalid, NotAllowed, NotFound
from store.blobs import BlobStore
from store.db import is_disk_full
from webcommon.bodyguard import guard
from webcommon.cookies import init_cookies
from webcommon.db import disk_full, mark_failed
from webcommon.headers import add_security_headers
from webcommon.requests import NoSpoolRequest

log = logging.getLogger(__name__)

# Shared templates (base layout, error page) and static files (one stylesheet, no fonts).
shared = Blueprint(
    "common",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/static/common",
)


class IdConverter(IntegerConverter):
    """A database id in a URL: 1 to 2^31-1, so a guessed huge number is a 404, not a crash."""

    def __init__(self, map: Any) -> None:
        super().__init__(map, min=1, max=2**31 - 1)


WebConfig = SourceConfig | ReviewerConfig
# Use-case errors that reach the boundary: the same page as the HTTP error they stand for.
CORE_ERRORS: dict[type[Exception], int] = {
    NotFound: 404,
    Invalid: 400,
    Conflict: 409,
    NotAllowed: 403,
    Damaged: 500,
}


def base_app(import_name: str, config: WebConfig, app_name: str) -> Flask:
    """Build a Flask app with the shared security defaults; the interface adds its views."""
    app = Flask(import_name)
    app.request_class = NoSpoolRequest
    app.url_map.converters["id"] = IdConverter
    app.config.update(
        SECRET_KEY=config.secret_key,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        SESSION_COOKIE_SECURE=config.secure_cookies,
        MAX_CONTENT_LENGTH=config.max_upload_bytes,
    )
    init_cookies(app, app_name, config.secure_cookies)
    app.extensions["westrong_config"] = config
    blobs = BlobStore(config.store_root)
    # Temporary files of writes that a crash or a kill cut short (live writes hold a lock
    # on theirs and are left alone, so a worker restarting next to busy ones is safe).
    if stale := blobs.purge_temp():
        log.warning("removed %d temporary files left by interrupted writes", stale)
    app.extensions["westrong_blobs"] = blobs
    app.register_blueprint(shared)
    app.after_request(add_security_headers)
    app.register_error_handler(HTTPException, _http_error)
    for error_class in CORE_ERRORS:
        app.register_error_handler(error_class, _core_error)
    app.register_error_handler(Exception, _server_error)
    app.wsgi_app = guard(app.wsgi_app)  # type: ignore[method-assign,assignment]
    return app


def current_config() -> WebConfig:
    """Return the running app's configuration."""
    config: WebConfig = current_app.extensions["westrong_config"]
    return config


def current_blobs() -> BlobStore:
    """Return the running app's ciphertext store."""
    blobs: BlobStore = current_app.extensions["westrong_blobs"]
    return blobs


def _http_error(error: HTTPException) -> tuple[str, int]:
    mark_failed()
    code = error.code or 500
    return render_template("error.html", code=code), code


def _core_error(error: Exception) -> tuple[str, int]:
    mark_failed()
    code = CORE_ERRORS.get(type(error), 400)
    return render_template("error.html", code=code), code


def _server_error(error: Exception) -> ResponseReturnValue:
    if is_disk_full(error):
        return disk_full()
    mark_failed()
    # The operator's log gets the exception type only: its message could quote user input.
    log.error("unhandled %s", type(error).__name__)
    return render_template("error.html", code=500), 500
