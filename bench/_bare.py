"""The source interface plus a bare POST /bare that reads and discards the body (bench only).

gunicorn 'bench._bare:app_from_environment()' serves the product app unchanged, except that
POST /bare is answered here: the ceiling for reading an upload through the same server and
worker, with no parsing, encryption or disk.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from source_interface.app import from_environment

READ_SIZE = 64 * 1024  # as webcommon.uploads reads

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]


def bare(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
    """Read the whole body, drop it, say how many bytes came."""
    stream = environ["wsgi.input"]
    left = int(environ.get("CONTENT_LENGTH") or 0)
    total = 0
    while left > 0:
        data = stream.read(min(READ_SIZE, left))
        if not data:
            break
        total += len(data)
        left -= len(data)
    body = f"{total}\n".encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


def app_from_environment() -> WsgiApp:
    """The product app from WESTRONG_* variables, with POST /bare routed to `bare`."""
    product = from_environment()

    def app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == "/bare" and environ.get("REQUEST_METHOD") == "POST":
            return bare(environ, start_response)
        result: Iterable[bytes] = product(environ, start_response)
        return result

    return app
