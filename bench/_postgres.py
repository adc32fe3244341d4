"""`--postgresql` for the benches: a throwaway PostgreSQL server (tests/postgres.py: Unix
socket only, in a temporary folder) with an empty database that the bench's instance uses,
stopped and removed when the bench exits (normally, on an error, Ctrl-C or SIGTERM).

The URL reaches the instance through the environment: `BENCH_DATABASE_URL` (not a
`WESTRONG_*` name: the configuration refuses settings it does not know) for the benches that
build their instance in-process (`_reviewer_seed.Instance`), and `WESTRONG_DATABASE_URL` for
the served ones (`init-dev` and gunicorn read it). Not a bench itself (the leading
underscore).
"""

from __future__ import annotations

import argparse
import atexit
import os
import signal
from typing import Any

from tests import postgres as pg

DATABASE = "westrong_bench"


def add_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--postgresql",
        action="store_true",
        help="run on a throwaway PostgreSQL server instead of SQLite",
    )


def start_if_asked(args: argparse.Namespace) -> str | None:
    """With --postgresql, start the server and point the bench's instance at it."""
    if not getattr(args, "postgresql", False):
        return None
    server = pg.Server()
    atexit.register(server.remove)
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:

        def _exit(*_: Any) -> None:
            raise SystemExit(143)

        signal.signal(signal.SIGTERM, _exit)
    server.initdb()
    # The bench's settings: the tests' (no fsync) would flatter writes; keep durability on.
    server.start("fsync=on", "synchronous_commit=on", "full_page_writes=on")
    server.psql(f"CREATE DATABASE {DATABASE}")
    url = server.url(DATABASE)
    os.environ["BENCH_DATABASE_URL"] = url
    os.environ["WESTRONG_DATABASE_URL"] = url
    version = server.psql("SHOW server_version").strip()
    print(f"database: PostgreSQL {version}, throwaway server on a Unix socket", flush=True)
    return url
