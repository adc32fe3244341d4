"""Inbox search through the real reviewer app, on both engines: a word of the designation,
the external reference number, a label (category or province, Thai or English), combined
with the inbox's filters, and never a case of another desk."""

from __future__ import annotations

import re
from urllib.parse import quote

import pytest
from flask.testing import FlaskClient

from store.models import Case
from tests.factories import World, csrf, sign_in


@pytest.fixture
def labelled(world: World) -> World:
    """nacc's case: "amber river", referred as ปช 0001/2569, bribery in Chiang Mai; uni's
    case shares the word "amber" and the province."""
    with world.session() as s, s.begin():
        nacc = s.get(Case, world.cases["nacc"])
        uni = s.get(Case, world.cases["uni"])
        assert nacc is not None
        assert uni is not None
        nacc.designation, uni.designation = "amber river", "amber tiger"
        nacc.external_reference = "ปช 0001/2569"
        uni.file_number = "UNI-77/2569"
        nacc.category, nacc.province = "bribery", "TH-50"
        uni.category, uni.province = "embezzlement", "TH-50"
    return world


def _found(client: FlaskClient, query: str) -> list[int]:
    response = client.get("/?" + query)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    return sorted({int(i) for i in re.findall(r'href="/cases/(\d+)"', page)})


@pytest.mark.parametrize(
    "query",
    [
        "q=amber",
        "q=RIVER",
        "q=amber+river",
        "q=0001%2F2569",
        "q=" + quote("ปช 0001/2569"),  # as typed, two words
        "q=bribery",
        "q=" + quote("สินบน"),  # part of the Thai label การให้หรือรับสินบน
        "q=chiang",
        "q=" + quote("เชียงใหม่"),
        "q=amber&status=received",
        "q=river&sort=designation&page=1",
    ],
)
def test_a_search_finds_the_case(labelled: World, query: str) -> None:
    assert _found(sign_in(labelled, "somchai"), query) == [labelled.cases["nacc"]]


@pytest.mark.parametrize(
    "query",
    [
        "q=amb",  # a designation matches by whole words
        "q=amber+tiger",  # the other desk's case: its name is no match here
        "q=tiger",
        "q=embezzlement",  # the other desk's label
        "q=0002",
        "q=%25",  # a LIKE wildcard is a plain character
        "q=_",
        "q=amber&status=acknowledged",
        "q=amber&starred=1",
        "q=amber&assignee=me",
    ],
)
def test_a_search_finds_nothing_else(labelled: World, query: str) -> None:
    assert _found(sign_in(labelled, "somchai"), query) == []


def test_a_search_never_shows_another_desks_case(labelled: World) -> None:
    malee = sign_in(labelled, "malee")
    assert _found(malee, "q=amber") == [labelled.cases["uni"]]
    assert _found(malee, "q=chiang") == [labelled.cases["uni"]]
    page = malee.get("/?q=amber").get_data(as_text=True)
    assert "amber river" not in page
    assert _found(malee, f"q=amber&desk={labelled.cases['nacc']}") == [labelled.cases["uni"]]
    assert _found(malee, "q=0001%2F2569") == []
    assert _found(malee, "q=bribery") == []


def test_a_file_number_set_on_the_case_page_is_found(labelled: World) -> None:
    somchai = sign_in(labelled, "somchai")
    case_id = labelled.cases["nacc"]
    page = somchai.get(f"/cases/{case_id}").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "category": "bribery", "province": "TH-50"}
    response = somchai.post(f"/cases/{case_id}/labels", data={**data, "file_number": "NACC-42"})
    assert response.status_code in (302, 303)
    assert "NACC-42" in somchai.get(f"/cases/{case_id}").get_data(as_text=True)
    assert _found(somchai, "q=nacc-42") == [case_id]
    assert _found(somchai, "q=UNI-77") == []  # the other desk's file number
    assert _found(sign_in(labelled, "malee"), "q=uni-77") == [labelled.cases["uni"]]


def test_the_search_box_keeps_what_was_typed(labelled: World) -> None:
    page = sign_in(labelled, "somchai").get("/?q=%3Cb%3Eamber").get_data(as_text=True)
    assert 'value="&lt;b&gt;amber"' in page
    assert "<b>amber" not in page
