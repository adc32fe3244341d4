"""Roles per desk through the real reviewer app: an officer proposes a conclusion or closure,
a supervisor approves or sends it back (decision 076); an admin from outside a desk adding a
member needs re-authentication and every member is told (decision 078)."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core import memberships
from store.models import AuditEvent, Case, CaseStatus, Desk, DeskKeyNotice, DeskRole, Reviewer
from tests.factories import (
    InstanceConfigs,
    World,
    add_person,
    csrf,
    make_world,
    sign_in,
    token_of,
    totp_now,
)


@pytest.fixture
def world(config: InstanceConfigs) -> World:
    w = make_world(config)
    add_person(w, "boss", False, ["nacc"], DeskRole.SUPERVISOR)
    return w


def _post(client: FlaskClient, url: str, **data: str) -> int:
    response = client.post(url, data={"csrf_token": token_of(client, "/"), **data})
    return response.status_code


def _case(world: World) -> Case:
    with world.session() as s:
        found = s.get(Case, world.cases["nacc"])
        assert found is not None
        s.expunge(found)
    return found


def _to_triage(world: World, client: FlaskClient) -> None:
    case = world.cases["nacc"]
    for status in ("acknowledged", "triage"):
        assert _post(client, f"/cases/{case}/status", status=status) == 303
    assert _case(world).status is CaseStatus.TRIAGE


def test_an_officers_conclusion_waits_for_a_supervisor(world: World) -> None:
    officer, boss = sign_in(world, "somchai"), sign_in(world, "boss")
    case = world.cases["nacc"]
    _to_triage(world, officer)
    url = f"/cases/{case}/status"
    assert _post(officer, url, status="concluded", conclusion="substantiated") == 303
    found = _case(world)
    assert found.status is CaseStatus.TRIAGE  # nothing changed for the source yet
    assert found.proposed_status is CaseStatus.CONCLUDED
    assert found.proposed_by == "somchai"
    page = officer.get(f"/cases/{case}").get_data(as_text=True)
    assert 'id="proposal"' in page
    assert "/approval/approve" not in page  # the officer cannot approve it
    # core refuses the officer's approval, not only the missing button
    assert _post(officer, f"/cases/{case}/approval/approve") == 403
    assert _case(world).status is CaseStatus.TRIAGE
    # and no other move while it waits
    assert _post(officer, url, status="assessment") == 303
    assert _case(world).status is CaseStatus.TRIAGE
    assert "/approval/approve" in boss.get(f"/cases/{case}").get_data(as_text=True)
    waiting = boss.get("/?awaiting=1").get_data(as_text=True)
    assert f"/cases/{case}" in waiting
    assert f"/cases/{world.cases['uni']}" not in waiting
    assert _post(boss, f"/cases/{case}/approval/approve") == 303
    found = _case(world)
    assert found.status is CaseStatus.CONCLUDED
    assert found.conclusion is not None
    assert found.approved_by == "boss"
    assert found.proposed_status is None
    assert 'id="approved-by">boss<' in officer.get(f"/cases/{case}").get_data(as_text=True)
    with world.session() as s:
        approved = s.scalars(
            select(AuditEvent).where(AuditEvent.action == "closure_approved")
        ).one()
    assert approved.actor == "boss"
    assert "proposed by somchai, approved by boss" in approved.detail


def test_a_supervisor_sends_a_closure_back(world: World) -> None:
    officer, boss = sign_in(world, "somchai"), sign_in(world, "boss")
    case = world.cases["nacc"]
    _to_triage(world, officer)
    assert _post(officer, f"/cases/{case}/status", status="closed") == 303
    assert _case(world).proposed_status is CaseStatus.CLOSED
    assert _post(boss, f"/cases/{case}/approval/return") == 303
    found = _case(world)
    assert found.status is CaseStatus.TRIAGE
    assert found.proposed_status is None
    with world.session() as s:
        actions = list(s.scalars(select(AuditEvent.action)))
    assert "closure_proposed" in actions
    assert "closure_returned" in actions


def test_a_supervisor_closes_directly_and_is_recorded(world: World) -> None:
    boss = sign_in(world, "boss")
    case = world.cases["nacc"]
    _to_triage(world, boss)
    assert _post(boss, f"/cases/{case}/status", status="closed") == 303
    found = _case(world)
    assert found.status is CaseStatus.CLOSED
    assert found.approved_by == "boss"


def test_officers_assign_only_where_the_desk_has_no_supervisor(world: World) -> None:
    """nacc has a supervisor: officers do not assign there. uni has none: malee still does,
    and closes cases as before (decision 076: nothing stops on the day of the upgrade)."""
    somchai, malee = sign_in(world, "somchai"), sign_in(world, "malee")
    nacc, uni = world.cases["nacc"], world.cases["uni"]
    assert _post(somchai, f"/cases/{nacc}/assign", assignee="") == 403
    assert f"cases/{nacc}/assign" not in somchai.get(f"/cases/{nacc}").get_data(as_text=True)
    assert _post(malee, f"/cases/{uni}/assign", assignee="") == 303
    for status in ("acknowledged", "closed"):
        assert _post(malee, f"/cases/{uni}/status", status=status) == 303
    with world.session() as s:
        closed = s.get(Case, uni)
        assert closed is not None
        assert closed.status is CaseStatus.CLOSED
        assert closed.approved_by is None


def _desk_id(world: World, slug: str) -> int:
    with world.session() as s:
        return s.scalars(select(Desk.id).where(Desk.slug == slug)).one()


def _reauth(world: World, name: str, offset: int = 1) -> dict[str, str]:
    person = world.people[name]
    return {"passphrase": person.passphrase, "code": totp_now(person.totp_secret, offset)}


def test_adding_a_reviewer_to_a_foreign_desk_needs_reauthentication(world: World) -> None:
    """Regression (issue 9, finding 8): the admin (a member of nacc only) could put a new
    reviewer in uni, and so read its cases, with nothing but a session."""
    admin = sign_in(world, "admin")
    uni = _desk_id(world, "uni")
    form = {"username": "mole", f"desk-{uni}": "1", f"role-{uni}": "supervisor"}
    assert _post(admin, "/admin/reviewers", **form) == 401
    with world.session() as s:
        assert s.scalars(select(Reviewer).where(Reviewer.username == "mole")).first() is None
    assert _post(admin, "/admin/reviewers", **form, **_reauth(world, "admin")) == 200
    with world.session() as s:
        mole = s.scalars(select(Reviewer).where(Reviewer.username == "mole")).one()
        assert memberships.roles_of(mole) == {uni: DeskRole.SUPERVISOR}
        notices = list(s.scalars(select(DeskKeyNotice)))
        assert [(n.reviewer_id, n.member_change) for n in notices] == [
            (s.scalars(select(Reviewer.id).where(Reviewer.username == "malee")).one(),
             "mole: supervisor")
        ]  # fmt: skip
        audited = list(s.scalars(select(AuditEvent.detail).where(
            AuditEvent.action == "membership_changed", AuditEvent.actor == "admin")))  # fmt: skip
    assert audited == ["mole at uni: none -> supervisor"]
    # malee sees it at her next sign-in, on every page, until she acknowledges it
    malee = sign_in(world, "malee")
    response = malee.get("/")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/notices")
    page = malee.get("/notices").get_data(as_text=True)
    assert "mole" in page
    token = csrf(page)
    url = f"/notices/{notices[0].id}/acknowledge"
    assert malee.post(url, data={"csrf_token": token}).status_code == 303
    assert malee.get("/").status_code == 200


def test_raising_a_role_at_a_foreign_desk_needs_reauthentication(world: World) -> None:
    admin = sign_in(world, "admin")
    uni = _desk_id(world, "uni")
    add_person(world, "watcher", False, ["uni"], DeskRole.AUDITOR)
    with world.session() as s:
        watcher = s.scalars(select(Reviewer.id).where(Reviewer.username == "watcher")).one()
    url = f"/admin/reviewers/{watcher}/desks"
    assert _post(admin, url, desk=str(uni), role="officer") == 401
    with world.session() as s:
        person = s.get(Reviewer, watcher)
        assert person is not None
        assert memberships.roles_of(person) == {uni: DeskRole.AUDITOR}
    assert _post(admin, url, desk=str(uni), role="officer", **_reauth(world, "admin")) == 303
    with world.session() as s:
        person = s.get(Reviewer, watcher)
        assert person is not None
        assert memberships.roles_of(person) == {uni: DeskRole.OFFICER}
        told = {n.member_change for n in s.scalars(select(DeskKeyNotice))}
    assert told == {"watcher: officer"}
    # lowering a role, or working at one's own desk, needs nothing more
    assert _post(admin, url, desk=str(uni), role="auditor") == 303
    nacc = _desk_id(world, "nacc")
    assert _post(admin, url, desk=str(nacc), role="officer") == 303


def test_a_replayed_code_does_not_reauthenticate(world: World) -> None:
    admin = sign_in(world, "admin")  # consumed the current code
    uni = _desk_id(world, "uni")
    form = {"username": "mole", f"desk-{uni}": "1"}
    assert _post(admin, "/admin/reviewers", **form, **_reauth(world, "admin", 0)) == 401


def test_the_api_shows_an_officers_proposal(
    world: World,
) -> None:
    """Through the API an officer's conclusion is a proposal too; the JSON says so."""
    client = world.reviewer_app.test_client()
    person = world.people["somchai"]
    body = {"username": "somchai", "passphrase": person.passphrase}
    token = client.post("/api/v1/token", json={**body, "token": totp_now(person.totp_secret)})
    headers = {"Authorization": f"Bearer {token.get_json()['token']}"}
    url = f"/api/v1/cases/{world.cases['nacc']}/status"
    for status in ("acknowledged", "triage"):
        assert client.put(url, json={"status": status}, headers=headers).status_code == 200
    response = client.put(
        url, json={"status": "concluded", "conclusion": "substantiated"}, headers=headers
    )
    assert response.status_code == 200
    shown = response.get_json()
    assert (shown["status"], shown["proposed_status"], shown["approved_by"]) == (
        "triage",
        "concluded",
        None,
    )
    again = client.put(url, json={"status": "assessment"}, headers=headers)
    assert again.status_code == 409  # waiting for the supervisor
