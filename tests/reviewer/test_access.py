"""Access-control matrix: every case route × role × desk, with the two cases sent by two
sources and by one source who reported to both desks. Outside one's desks: 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from store.models import Reply, Submission
from tests.factories import InstanceConfigs, World, make_world, sign_in, token_of


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


@pytest.mark.parametrize(("who", "desk", "allowed"), MATRIX)
@pytest.mark.parametrize("path", CASE_GETS)
def test_case_gets(world: World, who: str, desk: str, allowed: bool, path: str) -> None:
    client = sign_in(world, who)
    case = world.cases[desk]
    with client.get(path.format(case=case, item=_item(world, case))) as response:
        status = response.status_code
    assert (status == 200) == allowed
    assert status in {200, 404}


@pytest.mark.parametrize(("who", "desk", "allowed"), MATRIX)
@pytest.mark.parametrize(("path", "data"), CASE_POSTS)
def test_case_posts(
    world: World, who: str, desk: str, allowed: bool, path: str, data: dict[str, str]
) -> None:
    client = sign_in(world, who)
    case = world.cases[desk]
    url = path.format(case=case, item=_item(world, case))
    with client.post(url, data={"csrf_token": token_of(client, "/"), **data}) as response:
        response.get_data()
    if allowed:
        assert response.status_code in {200, 303}
    else:
        assert response.status_code == 404


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


@pytest.mark.parametrize("path", ADMIN_GETS)
def test_admin_pages(world: World, path: str) -> None:
    assert sign_in(world, "admin").get(path).status_code == 200
    assert sign_in(world, "somchai").get(path).status_code == 403


@pytest.mark.parametrize(("who", "desk", "allowed"), MATRIX)
@pytest.mark.parametrize("path", METRICS_GETS)
def test_metrics_only_for_ones_desks(
    world: World, who: str, desk: str, allowed: bool, path: str
) -> None:
    """A desk's metrics are for its own reviewers (admins included only at their desks)."""
    with world.session() as s:
        from store.models import Desk

        desk_id = s.scalars(select(Desk.id).where(Desk.slug == desk)).one()
    response = sign_in(world, who).get(path.format(desk=desk_id))
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        text = response.get_data(as_text=True)
        with world.session() as s:
            from store.models import Case

            for designation in s.scalars(select(Case.designation)):
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
