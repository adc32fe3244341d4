"""No response of either app names the server software or its version (issue 9, "Also")."""

from __future__ import annotations

import os
import socket
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask

import journalist_interface
import source_interface
from tests.factories import InstanceConfigs
from tests.servers import Browser, gunicorn, in_thread

APPS: dict[str, tuple[str, Callable[[InstanceConfigs], Flask]]] = {
    "source": (
        "source_interface.app:from_environment()",
        lambda configs: source_interface.create_app(configs.source),
    ),
    "reviewer": (
        "journalist_interface.app:from_environment()",
        lambda configs: journalist_interface.create_app(configs.reviewer),
    ),
}
PATHS = ["/", "/login", "/no-such-page", "/language/en?next=/x"]


def _raw(port: int, request: bytes) -> bytes:
    """Send raw bytes (a malformed request too); return the response head."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(request)
        data = b""
        while b"\r\n\r\n" not in data:
            piece = s.recv(4096)
            if not piece:
                break
            data += piece
    return data.split(b"\r\n\r\n", 1)[0]


def _assert_anonymous(port: int) -> None:
    for path in PATHS:
        status, headers, _ = Browser(port).request("GET", path)
        assert status < 500
        assert "server" not in headers, (path, headers.get("server"))
        for value in headers.values():
            for name in ("werkzeug", "gunicorn", "python", "flask"):
                assert name not in value.lower(), (path, value)
    head = _raw(port, b"GARBAGE\r\n\r\n").lower()
    assert b"\r\nserver:" not in head
    assert b"werkzeug" not in head
    assert b"gunicorn" not in head


@pytest.fixture(params=sorted(APPS))
def which(request: pytest.FixtureRequest) -> str:
    name: str = request.param
    return name


def test_dev_server_sends_no_server_header(which: str, config: InstanceConfigs) -> None:
    app = APPS[which][1](config)
    with in_thread(app) as port:
        _assert_anonymous(port)


@pytest.fixture
def gunicorn_port(which: str, config: InstanceConfigs, tmp_path: Path) -> Iterator[int]:
    env = config.env
    args = ["-c", "python:webcommon.gunicorn_conf"]
    ready = "/" if which == "source" else "/login"
    with gunicorn(APPS[which][0], {**os.environ, **env}, tmp_path / "g.log", args, 1, ready) as p:
        yield p


def test_gunicorn_sends_no_server_header(gunicorn_port: int) -> None:
    _assert_anonymous(gunicorn_port)
