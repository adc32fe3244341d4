"""The source's page: their cases at each desk, status, dates and replies."""

from __future__ import annotations

import datetime as dt
import re

from flask.testing import FlaskClient
from sqlalchemy import select

from core.workflow import move
from crypto import age
from crypto.inner import InnerWriter
from crypto.keys import Recipient
from store.models import CaseStatus, Reply, Source
from tests.factories import Instance, csrf, new_source
from tests.source.support import submit_data


def test_replies_and_status_show_and_can_be_deleted(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    client.post("/submit", data=submit_data(client), content_type="multipart/form-data")
    with instance.session() as s, s.begin():
        source = s.scalar(select(Source))
        assert source is not None
        [case] = source.cases
        assert case.reply_recipient is not None  # the case's own key (decision 067)
        to = [Recipient.parse(case.reply_recipient), instance.desk_identity.recipient]
        with instance.blobs.writer() as w:
            inner = InnerWriter(age.encryptor(w, to), {"kind": "reply", "language": "th"})
            inner.write("ได้รับเรื่องแล้ว ขอบคุณครับ".encode())
            inner.close()
            name = w.commit()
            size = w.bytes_written
        s.add(
            Reply(
                case=case,
                blob_name=name,
                ciphertext_size=size,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        # As the workflow sets it: 3 months on, clamped to April's end.
        move(case, CaseStatus.ACKNOWLEDGED, dt.date(2026, 1, 31))
    client.get("/language/en")
    page = client.get("/lookup").get_data(as_text=True)
    assert "ได้รับเรื่องแล้ว ขอบคุณครับ" in page
    assert 'id="status">Acknowledged<' in page
    assert "30 Apr 2026" in page  # feedback within 3 months of acknowledgement, end of month
    reply_id = re.search(r"/replies/(\d+)/delete", page)
    assert reply_id
    token = csrf(page)
    response = client.post(f"/replies/{reply_id.group(1)}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert "ได้รับเรื่องแล้ว" not in client.get("/lookup").get_data(as_text=True)


def test_another_sources_reply_cannot_be_deleted(client: FlaskClient) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    assert client.post("/replies/999/delete", data={"csrf_token": token}).status_code == 404


def test_post_without_csrf_is_refused(client: FlaskClient) -> None:
    for path in ["/generate", "/create", "/login", "/logout", "/replies/1/delete"]:
        assert client.post(path, data={}).status_code == 400, path
