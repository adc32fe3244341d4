"""`python -m source_interface` / `python -m journalist_interface`: one app, one process, on
the quiet development server (production serves each with gunicorn)."""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Sequence

from flask import Flask

from webcommon.serving import serve


def main(build: Callable[[], Flask], default_port: int, argv: Sequence[str] | None = None) -> None:
    """Build the app from the environment and serve it until interrupted."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--bind", default=os.environ.get("WESTRONG_BIND", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=default_port)
    args = parser.parse_args(argv)
    os.umask(0o077)
    logging.basicConfig(level=logging.INFO, format="%(name)s %(message)s")
    serve([(build(), args.bind, args.port)])
