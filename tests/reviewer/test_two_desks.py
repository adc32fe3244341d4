"""One source, two desks, through the real apps: each desk sees exactly what was sent to it,
under a designation of its own, and cannot tell that the same person reported elsewhere."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import age
from crypto.errors import CryptoError
from crypto.inner import open_inner
from crypto.keys import Identity
from store.models import Case, Source
from tests.factories import World, case_ids, new_source, send_tip, sign_in, token_of

Both = tuple[FlaskClient, dict[str, int]]


def _open(data: bytes, identity: Identity) -> bytes:
    _header, content = open_inner(age.decrypt_chunks(io.BytesIO(data), [identity]))
    return b"".join(content)


@pytest.fixture
def both(world: World) -> tuple[FlaskClient, dict[str, int]]:
    """A source reports to nacc, then, with the same codename, to uni."""
    source = world.source_app.test_client()
    new_source(source)
    send_tip(source, "nacc", "ผู้อำนวยการรับเงินใต้โต๊ะ", files=1)
    send_tip(source, "uni", "เรื่องเดียวกันที่มหาวิทยาลัย", files=0)
    send_tip(source, "nacc", "ข้อมูลเพิ่มเติมถึง ป.ป.ช.", files=0)
    with world.session() as s:
        person = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert person is not None
        cases = {c.desk.slug: c.id for c in person.cases}
    return source, cases


def test_a_source_has_one_case_per_desk(world: World, both: Both) -> None:
    _source, cases = both
    assert set(cases) == {"nacc", "uni"}
    with world.session() as s:
        nacc, uni = s.get(Case, cases["nacc"]), s.get(Case, cases["uni"])
        assert nacc is not None
        assert uni is not None
        assert [i.kind.value for i in nacc.submissions] == ["message", "file", "message"]
        assert [i.kind.value for i in uni.submissions] == ["message"]
        # Each case has its own clocks and its own random handle.
        assert nacc.designation != uni.designation
        assert set(nacc.designation.split()).isdisjoint(uni.designation.split())
        assert nacc.acknowledge_due_on is not None
        assert uni.acknowledge_due_on is not None


def test_the_source_page_lists_each_case(world: World, both: Both) -> None:
    source, _cases = both
    source.get("/language/en")
    page = source.get("/lookup").get_data(as_text=True)
    assert "Sent to NACC" in page
    assert "Sent to University centre" in page
    assert page.count('class="case"') == 2


def test_each_desk_sees_exactly_its_own_items(world: World, both: Both) -> None:
    _source, cases = both
    somchai, malee = sign_in(world, "somchai"), sign_in(world, "malee")
    nacc_inbox = somchai.get("/").get_data(as_text=True)
    uni_inbox = malee.get("/").get_data(as_text=True)
    assert cases["nacc"] in case_ids(nacc_inbox)
    assert cases["uni"] not in case_ids(nacc_inbox)
    assert cases["uni"] in case_ids(uni_inbox)
    assert cases["nacc"] not in case_ids(uni_inbox)
    assert somchai.get(f"/cases/{cases['uni']}").status_code == 404
    assert malee.get(f"/cases/{cases['nacc']}").status_code == 404

    texts: dict[str, list[str]] = {}
    for desk, client in (("nacc", somchai), ("uni", malee)):
        case = cases[desk]
        token = token_of(client, f"/cases/{case}")
        response = client.post(f"/cases/{case}/export", data={"csrf_token": token, "which": "all"})
        bundle = zipfile.ZipFile(io.BytesIO(response.get_data()))
        manifest = json.loads(bundle.read("manifest.json"))
        assert {item["desk"] for item in manifest["items"]} == {desk}
        other = "uni" if desk == "nacc" else "nacc"
        for item in manifest["items"]:
            data = bundle.read(item["path"])
            # Opens with this desk's key, and only there.
            with pytest.raises(CryptoError):
                _open(data, world.desks[other])
            if item["kind"] == "message":
                texts.setdefault(desk, []).append(_open(data, world.desks[desk]).decode())
    assert texts == {
        "nacc": ["ผู้อำนวยการรับเงินใต้โต๊ะ", "ข้อมูลเพิ่มเติมถึง ป.ป.ช."],
        "uni": ["เรื่องเดียวกันที่มหาวิทยาลัย"],
    }


def test_nothing_on_a_desk_page_names_the_other_case(world: World, both: Both) -> None:
    _source, cases = both
    with world.session() as s:
        names = {desk: (s.get(Case, cid) or Case()).designation for desk, cid in cases.items()}
    somchai, malee = sign_in(world, "somchai"), sign_in(world, "malee")
    pages = {
        "nacc": somchai.get(f"/cases/{cases['nacc']}").get_data(as_text=True)
        + somchai.get("/").get_data(as_text=True),
        "uni": malee.get(f"/cases/{cases['uni']}").get_data(as_text=True)
        + malee.get("/").get_data(as_text=True),
    }
    assert names["uni"] not in pages["nacc"]
    assert names["nacc"] not in pages["uni"]
    # Not even the other desk's name: nothing says the source also went elsewhere.
    assert "ศูนย์ต้านทุจริต มหาวิทยาลัย" not in pages["nacc"]
    assert "สำนักงาน ป.ป.ช." not in pages["uni"]


def test_replies_go_to_their_own_case(world: World, both: Both) -> None:
    source, cases = both
    malee = sign_in(world, "malee")
    token = token_of(malee, f"/cases/{cases['uni']}")
    malee.post(f"/cases/{cases['uni']}/reply", data={"csrf_token": token, "message": "รับทราบ"})
    with world.session() as s:
        uni, nacc = s.get(Case, cases["uni"]), s.get(Case, cases["nacc"])
        assert uni is not None
        assert nacc is not None
        assert len(uni.replies) == 1
        assert nacc.replies == []
    source.get("/language/en")
    page = source.get("/lookup").get_data(as_text=True)
    uni_section = page[page.index("Sent to University centre") :]
    assert "รับทราบ" in uni_section
