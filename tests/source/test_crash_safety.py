"""Crash safety, for real: gunicorn serves the source interface, strace kills its worker
(SIGKILL) at an exact system call in the middle of an upload; gunicorn starts a new worker,
which clears the cut-short temporary files, and nothing half-written is visible: no row
without its blob, and `manage.py check --repair` clears the blob a kill left without a row."""

from __future__ import annotations

import http.client
import os
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench._harness import Client, Gunicorn, new_source
from core import integrity
from store.models import Submission
from tests.conftest import require_tool
from tests.factories import add_desk, make_configs

ROOT = Path(__file__).resolve().parents[2]
FILE = os.urandom(1024 * 1024)


def body(token: str, boundary: str) -> bytes:
    fields = [("csrf_token", token), ("desk", "nacc"), ("msg", "เขาเรียกรับเงินสด")]
    out = b""
    for name, value in fields:
        out += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    out += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fh"; filename="e.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return out + FILE + f"\r\n--{boundary}--\r\n".encode()


def post_once(client: Client, port: int, data: bytes, boundary: str) -> int | None:
    """POST /submit once (never retried); return the status, or None if the server died."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            "/submit",
            body=data,
            headers={
                "Cookie": client.cookie_header(),
                "Content-Type": f"multipart/form-data; boundary={boundary}",
            },
        )
        return conn.getresponse().status
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        return None
    finally:
        conn.close()


def wait_for_new_worker(server: Gunicorn, old: int) -> int:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        pids = [p for p in server.worker_pids() if p != old]
        if pids:
            client = Client(server.port, timeout=10)
            try:
                if client.get("/").status == 200:
                    return pids[0]
            except OSError:
                pass
            finally:
                client.close()
        time.sleep(0.1)
    raise AssertionError("gunicorn started no new worker:\n" + server.log_tail())


@pytest.mark.parametrize(
    "syscall",
    [
        "write:when=8",  # in the middle of the file: a partial temporary file
        "rename:when=1",  # the file fully encrypted, before it is moved into place
        "rename:when=2",  # the file placed, the message's rename: a blob without a row
    ],
)
def test_a_worker_killed_mid_upload_leaves_nothing_half_written(
    tmp_path: Path, syscall: str
) -> None:
    strace = require_tool("strace")
    configs = make_configs(tmp_path)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    env = {**os.environ, **configs.env}
    args = ["--workers", "1", "--control-socket", str(tmp_path / "gunicorn.ctl")]
    with Gunicorn(
        "source_interface.app:from_environment()", args, env, tmp_path / "gunicorn.log"
    ) as server:
        client = Client(server.port)
        new_source(client)
        token = client.get("/lookup").text.split('name="csrf_token" type="hidden" value="')[1]
        token = token.split('"')[0]
        boundary = "----crash" + secrets.token_hex(8)
        data = body(token, boundary)
        worker = server.worker_pids()[0]
        name, when = syscall.split(":")
        tracer = subprocess.Popen(
            [
                strace,
                "-f",
                "-qq",
                "-o",
                "/dev/null",
                "-p",
                str(worker),
                "-e",
                f"inject={name}:signal=KILL:{when}",
            ],
        )
        try:
            time.sleep(1.0)  # attached
            status = post_once(client, server.port, data, boundary)
        finally:
            tracer.wait(timeout=30)
        assert status is None  # the worker died before answering
        wait_for_new_worker(server, worker)

        tmp = configs.store_root / "tmp"
        assert [p.name for p in tmp.iterdir() if p.suffix == ".part"] == []
        if syscall != "rename:when=2":  # the kill left a temporary file: the new worker's
            assert "removed 1 temporary files" in server.log_tail()
        with configs.session() as s:
            assert s.scalar(select(func.count(Submission.id))) == 0
            report = integrity.check(s, configs.blobs, grace_seconds=0)
        assert report.missing_blobs == 0
        assert report.orphan_blobs == (1 if syscall == "rename:when=2" else 0)

        repaired = subprocess.run(
            [sys.executable, "manage.py", "check", "--repair", "--grace-hours", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert repaired.returncode == 0, repaired.stderr
        assert "orphan blobs (no row) repaired: " in repaired.stdout
        assert configs.blobs.names() == set()
        again = subprocess.run(
            [sys.executable, "manage.py", "check", "--grace-hours", "0"],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert again.returncode == 0, again.stdout

        # The new worker takes the same tip: stored once, whole.
        assert post_once(client, server.port, data, boundary) == 303
        with configs.session() as s:
            rows = s.scalars(select(Submission)).all()
            assert len(rows) == 2
            for row in rows:
                integrity.verify(
                    configs.blobs, row.blob_name, row.ciphertext_size, row.ciphertext_sha256
                )
