"""Shared parts of the source-interface benches: a throwaway instance under gunicorn, a small
cookie-keeping HTTP client on http.client, the source flows, and the machine description.

Standard library only on the client side. Not a bench itself (the leading underscore).
"""

from __future__ import annotations

import html
import http.client
import os
import platform
import re
import secrets
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from types import TracebackType
from typing import Self
from urllib.parse import urlencode

from tests.tools import free_port  # below the ephemeral ports, a block per test process

# The benches run from the checkout (`python -m bench.NAME`): the servers they start inherit
# its working directory and use the tools of the interpreter's own environment.
VENV_BIN = Path(sys.executable).parent
DESK = "dev-desk"


def machine() -> str:
    """Describe the machine: CPU model, cores, Python, load."""
    model = "unknown CPU"
    with open("/proc/cpuinfo", encoding="utf-8") as f:
        for line in f:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    cores = len(os.sched_getaffinity(0))
    with open("/proc/meminfo", encoding="utf-8") as f:
        mem_gib = int(f.readline().split()[1]) / 1024 / 1024
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return (
        f"machine: {model}, {cores} cores, {mem_gib:.0f} GiB RAM; "
        f"Python {platform.python_version()} ({platform.platform()}); load {load}"
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


def p95(values: Sequence[float]) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def proc_field(pid: int, name: str, field: str) -> int:
    """Read one numeric field from /proc/<pid>/<name> (status values are in kB)."""
    with open(f"/proc/{pid}/{name}", encoding="ascii") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    raise KeyError(field)


def rss_mib(pid: int) -> float:
    return proc_field(pid, "status", "VmRSS") / 1024


class Gunicorn:
    """gunicorn serving one app on 127.0.0.1 until the with-block ends.

    Ready once `ready_path` answers 200 and all workers have started.
    """

    def __init__(
        self,
        app: str,
        args: Sequence[str],
        env: Mapping[str, str],
        log: Path,
        workers: int = 1,
        ready_path: str = "/",
    ) -> None:
        self._app, self._args, self._env, self._log = app, list(args), dict(env), log
        self.workers_wanted, self._ready_path = workers, ready_path
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Self:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        with open(self._log, "wb") as log:
            self._proc = subprocess.Popen(
                [
                    str(VENV_BIN / "gunicorn"),
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    *self._args,
                    self._app,
                ],
                env=self._env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise RuntimeError("gunicorn exited:\n" + self.log_tail())
            try:
                client = Client(self.port, timeout=5)
                try:
                    ready = client.get(self._ready_path).status == 200
                finally:
                    client.close()
                if ready and len(self.worker_pids()) >= self.workers_wanted:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer in 60 s:\n" + self.log_tail())

    def log_tail(self) -> str:
        return self._log.read_text("utf-8", "replace")[-3000:]

    @property
    def master_pid(self) -> int:
        if self._proc is None:
            raise RuntimeError("gunicorn is not running")
        return self._proc.pid

    def worker_pids(self) -> list[int]:
        """gunicorn's workers: the master's children."""
        if self._proc is None:
            return []
        pid = self._proc.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children", encoding="ascii") as f:
                return [int(p) for p in f.read().split()]
        except FileNotFoundError:
            return []

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._proc is not None and self._proc.poll() is None:
            self._proc.send_signal(signal.SIGTERM)
            try:
                self._proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self._proc.kill()
                self._proc.wait()


class Server(Gunicorn):
    """A fresh development instance (temporary folder) served by gunicorn on 127.0.0.1."""

    def __init__(
        self,
        gunicorn_args: Sequence[str],
        app: str = "source_interface.app:from_environment()",
        env: Mapping[str, str] | None = None,
        workers: int = 1,
    ) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="westrong-bench-"))
        full_env = {**os.environ, "WESTRONG_CONFIG": str(self.dir / "config.toml"), **(env or {})}
        super().__init__(app, gunicorn_args, full_env, self.dir / "gunicorn.log", workers)

    @property
    def store_root(self) -> Path:
        return self.dir / "store"

    def _start(self) -> None:
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "init-dev", "--instance", str(self.dir)],
            check=True,
            capture_output=True,
        )
        super()._start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        super().__exit__(exc_type, exc, tb)
        shutil.rmtree(self.dir, ignore_errors=True)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class Client:
    """One browser-like client: a kept-alive connection and a cookie jar (name → value)."""

    def __init__(self, port: int, timeout: float = 600) -> None:
        self.port, self.timeout = port, timeout
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=self.timeout)
        return self._conn

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def cookie_header(self) -> str:
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def finish(self, response: http.client.HTTPResponse) -> Response:
        """Read a response, keep its cookies, close the connection if the server will."""
        body = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                if morsel["expires"] and "1970" in morsel["expires"]:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        if response.will_close:
            self.close()
        return Response(response.status, response.headers, body)

    def request(
        self, method: str, path: str, body: bytes = b"", content_type: str = ""
    ) -> Response:
        headers = {"Cookie": self.cookie_header()} if self.cookies else {}
        if content_type:
            headers["Content-Type"] = content_type
        for attempt in (1, 2):  # a kept-alive connection may have been closed by the server
            conn = self.connection()
            try:
                conn.request(method, path, body=body if method == "POST" else None, headers=headers)
                return self.finish(conn.getresponse())
            except (http.client.RemoteDisconnected, BrokenPipeError, ConnectionResetError):
                self.close()
                if attempt == 2:
                    raise
        raise AssertionError("unreachable")

    def get(self, path: str) -> Response:
        return self.request("GET", path)

    def post_form(self, path: str, fields: Mapping[str, str]) -> Response:
        return self.request(
            "POST", path, urlencode(fields).encode(), "application/x-www-form-urlencoded"
        )


def hidden(page: str, name: str) -> str:
    """The value of an <input name=NAME> on a page."""
    for tag in re.findall(r"<input\b[^>]*>", page):
        if re.search(rf'\bname="{re.escape(name)}"', tag):
            found = re.search(r'\bvalue="([^"]*)"', tag)
            if found:
                return html.unescape(found.group(1))
    raise ValueError(f"no input {name!r} on the page")


def csrf(client: Client, path: str) -> str:
    """The CSRF token of the form on the page at path."""
    page = client.get(path)
    if page.status != 200:
        raise RuntimeError(f"GET {path}: {page.status} {page.text[:300]!r}")
    return hidden(page.text, "csrf_token")


def new_source(client: Client) -> str:
    """Create a source through /generate and /create; return its codename (client is signed in)."""
    token = csrf(client, "/generate")
    page = client.post_form("/generate", {"csrf_token": token, "words": "en"})
    if page.status != 200:
        raise RuntimeError(f"POST /generate: {page.status}")
    codename = hidden(page.text, "codename")
    proof = hidden(page.text, "proof")
    created = client.post_form(
        "/create", {"csrf_token": token, "codename": codename, "proof": proof}
    )
    if created.status != 303 or "sid" not in client.cookies:
        raise RuntimeError(f"POST /create: {created.status}")
    return codename


def multipart_head(boundary: str, fields: Sequence[tuple[str, str]], file_name: str = "") -> bytes:
    """Text fields, then (if file_name) the headers of one file part `fh`."""
    out = []
    for name, value in fields:
        out.append(f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n')
        out.append(f"{value}\r\n")
    if file_name:
        out.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="fh"; filename="{file_name}"\r\n'
            "Content-Type: application/octet-stream\r\n\r\n"
        )
    return "".join(out).encode("utf-8")


def new_boundary() -> str:
    return "----westrongbench" + secrets.token_hex(16)


def log(*parts: object) -> None:
    print(*parts, flush=True)
