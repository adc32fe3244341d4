"""Budgets and instance settings: the derivation gate, files on or off, limits, language."""

from __future__ import annotations

import io
from typing import Any

from flask.testing import FlaskClient
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.factories import Instance, csrf, new_source
from tests.source.support import PDF, counts, submit_data


def test_derivation_budget_gives_a_fast_busy_page(instance: Instance) -> None:
    from crypto.gate import Gate

    instance.app.extensions["westrong_gate"] = Gate(concurrency=1, per_second=1)
    client = instance.app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    statuses = [
        client.post("/login", data={"csrf_token": token, "codename": f"guess {i}"}).status_code
        for i in range(3)
    ]
    assert statuses[0] == 401
    assert 503 in statuses[1:]
    busy = client.post("/login", data={"csrf_token": token, "codename": "again"})
    assert busy.headers.get("Retry-After") == "5"
    assert "busy" in busy.get_data(as_text=True)


# Instance settings (set by admins in the reviewer interface)


def _settings(instance: Instance, **changes: Any) -> None:
    from dataclasses import replace

    from core import settings

    config = instance.config.source
    with instance.session() as s, s.begin():
        current = settings.load(s, config.max_upload_bytes, config.default_language)
        settings.save(s, replace(current, **changes))


def test_files_can_be_turned_off(client: FlaskClient, instance: Instance) -> None:
    _settings(instance, accept_files=False)
    new_source(client)
    assert 'name="fh"' not in client.get("/lookup").get_data(as_text=True)
    data = submit_data(client, fh=[(io.BytesIO(PDF), "a.pdf")])
    assert client.post("/submit", data=data, content_type="multipart/form-data").status_code == 400
    assert counts(instance) == (0, 0)


def test_minimum_first_message_length(client: FlaskClient, instance: Instance) -> None:
    _settings(instance, min_message_length=50)
    new_source(client)
    data = submit_data(client, msg="สั้นไป")
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "50" in response.get_data(as_text=True)
    data = submit_data(client, msg="ยาวพอ " * 20)
    assert client.post("/submit", data=data, content_type="multipart/form-data").status_code == 303


def test_upload_limit_and_default_language_come_from_settings(
    client: FlaskClient, instance: Instance
) -> None:
    _settings(instance, upload_limit_mib=1, default_language="en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    values = MultiDict(
        [
            ("csrf_token", token),
            ("desk", "nacc"),
            ("msg", "x"),
            ("fh", FileStorage(io.BytesIO(PDF * 10), "big.pdf")),
        ]  # ~1.1 MiB
    )
    boundary, body = encode_multipart(values)  # in memory: the test client would spool it
    response = client.post(
        "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert counts(instance) == (0, 0)
