"""A signed-in upload holds no pooled database connection while its body streams (decision
101), on SQLite and PostgreSQL: the source app is served on 127.0.0.1 with a pool of one
connection, an upload stalls halfway through its file, and meanwhile nothing is checked out
and another visitor's page still loads; then the upload finishes and is stored whole."""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import select
from sqlalchemy.pool import QueuePool

from bench._harness import Client, csrf, new_source
from store.models import Case, Submission, SubmissionKind
from tests.factories import Instance
from tests.servers import in_thread, pool_of_one, response_head
from tests.source.support import leftovers, open_blob
from webcommon.uploads import READ_SIZE

BOUNDARY = "stallboundary"
MESSAGE = "เอกสารการจัดซื้อที่ฮั้วกัน"
FILE = os.urandom(3 * READ_SIZE)
SENT = 2 * READ_SIZE  # more than the parser's first read: the file's sink is open by then


@pytest.fixture
def tiny_pool(instance: Instance) -> QueuePool:
    return pool_of_one(instance.app, instance.config.source.database_url)


@pytest.fixture
def port(instance: Instance, tiny_pool: QueuePool) -> Iterator[int]:
    with in_thread(instance.app) as port:
        yield port


def _body(token: str) -> tuple[bytes, bytes]:
    """Return the multipart body up to the file's content, and what follows the file."""
    head = b""
    for name, value in [("csrf_token", token), ("desk", "nacc"), ("msg", MESSAGE)]:
        head += (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    head += (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="fh"; filename="scan.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    return head, f"\r\n--{BOUNDARY}--\r\n".encode()


def test_a_stalled_upload_holds_no_connection(
    instance: Instance, tiny_pool: QueuePool, port: int
) -> None:
    source = Client(port, timeout=10)
    new_source(source)
    token = csrf(source, "/lookup")
    cookie = source.cookie_header()
    source.close()
    head, tail = _body(token)
    with socket.create_connection(("127.0.0.1", port), timeout=30) as sock:
        sock.sendall(
            (
                "POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookie}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {len(head) + len(FILE) + len(tail)}\r\n\r\n"
            ).encode()
            + head
            + FILE[:SENT]
        )
        deadline = time.monotonic() + 10
        while not leftovers(instance):  # the file's sink has opened its temporary blob
            assert time.monotonic() < deadline, "the upload's file was never opened"
            time.sleep(0.05)

        # Stalled mid-file: the view has read everything it needs and holds no connection.
        assert tiny_pool.checkedout() == 0
        visitor = Client(port, timeout=10)
        # With the connection held, each would wait out the pool's 2 s and answer 500.
        assert visitor.get("/").status == 200
        assert visitor.get("/privacy").status == 200
        visitor.close()
        assert tiny_pool.checkedout() == 0

        sock.sendall(FILE[SENT:] + tail)
        status, headers = response_head(sock)
    assert status == 303, headers
    assert "/submitted" in headers
    with instance.session() as s:
        items = s.scalars(select(Submission).order_by(Submission.id)).all()
        designation = s.scalars(select(Case.designation)).one()
    assert [i.kind for i in items] == [SubmissionKind.MESSAGE, SubmissionKind.FILE]
    header, content = open_blob(instance, items[1].blob_name)
    assert content == FILE  # stored whole
    assert header["case"] == designation  # encrypted with the designation the case got
    message_header, _message = open_blob(instance, items[0].blob_name)
    assert message_header["case"] == designation
    assert leftovers(instance) == []
