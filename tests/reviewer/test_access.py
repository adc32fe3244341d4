"""Access-control matrix: every case route × role × desk, with the two cases sent by two
sources and by one source who reported to both desks. Outside one's desks: 404; an auditor
is outside every case (decision 075), an officer of a desk with a supervisor does not
assign (403)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.models import Case, Desk, DeskRole, Reply, Submission
from tests.factories import (
    InstanceConfigs,
    World,
    add_person,
    make_world,
    sign_in,
    token_of,
    totp_now,
)


@pytest.fixture(params=[False, True], ids=["two-sources", "one-source-two-desks"])
def world(config: InstanceConfigs, request: pytest.FixtureRequest) -> World:
    return make_world(config, one_source=request.param)


CASE_GETS = [
    "/cases/{case}",
    "/cases/{case}/submissions/{item}/download",
    "/cases/{case}/delete",
    "/cases/{case}/submissions/{item}/delete",
]
CASE_POSTS = [
    ("/cases/{case}/export", {"which": "all"}),
    ("/cases/{case}/reply", {"message": "x"}),
    ("/cases/{case}/status", {"status": "acknowledged"}),
    ("/cases/{case}/assign", {"assignee": ""}),
    ("/cases/{case}/labels", {"category": "bribery"}),
    ("/cases/{case}/star", {}),
    ("/cases/{case}/submissions/{item}/delete", {}),
    ("/cases/{case}/delete", {}),
]
ADMIN_GETS = [
    "/admin/reviewers",
    "/admin/desks",
    "/admin/settings",
    "/admin/audit",
    "/admin/campaign",
    "/admin/campaign/poster-th.svg",
    "/admin/campaign/square-en.svg",
]
METRICS_GETS = ["/metrics?desk={desk}", "/metrics.csv?desk={desk}&month=2026-11"]
# (reviewer, desk of the case, allowed?)
MATRIX = [
    ("admin", "nacc", True),
    ("admin", "uni", False),  # admins too see only their desks' cases
    ("somchai", "nacc", True),
    ("somchai", "uni", False),
    ("malee", "uni", True),
    ("malee", "nacc", False),
]


def _item(world: World, case: int) -> int:
    with world.session() as s:
        item = s.scalars(select(Submission.id).where(Submission.case_id == case)).first()
    assert item is not None
    return item


REVIEWERS = ["admin", "somchai", "malee"]


@pytest.mark.parametrize("who", REVIEWERS)
def test_case_routes(world: World, who: str) -> None:
    """Every case route, for one reviewer, on both desks' cases: the GETs first, then the
    POSTs with the two deletions last, so each route still finds its case. One world per
    reviewer (a world per route cost a quarter of the whole suite's time)."""
    client = sign_in(world, who)
    token = token_of(client, "/")
    rows = [(desk, allowed) for person, desk, allowed in MATRIX if person == who]
    items = {desk: _item(world, world.cases[desk]) for desk, _allowed in rows}
    for desk, allowed in rows:
        for path in CASE_GETS:
            url = path.format(case=world.cases[desk], item=items[desk])
            with client.get(url) as response:
                status = response.status_code
            assert status == (200 if allowed else 404), (who, desk, path, status)
    for desk, allowed in rows:
        for path, data in CASE_POSTS:
            url = path.format(case=world.cases[desk], item=items[desk])
            with client.post(url, data={"csrf_token": token, **data}) as response:
                response.get_data()
                status = response.status_code
            assert status in ({200, 303} if allowed else {404}), (who, desk, path, status)


@pytest.mark.parametrize("who", ["admin", "somchai", "malee"])
def test_guessed_ids_of_missing_things_are_404(world: World, who: str) -> None:
    client = sign_in(world, who)
    own = world.cases["nacc" if who != "malee" else "uni"]
    assert client.get("/cases/99999").status_code == 404
    assert client.get(f"/cases/{own}/submissions/99999/download").status_code == 404
    other = world.cases["uni" if who != "malee" else "nacc"]
    foreign_item = _item(world, other)
    # An item of a foreign case, reached through one's own case id: still 404.
    assert client.get(f"/cases/{own}/submissions/{foreign_item}/download").status_code == 404


def test_admin_pages(world: World) -> None:
    admin, officer = sign_in(world, "admin"), sign_in(world, "somchai")
    for path in ADMIN_GETS:
        assert admin.get(path).status_code == 200, path
        assert officer.get(path).status_code == 403, path


@pytest.mark.parametrize("who", REVIEWERS)
def test_metrics_only_for_ones_desks(world: World, who: str) -> None:
    """A desk's metrics are for its own reviewers (admins included only at their desks)."""
    client = sign_in(world, who)
    with world.session() as s:
        desk_ids = {slug: id_ for slug, id_ in s.execute(select(Desk.slug, Desk.id)).all()}
        designations = list(s.scalars(select(Case.designation)))
    for person, desk, allowed in MATRIX:
        if person != who:
            continue
        for path in METRICS_GETS:
            response = client.get(path.format(desk=desk_ids[desk]))
            assert response.status_code == (200 if allowed else 404), (desk, path)
            if allowed:
                text = response.get_data(as_text=True)
                for designation in designations:
                    assert designation not in text  # no case detail on it


def test_everything_needs_sign_in(world: World) -> None:
    client = world.reviewer_app.test_client()
    case = world.cases["nacc"]
    for path in ["/", f"/cases/{case}", "/admin/reviewers", "/account", "/metrics"]:
        response = client.get(path)
        assert response.status_code == 303
        assert response.headers["Location"].endswith("/login")


def test_foreign_reply_cannot_be_deleted(world: World) -> None:
    somchai = sign_in(world, "somchai")
    malee = sign_in(world, "malee")
    uni = world.cases["uni"]
    malee.post(f"/cases/{uni}/reply", data={"csrf_token": token_of(malee, "/"), "message": "hi"})
    with world.session() as s:
        reply = s.scalars(select(Reply.id)).first()
    assert reply is not None
    nacc = world.cases["nacc"]
    assert somchai.get(f"/cases/{nacc}/replies/{reply}/delete").status_code == 404
    assert somchai.get(f"/cases/{uni}/replies/{reply}/delete").status_code == 404


# --- roles per desk (decision 075): every route × role × desk -----------------------------

# name -> (desk, role); admin and somchai are officers at nacc, malee an officer at uni.
ROLE_PEOPLE = {
    "sup-nacc": ("nacc", DeskRole.SUPERVISOR),
    "aud-nacc": ("nacc", DeskRole.AUDITOR),
    "sup-uni": ("uni", DeskRole.SUPERVISOR),
    "aud-uni": ("uni", DeskRole.AUDITOR),
}
# Who is what, seen from desk nacc (desk A), whose case every route below is about.
WORKS_CASES = {"admin", "somchai", "sup-nacc"}
ASSIGNS = {"sup-nacc"}  # nacc has a supervisor now: officers no longer assign
SEES_METRICS = {"admin", "somchai", "sup-nacc", "aud-nacc"}
READS_AUDIT = {"sup-nacc", "aud-nacc"}
# Every case route; the two deletions last (CASE_POSTS ends with them).
ROLE_POSTS = [
    *CASE_POSTS[:-2],
    ("/cases/{case}/hold", {"reason": "court order"}),
    ("/cases/{case}/release", {}),
    ("/cases/{case}/approval/approve", {}),  # nothing waits: refused, back to the case
    ("/cases/{case}/approval/return", {}),
    ("/cases/{case}/authorship/challenge", {}),
    ("/cases/{case}/authorship/reply", {}),
    ("/cases/{case}/authorship/verify", {"signature": "AAAA"}),
    ("/cases/{case}/replies/{reply}/delete", {}),  # the reply posted above, if one could
    *CASE_POSTS[-2:],
]


def test_the_role_matrix_covers_every_case_route(config: InstanceConfigs) -> None:
    """A case route added later without a line above would escape the matrix."""
    import journalist_interface

    app = journalist_interface.create_app(config.reviewer)
    routes = {
        rule.rule.replace("<id:case_id>", "{case}")
        .replace("<id:item_id>", "{item}")
        .replace("<id:reply_id>", "{reply}")
        .replace("<any(approve, return):what>", "{what}")
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/cases/<")
    }
    covered = set(CASE_GETS) | {path for path, _data in ROLE_POSTS}
    covered |= {"/cases/{case}/approval/{what}"}  # approve and return, both above
    assert routes - covered == set()


EVERYONE = ["admin", "somchai", "sup-nacc", "aud-nacc", "malee", "sup-uni", "aud-uni", None]


@pytest.fixture
def role_world(config: InstanceConfigs) -> World:
    w = make_world(config)
    for name, (desk, role) in ROLE_PEOPLE.items():
        add_person(w, name, False, [desk], role)
    return w


def _expected_case_status(who: str, path: str) -> set[int]:
    if who not in WORKS_CASES:
        return {404}
    if path.endswith("/assign") and who not in ASSIGNS:
        return {403}
    return {200, 303}


@pytest.mark.parametrize("who", EVERYONE, ids=lambda w: w or "signed-out")
def test_every_route_by_role_and_desk(role_world: World, who: str | None) -> None:
    """One world per person; the destructive posts come last, so each route sees the case."""
    world = role_world
    client = sign_in(world, who) if who else world.reviewer_app.test_client()
    case = world.cases["nacc"]
    with world.session() as s:
        nacc = s.scalars(select(Desk.id).where(Desk.slug == "nacc")).one()
    item = _item(world, case)
    token = token_of(client, "/login" if who is None else "/")
    seen: dict[str, int] = {}
    for path in CASE_GETS:
        with client.get(path.format(case=case, item=item)) as response:
            seen[path] = response.status_code
    for path, data in ROLE_POSTS:
        with world.session() as s:
            reply = s.scalar(select(Reply.id).where(Reply.case_id == case)) or 2**31 - 2
        url = path.format(case=case, item=item, reply=reply)
        with client.post(url, data={"csrf_token": token, **data}) as response:
            response.get_data()
            seen[path] = response.status_code
    desk_paths = [*METRICS_GETS, "/desks/{desk}/audit", *ADMIN_GETS]
    desk_seen = {p: client.get(p.format(desk=nacc)).status_code for p in desk_paths}
    if who is None:
        assert all(status in {303, 400} for status in [*seen.values(), *desk_seen.values()])
        return
    for path, status in seen.items():
        assert status in _expected_case_status(who, path), (who, path, status)
    for path in METRICS_GETS:
        assert desk_seen[path] == (200 if who in SEES_METRICS else 404), (who, path)
    audit = desk_seen["/desks/{desk}/audit"]
    assert audit == (200 if who in READS_AUDIT else 404), who
    for path in ADMIN_GETS:  # admin stays instance-wide, whatever the desk role
        assert desk_seen[path] == (200 if who == "admin" else 403), (who, path)


@pytest.mark.parametrize("who", ["aud-nacc", "sup-uni"])
def test_api_refuses_cases_outside_ones_case_desks(role_world: World, who: str) -> None:
    """An auditor (and anyone of another desk) gets no case through the API either."""
    client = role_world.reviewer_app.test_client()
    person = role_world.people[who]
    body = {"username": who, "passphrase": person.passphrase}
    response = client.post("/api/v1/token", json={**body, "token": totp_now(person.totp_secret)})
    headers = {"Authorization": f"Bearer {response.get_json()['token']}"}
    case = role_world.cases["nacc"]
    assert client.get(f"/api/v1/cases/{case}", headers=headers).status_code == 404
    assert client.get(f"/api/v1/cases/{case}/submissions", headers=headers).status_code == 404
    listed = client.get("/api/v1/cases", headers=headers).get_json()
    assert case not in [c["id"] for c in listed["items"]]


def test_auditor_sees_the_desk_audit_log_but_no_designation(role_world: World) -> None:
    world = role_world
    somchai = sign_in(world, "somchai")
    case = world.cases["nacc"]
    somchai.post(f"/cases/{case}/star", data={"csrf_token": token_of(somchai, "/")})
    somchai.get(f"/cases/{case}")  # audited: case_viewed
    with world.session() as s:
        nacc = s.scalars(select(Desk.id).where(Desk.slug == "nacc")).one()
        found = s.get(Case, case)
        assert found is not None
        designation, ref = found.designation, found.audit_ref
    page = sign_in(world, "aud-nacc").get(f"/desks/{nacc}/audit").get_data(as_text=True)
    assert "case_viewed" in page
    assert ref in page
    assert designation not in page
    other = sign_in(world, "aud-uni").get(f"/desks/{nacc}/audit")
    assert other.status_code == 404
