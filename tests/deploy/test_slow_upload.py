"""An upload of exactly the maximum size, sent at a slow Tor speed (400 KiB/s, about half a
minute), to our gunicorn configuration: accepted (303 to the thank-you page) and stored
whole. Nothing on the way (the body guard's stall bound, gunicorn's worker timeout, the
session, the CSRF token) may cut a slow but steady upload short."""

from __future__ import annotations

import http.client
import os
import time
from pathlib import Path

from sqlalchemy import select

from bench._harness import Client, csrf, new_source
from store.models import Submission, SubmissionKind
from tests.deploy.support import source_server
from tests.factories import add_desk, make_configs

LIMIT = 12 * 1024 * 1024  # the configured maximum (production's is larger; the path is one)
RATE = 400 * 1024  # bytes a second: a slow Tor circuit
CHUNK = 16 * 1024


def _body(token: str, boundary: str) -> tuple[bytes, bytes, int]:
    """Return (head, tail, file size) of a multipart body of exactly LIMIT bytes."""
    head = b""
    for name, value in [("csrf_token", token), ("desk", "nacc"), ("msg", "ส่งไฟล์ใหญ่ช้า ๆ")]:
        head += (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{boundary}\r\nContent-Disposition: form-data; name="fh"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    tail = f"\r\n--{boundary}--\r\n".encode()
    return head, tail, LIMIT - len(head) - len(tail)


def test_a_maximum_size_upload_at_tor_speed_is_accepted(tmp_path: Path) -> None:
    configs = make_configs(tmp_path).with_(max_upload_bytes=LIMIT)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    app = source_server(configs, tmp_path / "gunicorn.log")
    with app:
        source = Client(app.port)
        new_source(source)
        token = csrf(source, "/lookup")
        boundary = "slowboundary"
        head, tail, size = _body(token, boundary)
        conn = http.client.HTTPConnection("127.0.0.1", app.port, timeout=60)
        conn.putrequest("POST", "/submit")
        conn.putheader("Cookie", source.cookie_header())
        conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
        conn.putheader("Content-Length", str(LIMIT))
        conn.endheaders()
        start = time.monotonic()
        conn.send(head)
        sent, block = 0, os.urandom(CHUNK)
        while sent < size:
            piece = block[: min(CHUNK, size - sent)]
            conn.send(piece)
            sent += len(piece)
            time.sleep(max(0.0, start + sent / RATE - time.monotonic()))  # hold the pace
        conn.send(tail)
        response = conn.getresponse()
        response.read()
        took = time.monotonic() - start
        conn.close()
        source.close()
        print(f"{LIMIT / 2**20:.0f} MiB at {RATE // 1024} KiB/s: {took:.1f} s")
        assert response.status == 303, app.log_tail()
        assert response.getheader("Location", "").endswith("/submitted")
        assert took > LIMIT / RATE * 0.9  # it really was slow
    with configs.session() as s:
        files = s.scalars(select(Submission).where(Submission.kind == SubmissionKind.FILE)).all()
    assert len(files) == 1
    assert files[0].ciphertext_size > size  # the whole file, encrypted
