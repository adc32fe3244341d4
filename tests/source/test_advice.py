"""Safety advice that fits a student as well as an employee, and promises nothing false."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient

from tests.factories import csrf, new_source
from tests.source.support import submit_data


def _codename_page(client: FlaskClient) -> str:
    token = csrf(client.get("/generate").get_data(as_text=True))
    return client.post("/generate", data={"csrf_token": token, "words": "th"}).get_data(
        as_text=True
    )


def _thank_you_page(client: FlaskClient) -> str:
    new_source(client)
    data = submit_data(client, fh=[(io.BytesIO(b""), "")])
    response = client.post(
        "/submit", data=data, content_type="multipart/form-data", follow_redirects=True
    )
    return response.get_data(as_text=True)


def test_the_front_page_advises_students_and_employees(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    for words in [
        "โรงเรียนหรือที่ทำงาน",  # no school or work computer, phone or Wi-Fi
        "เครื่องที่ใช้ร่วมกันในครอบครัว",  # no shared family device
        "torproject.org",
        "Onion Browser",
        "รายละเอียดที่มีคนรู้เพียงไม่กี่คน",
        "ปิด Tor Browser",
    ]:
        assert words in page, words
    # Tor Browser's Thai label first, the English one after it.
    assert page.index("“ปลอดภัยที่สุด”") < page.index("(Safest)")


def test_the_metadata_line_does_not_over_promise(client: FlaskClient) -> None:
    client.get("/language/en")
    page = client.get("/").get_data(as_text=True)
    assert "but not what can be seen in them" in page
    assert "never connected" not in page
    assert "before they share anything" not in page


def test_the_codename_page_warns_about_screenshots_and_the_cloud(client: FlaskClient) -> None:
    page = _codename_page(client)
    assert "อย่าแคปหน้าจอ" in page
    assert "LINE" in page
    assert "คลาวด์" in page
    assert "โรงเรียน" in page


def test_the_thank_you_page_gives_the_advice_again(client: FlaskClient) -> None:
    page = _thank_you_page(client)
    assert "ขอบคุณ" in page
    for words in ["อย่าแคปหน้าจอ", "LINE", "ปิด Tor Browser", "โรงเรียน"]:
        assert words in page, words


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        ("th", ["แป๊ะเจี๊ยะ", "งบอาหารกลางวัน", "โดยมิชอบ"]),
        ("en", ["Tea money for a school place", "school-lunch budget"]),
    ],
)
def test_corruption_examples_a_student_recognises(
    client: FlaskClient, lang: str, words: list[str]
) -> None:
    client.get(f"/language/{lang}")
    page = client.get("/corruption").get_data(as_text=True)
    for word in words:
        assert word in page, word
