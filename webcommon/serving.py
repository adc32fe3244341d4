"""A development server that logs no client address, user agent or referer."""

from __future__ import annotations

import logging
import threading

from flask import Flask
from werkzeug.serving import BaseWSGIServer, WSGIRequestHandler, make_server

log = logging.getLogger("westrong.access")


class QuietRequestHandler(WSGIRequestHandler):
    """Log method, path and status only: Werkzeug's default line starts with the client IP."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        """Log one request without who made it."""
        path = self.path.split("?", 1)[0]  # a query string could carry user input
        log.info("%s %s %s", self.command, path, code)

    def send_response(self, code: int, message: str | None = None) -> None:
        """Start a response without the Server header (which names Werkzeug and Python)."""
        self.log_request(code)
        self.send_response_only(code, message)
        self.send_header("Date", self.date_time_string())

    def log(self, type: str, message: str, *args: object) -> None:
        """Log server messages (errors included) without the client address."""
        getattr(log, type if type in {"info", "warning", "error"} else "info")(message, *args)


def serve(apps: list[tuple[Flask, str, int]]) -> None:
    """Serve several apps, each on its own host and port, until interrupted."""
    servers: list[BaseWSGIServer] = [
        make_server(host, port, app, threaded=True, request_handler=QuietRequestHandler)
        for app, host, port in apps
    ]
    threads = [threading.Thread(target=s.serve_forever, daemon=True) for s in servers]
    for thread in threads:
        thread.start()
    try:
        for thread in threads:
            thread.join()
    except KeyboardInterrupt:
        for server in servers:
            server.shutdown()
