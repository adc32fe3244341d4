"""Over-limit bodies against a real HTTP server on 127.0.0.1: a declared Content-Length above
the limit is answered 413 at once, and a body without one is read only up to a bound."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from source_interface.views import DRAIN_BYTES
from tests.factories import Instance, csrf, new_source
from tests.servers import in_thread

BOUNDARY = "b0undary"


@pytest.fixture
def server(small_limit_instance: Instance) -> Iterator[int]:
    """Serve the source app (upload limit 20 kB) on a free loopback port; stop it after."""
    with in_thread(small_limit_instance.app) as port:
        yield port


def signed_in(instance: Instance) -> tuple[str, str]:
    """Return a signed-in source's Cookie header and a CSRF token for its form."""
    client: FlaskClient = instance.app.test_client()
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    cookies = "; ".join(f"{c.key}={c.value}" for c in (client._cookies or {}).values())
    return cookies, token


def status_of(sock: socket.socket) -> int:
    data = b""
    while b"\r\n" not in data:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return int(data.split(b" ", 2)[1])


def test_declared_length_over_the_limit_is_refused_at_once(
    server: int, small_limit_instance: Instance
) -> None:
    cookies, _token = signed_in(small_limit_instance)
    with socket.create_connection(("127.0.0.1", server), timeout=5) as sock:
        sock.sendall(
            (
                "POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookies}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                f"Content-Length: {10 * 1024**3}\r\n\r\n--{BOUNDARY}\r\n"
            ).encode()
        )
        started = time.monotonic()
        # Not one more byte is sent: the answer must not wait for the 10 GiB promised.
        assert status_of(sock) == 413
        assert time.monotonic() - started < 5


def test_a_body_without_length_is_drained_only_to_a_bound(
    server: int, small_limit_instance: Instance
) -> None:
    cookies, token = signed_in(small_limit_instance)
    fields = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="desk"\r\n\r\nnacc\r\n'
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="fh"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode()
    sent = 0
    answered = threading.Event()
    block = b"x" * (64 * 1024)
    ceiling = 256 * 1024 * 1024  # a client that would go on "for ever"
    with socket.create_connection(("127.0.0.1", server), timeout=20) as sock:
        sock.sendall(
            (
                "POST /submit HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                f"Cookie: {cookies}\r\n"
                f"Content-Type: multipart/form-data; boundary={BOUNDARY}\r\n"
                "Transfer-Encoding: chunked\r\n\r\n"
            ).encode()
        )

        def send() -> None:
            nonlocal sent
            pieces = [fields, *([block] * (ceiling // len(block)))]
            try:
                for piece in pieces:
                    if answered.is_set():
                        return
                    sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece))
                    sent += len(piece)
                sock.sendall(b"0\r\n\r\n")
            except OSError:
                return  # the server closed the connection: what a bounded drain does

        sender = threading.Thread(target=send, daemon=True)
        sender.start()
        try:
            assert status_of(sock) == 413
            at_answer = sent
        finally:
            answered.set()
            sender.join(timeout=30)
    # The answer came after the limit plus the drain bound (and socket buffers), long before
    # the client stopped sending.
    assert at_answer < 20_000 + DRAIN_BYTES + 32 * 1024 * 1024
    assert at_answer < ceiling
