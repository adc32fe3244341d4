"""Issue 9 "Also": log out on every page a signed-in source sees, Post/Redirect/Get after a
tip, and WTForms' own messages in Thai on Thai pages."""

from __future__ import annotations

import io

from flask.testing import FlaskClient
from sqlalchemy import func, select

from store.models import Submission
from tests.factories import Instance, csrf, new_source
from tests.source.support import submit_data

LOGOUT = 'action="/logout"'


def _submissions(instance: Instance) -> int:
    with instance.session() as s:
        return s.scalar(select(func.count(Submission.id))) or 0


def test_a_tip_answers_with_a_redirect_so_a_reload_sends_nothing(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    data = submit_data(client, fh=[(io.BytesIO(b"%PDF-1.4 x"), "a.pdf")])
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 303
    assert response.headers["Location"] == "/submitted"
    stored = _submissions(instance)
    assert stored == 2
    for _reload in range(2):  # what the browser's reload repeats: the GET
        page = client.get("/submitted")
        assert page.status_code == 200
        assert 'class="button" href="/lookup"' in page.get_data(as_text=True)
    assert _submissions(instance) == stored


def test_the_thank_you_page_needs_a_session(client: FlaskClient) -> None:
    response = client.get("/submitted")
    assert response.status_code == 303
    assert response.headers["Location"] == "/login"


def test_every_page_a_signed_in_source_sees_offers_log_out(
    client: FlaskClient, instance: Instance
) -> None:
    assert LOGOUT not in client.get("/").get_data(as_text=True)  # not signed in: no button
    new_source(client)
    data = submit_data(client)
    client.post("/submit", data=data, content_type="multipart/form-data")
    for path in ("/submitted", "/lookup", "/", "/corruption", "/generate", "/login", "/nope"):
        page = client.get(path).get_data(as_text=True)
        assert page.count(LOGOUT) == 1, path
    logout = csrf(client.get("/submitted").get_data(as_text=True))
    after = client.post("/logout", data={"csrf_token": logout}).get_data(as_text=True)
    assert LOGOUT not in after


def test_wtforms_messages_are_thai_on_thai_pages(client: FlaskClient) -> None:
    new_source(client)

    def refused(**fields: object) -> str:
        data = submit_data(client, **fields)
        page = client.post("/submit", data=data, content_type="multipart/form-data")
        assert page.status_code == 400
        return page.get_data(as_text=True)

    thai = refused(agency="ก" * 301, desk="")
    assert "ช่องนี้ยาวได้ไม่เกิน 300 ตัวอักษร" in thai
    assert "กรุณากรอกช่องนี้" in thai
    assert "ไม่ใช่ตัวเลือกที่ใช้ได้" in refused(desk="no-such-desk")
    assert "Field cannot be longer" not in thai
    assert "This field is required." not in thai
    client.get("/language/en")
    english = refused(agency="x" * 301, desk="")
    assert "Field cannot be longer than 300 characters." in english
    assert "This field is required." in english
