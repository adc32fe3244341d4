"""Who did what stays in the audit log (finding 7 of issue 9): case views and every download
are recorded, with the actor's username kept after their account is deleted."""

from __future__ import annotations

import re

from sqlalchemy import select

from core import audit
from store.models import AuditEvent, Case, Reply
from tests.factories import World, sign_in, token_of
from tests.reviewer.test_api import api_token, call


def _events(world: World, actor: str) -> list[tuple[str, str | None, str]]:
    with world.session() as s:
        rows = s.scalars(
            select(AuditEvent).where(AuditEvent.actor == actor).order_by(AuditEvent.id)
        )
        return [(e.action, e.case_ref, e.detail) for e in rows]


def test_views_and_downloads_are_audited_and_outlive_the_account(world: World) -> None:
    case_id = world.cases["nacc"]
    somchai = sign_in(world, "somchai")
    assert somchai.get(f"/cases/{case_id}").status_code == 200
    somchai.post(
        f"/cases/{case_id}/reply",
        data={"csrf_token": token_of(somchai, f"/cases/{case_id}"), "message": "รับทราบ"},
    )
    with world.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        ref, item_id = case.audit_ref, case.submissions[0].id
        reply_id = s.scalars(select(Reply.id).where(Reply.case_id == case_id)).one()
    with somchai.get(f"/cases/{case_id}/submissions/{item_id}/download") as download:
        assert download.status_code == 200
    api, token = world.reviewer_app.test_client(), api_token(world, "somchai", offset=1)
    assert call(api, "GET", f"/api/v1/cases/{case_id}", token).status_code == 200
    reply_url = f"/api/v1/cases/{case_id}/replies/{reply_id}/download"
    with call(api, "GET", reply_url, token) as download:
        assert download.status_code == 200

    admin = sign_in(world, "admin")
    with world.session() as s:
        somchai_id = s.scalars(
            select(AuditEvent.reviewer_id).where(AuditEvent.actor == "somchai")
        ).first()
    delete = f"/admin/reviewers/{somchai_id}/delete"
    assert admin.post(delete, data={"csrf_token": token_of(admin, delete)}).status_code == 303

    events = _events(world, "somchai")
    assert ("case_viewed", ref, "") in events
    assert ("download", ref, f"#{item_id}") in events
    assert ("download", ref, f"reply #{reply_id}") in events
    assert [e[0] for e in events].count(
        "case_viewed"
    ) == 3  # two pages (one before the reply), the API
    with world.session() as s:
        assert audit.verify(s).intact
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert re.search(r"<td[^>]*>somchai</td>", page)
    assert "reviewer_deleted" in page
