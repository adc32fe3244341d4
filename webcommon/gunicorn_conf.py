"""gunicorn settings for both apps: `gunicorn -c python:webcommon.gunicorn_conf APP`.

gunicorn writes `Server: gunicorn` on every response and has no setting to leave it out;
naming the server software helps an attacker pick exploits, so this configuration drops the
line from the headers gunicorn adds itself. The apps' own headers are untouched.
"""

from __future__ import annotations

from typing import Any

from gunicorn.http import wsgi  # type: ignore[import-untyped]


def _without_server_header() -> None:
    original = wsgi.Response.default_headers
    if getattr(original, "_westrong", False):
        return

    def default_headers(self: Any) -> list[str]:
        lines: list[str] = original(self)
        return [line for line in lines if not line.lower().startswith("server:")]

    default_headers._westrong = True  # type: ignore[attr-defined]
    wsgi.Response.default_headers = default_headers


_without_server_header()
