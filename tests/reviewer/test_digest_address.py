"""The digest address through the real reviewer app, on both engines: a reviewer gives,
changes and removes their own; a bad address is a clear 400 page; an admin sees it and can
remove it; the audit log never holds it."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select

from store.models import AuditEvent, Reviewer
from tests.factories import World, csrf, sign_in


def _post(client: FlaskClient, url: str, **data: str) -> tuple[int, str]:
    token = csrf(client.get("/account").get_data(as_text=True))
    response = client.post(url, data={"csrf_token": token, **data}, follow_redirects=True)
    return response.status_code, response.get_data(as_text=True)


def _row(world: World, name: str) -> Reviewer:
    with world.session() as s:
        row = s.scalar(select(Reviewer).where(Reviewer.username == name))
        assert row is not None
        return row


def test_a_reviewer_gives_and_removes_their_address(world: World) -> None:
    somchai = sign_in(world, "somchai")
    status, page = _post(somchai, "/account/digest", email="somchai@example.org", language="en")
    assert status == 200
    assert 'value="somchai@example.org"' in page
    row = _row(world, "somchai")
    assert (row.email, row.digest_language) == ("somchai@example.org", "en")
    assert row.digest_through is not None
    status, page = _post(somchai, "/account/digest", clear="1")
    assert status == 200
    assert _row(world, "somchai").email is None
    with world.session() as s:
        details = " ".join(e.detail for e in s.scalars(select(AuditEvent)))
        actions = {e.action for e in s.scalars(select(AuditEvent))}
    assert "example.org" not in details
    assert {"digest_address_set", "digest_address_cleared"} <= actions


def test_a_bad_address_is_a_clear_page(world: World) -> None:
    somchai = sign_in(world, "somchai")
    for bad in ["not an address", "a@b.org\r\nBcc: c@d.org", "x" * 300 + "@example.org"]:
        status, page = _post(somchai, "/account/digest", email=bad, language="th")
        assert status == 400
        assert "name@example.org" in page
        assert "Traceback" not in page
    assert _row(world, "somchai").email is None
    # Without the CSRF token: refused, nothing stored.
    response = somchai.post("/account/digest", data={"email": "s@example.org", "language": "th"})
    assert response.status_code == 400
    assert _row(world, "somchai").email is None


def test_an_admin_sees_and_removes_an_address_others_do_not(world: World) -> None:
    _post(sign_in(world, "malee"), "/account/digest", email="malee@example.net", language="th")
    admin = sign_in(world, "admin")
    page = admin.get("/admin/reviewers").get_data(as_text=True)
    assert "malee@example.net" in page
    malee_id = _row(world, "malee").id
    status, page = _post(admin, f"/admin/reviewers/{malee_id}/clear-email")
    assert status == 200
    assert "malee@example.net" not in page
    assert _row(world, "malee").email is None
    somchai = sign_in(world, "somchai")
    assert somchai.get("/admin/reviewers").status_code in (403, 404)
    token = csrf(somchai.get("/account").get_data(as_text=True))
    refused = somchai.post(f"/admin/reviewers/{malee_id}/clear-email", data={"csrf_token": token})
    assert refused.status_code in (403, 404)
