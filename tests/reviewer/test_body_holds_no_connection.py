"""A reviewer's request body is read whole before anything opens a database connection
(decision 103), on SQLite and PostgreSQL: the reviewer app is served on 127.0.0.1 with a
pool of one connection, a logo upload and an API reply each stall halfway through their
body, and meanwhile nothing is checked out and the sign-in page still loads; then each body
finishes and is accepted."""

from __future__ import annotations

import base64
import io
import json
import os
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask import request
from sqlalchemy import select
from sqlalchemy.pool import QueuePool

from bench._harness import Client, csrf
from crypto import age
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store.models import Case, Reply
from tests.factories import World, totp_now
from tests.reviewer.test_api import api_token
from tests.servers import in_thread, pool_of_one, response_head

PNG = b"\x89PNG\r\n\x1a\n" + os.urandom(200 * 1024)
BOUNDARY = "stallboundary"


@pytest.fixture
def tiny_pool(world: World) -> QueuePool:
    return pool_of_one(world.reviewer_app, world.config.reviewer.database_url)


@pytest.fixture
def begun(world: World) -> threading.Event:
    """Set when a POST reaches the app's first hook, before anything reads its body."""
    event = threading.Event()

    def mark() -> None:
        if request.method == "POST":
            event.set()

    world.reviewer_app.before_request_funcs.setdefault(None, []).insert(0, mark)
    return event


@pytest.fixture
def port(world: World) -> Iterator[int]:
    with in_thread(world.reviewer_app) as port:
        yield port


def _stalled(
    port: int, pool: QueuePool, begun: threading.Event, head: str, body: bytes
) -> tuple[int, str]:
    """Send the request's head and half its body; while it waits, check that no connection
    is held and that another page loads; then send the rest and return the answer."""
    half = len(body) // 2
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        begun.clear()
        sock.sendall(f"{head}Content-Length: {len(body)}\r\n\r\n".encode() + body[:half])
        assert begun.wait(10), "the request never reached the app"
        time.sleep(0.5)  # then it waits for the rest of its body
        assert pool.checkedout() == 0
        visitor = Client(port, timeout=10)
        # With the connection held, this would wait out the pool's 2 s and answer 500.
        assert visitor.get("/login").status == 200
        visitor.close()
        assert pool.checkedout() == 0
        sock.sendall(body[half:])
        return response_head(sock)


def _sign_in(port: int, world: World) -> Client:
    client = Client(port, timeout=10)
    person = world.people["admin"]
    fields = {
        "csrf_token": csrf(client, "/login"),
        "username": "admin",
        "passphrase": person.passphrase,
        "token": totp_now(person.totp_secret),
    }
    assert client.post_form("/login", fields).status == 303
    return client


def test_a_stalled_logo_upload_holds_no_connection(
    world: World, tiny_pool: QueuePool, begun: threading.Event, port: int
) -> None:
    admin = _sign_in(port, world)
    token = csrf(admin, "/admin/settings")
    cookie = admin.cookie_header()
    admin.close()
    body = (
        (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="logo"; filename="logo.png"\r\n'
            "Content-Type: image/png\r\n\r\n"
        ).encode()
        + PNG
        + f"\r\n--{BOUNDARY}--\r\n".encode()
    )
    head = (
        "POST /admin/settings/logo HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Cookie: {cookie}\r\nContent-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
    )
    status, headers = _stalled(port, tiny_pool, begun, head, body)
    assert status == 303, headers
    assert world.source_app.test_client().get("/logo.png").get_data() == PNG


def test_a_stalled_api_reply_holds_no_connection(
    world: World, tiny_pool: QueuePool, begun: threading.Event, port: int
) -> None:
    api = api_token(world, "admin")
    case_id = world.cases["nacc"]
    with world.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        assert case.reply_recipient is not None
        reply_key, designation = case.reply_recipient, case.designation

    def sealed(to: Recipient) -> str:
        out = io.BytesIO()
        header = {"kind": "reply", "language": "th", "case": designation}
        writer = InnerWriter(age.encryptor(out, [to]), header)
        writer.write(os.urandom(100 * 1024))  # a reply with an attachment's worth of bytes
        writer.close()
        return base64.b64encode(out.getvalue()).decode()

    payload = {
        "source": sealed(Recipient.parse(reply_key)),
        "desk": sealed(world.desks["nacc"].recipient),
    }
    head = (
        f"POST /api/v1/cases/{case_id}/replies HTTP/1.1\r\nHost: 127.0.0.1\r\n"
        f"Authorization: Bearer {api}\r\nContent-Type: application/json\r\n"
    )
    status, headers = _stalled(port, tiny_pool, begun, head, json.dumps(payload).encode())
    assert status == 201, headers
    with world.session() as s:
        assert s.scalars(select(Reply).where(Reply.case_id == case_id)).all()
