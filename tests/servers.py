"""Real servers for functional tests: gunicorn and a throwaway PostgreSQL, both on loopback.

Each is a context manager that stops what it started (by process id) also when the test fails.
"""

from __future__ import annotations

import glob
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from http.cookies import SimpleCookie
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from werkzeug.serving import make_server

from store.db import make_engine, session_factory
from tests.tools import free_port, require_tool
from webcommon.serving import QuietRequestHandler

if TYPE_CHECKING:
    from _typeshed.wsgi import WSGIApplication
    from flask import Flask
    from sqlalchemy.pool import QueuePool

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = Path(sys.executable).with_name("gunicorn")


@contextmanager
def in_thread(app: WSGIApplication) -> Iterator[int]:
    """Serve a WSGI app with Werkzeug's threaded server on a free loopback port; yield the
    port, and stop the server when the block ends (also when the test fails)."""
    httpd = make_server(
        "127.0.0.1", free_port(), app, threaded=True, request_handler=QuietRequestHandler
    )
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield httpd.server_port
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


def pool_of_one(app: Flask, database_url: str) -> QueuePool:
    """Give an app a pool of one connection that makes a request wait at most 2 s: a request
    that holds its connection too long turns the next one into a 500."""
    from sqlalchemy.pool import QueuePool

    engine = make_engine(database_url, pool_size=1, max_overflow=0, pool_timeout=2)
    app.extensions["westrong_db"] = session_factory(engine)
    assert isinstance(engine.pool, QueuePool)
    return engine.pool


def response_head(sock: socket.socket) -> tuple[int, str]:
    """Read a response's head from a raw socket; return its status and the head."""
    data = b""
    while b"\r\n\r\n" not in data and (chunk := sock.recv(65536)):
        data += chunk
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    return int(head.split(" ", 2)[1]), head


def _children(pid: int) -> list[int]:
    try:
        with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
            return [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return []


@contextmanager
def gunicorn(
    app: str,
    env: Mapping[str, str],
    log: Path,
    args: Sequence[str] = (),
    workers: int = 1,
    ready_path: str = "/",
) -> Iterator[int]:
    """Serve app with gunicorn on 127.0.0.1; yield the port once every worker is up."""
    port = free_port()
    with open(log, "wb") as out:
        proc = subprocess.Popen(
            [
                str(GUNICORN),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                str(workers),
                "--no-control-socket",  # two gunicorns of one user would share one otherwise
                *args,
                app,
            ],
            cwd=ROOT,
            env=dict(env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + log.read_text("utf-8", "replace"))
            if time.monotonic() > deadline:
                raise RuntimeError("gunicorn did not start:\n" + log.read_text("utf-8", "replace"))
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            try:
                conn.request("GET", ready_path)
                ready = conn.getresponse().status == 200
            except (OSError, http.client.HTTPException):
                ready = False
            finally:
                conn.close()
            if ready and len(_children(proc.pid)) >= workers:
                break
            time.sleep(0.1)
        yield port
    finally:
        workers_left = _children(proc.pid)
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        for pid in workers_left:  # a worker the master could not stop
            with suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)


class Browser:
    """A tiny cookie-keeping HTTP client (one connection per request, redirects not followed)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(
        self, method: str, path: str, form: Mapping[str, str] | None = None
    ) -> tuple[int, dict[str, str], str]:
        """Send one request; return status, headers (lower-case names) and the body."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        headers = {}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode(form)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            text = response.read().decode("utf-8", "replace")
            for value in response.headers.get_all("Set-Cookie") or []:
                for name, morsel in SimpleCookie(value).items():
                    self.cookies[name] = morsel.value
            return response.status, {k.lower(): v for k, v in response.getheaders()}, text
        finally:
            conn.close()


def _pg_bin(name: str) -> str:
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"))
    if found:
        return found[-1]
    return require_tool(name)  # skips locally, fails under CI


@contextmanager
def postgres() -> Iterator[str]:
    """Run a throwaway PostgreSQL on a Unix socket; yield its SQLAlchemy URL."""
    initdb, pg_ctl = _pg_bin("initdb"), _pg_bin("pg_ctl")
    folder = Path(tempfile.mkdtemp(prefix="westrong-pg-"))
    run_as: list[str] = []
    if os.geteuid() == 0:  # PostgreSQL refuses to run as root
        shutil.chown(folder, "postgres")
        run_as = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    data = folder / "data"
    try:
        subprocess.run(
            [*run_as, initdb, "-D", str(data), "-U", "postgres", "-A", "trust", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
        subprocess.run(
            [
                *run_as,
                pg_ctl,
                "-D",
                str(data),
                "-w",
                "-l",
                str(folder / "log"),
                "-o",
                options,
                "start",
            ],
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}"
        finally:
            subprocess.run(
                [*run_as, pg_ctl, "-D", str(data), "-m", "immediate", "stop"],
                check=False,
                capture_output=True,
            )
    finally:
        shutil.rmtree(folder, ignore_errors=True)
