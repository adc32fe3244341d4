"""A reply the source cannot open (encrypted to a wrong key through the API, or a damaged
blob) never breaks their page: it is marked, the desk is told through a flag on the reply,
and the rest of the page keeps working."""

from __future__ import annotations

import base64
import io

from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import age
from crypto.inner import InnerWriter
from crypto.keys import Identity, Recipient
from store.models import Reply, Source
from tests.factories import World, csrf, new_source, sign_in
from tests.reviewer.test_api import api_token, call

NOTICE = "One reply could not be opened; the organisation has been told."


def _source_with_case(world: World) -> tuple[FlaskClient, int]:
    client = world.source_app.test_client()
    new_source(client)
    client.get("/language/en")
    token = csrf(client.get("/lookup").get_data(as_text=True))
    client.post(
        "/submit",
        data={"csrf_token": token, "desk": "nacc", "msg": "ทดสอบ"},
        content_type="multipart/form-data",
    )
    with world.session() as s:
        source = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert source is not None
        return client, source.cases[0].id


def _post(world: World, case: int, body: bytes) -> dict[str, object]:
    """Post a pre-encrypted reply: `body` as the source's copy, a good desk copy beside it."""
    client = world.reviewer_app.test_client()
    desk = _encrypted([world.desks["nacc"].recipient], "desk copy")
    response = call(
        client,
        "POST",
        f"/api/v1/cases/{case}/replies",
        api_token(world, "somchai"),
        json={"source": base64.b64encode(body).decode(), "desk": base64.b64encode(desk).decode()},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    reply: dict[str, object] = response.get_json()
    return reply


def _encrypted(to: list[Recipient], text: str) -> bytes:
    out = io.BytesIO()
    writer = InnerWriter(age.encryptor(out, to), {"kind": "reply", "language": "en"})
    writer.write(text.encode())
    writer.close()
    return out.getvalue()


def _flag(world: World, reply_id: object) -> bool:
    with world.session() as s:
        reply = s.get(Reply, reply_id)
        assert reply is not None
        return reply.source_could_not_open


def test_a_reply_encrypted_to_a_wrong_key_is_marked_and_the_desk_told(world: World) -> None:
    source, case = _source_with_case(world)
    # Right shape (one X25519 stanza), wrong key: the server cannot tell.
    wrong = _encrypted([Identity.generate().recipient], "lost")
    bad = _post(world, case, wrong)
    assert bad["source_could_not_open"] is False
    page = source.get("/lookup")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert NOTICE in text
    assert 'action="/submit"' in text  # the submit form and the status are still there
    assert _flag(world, bad["id"]) is True
    # Every later visit still works.
    assert source.get("/lookup").status_code == 200
    # The desk sees it: in the API and on the case page.
    client = world.reviewer_app.test_client()
    listed = call(client, "GET", f"/api/v1/cases/{case}/replies", api_token(world, "somchai", 1))
    assert [r["source_could_not_open"] for r in listed.get_json()["items"]] == [True]
    officer = sign_in(world, "admin")
    officer.get("/language/en")
    assert "the source could not open this reply" in officer.get(f"/cases/{case}").get_data(
        as_text=True
    )


def test_a_damaged_reply_blob_is_marked_and_the_others_still_show(world: World) -> None:
    source, case = _source_with_case(world)
    officer = sign_in(world, "somchai")
    page = officer.get(f"/cases/{case}").get_data(as_text=True)
    for message in ("first reply", "second reply"):
        officer.post(f"/cases/{case}/reply", data={"csrf_token": csrf(page), "message": message})
    with world.session() as s:
        first, second = s.scalars(select(Reply).where(Reply.case_id == case)).all()
        assert first.source_blob_name is not None
        path = world.blobs.path(first.source_blob_name)  # the source's copy
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])  # a damaged (truncated) blob
    response = source.get("/lookup")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert NOTICE in text
    assert "second reply" in text
    assert _flag(world, first.id) is True
    assert _flag(world, second.id) is False
