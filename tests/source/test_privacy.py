"""The PDPA notice at collection: /privacy in Thai and English, linked from every source page."""

from __future__ import annotations

import dataclasses

import pytest
from flask.testing import FlaskClient

from core import settings as instance_settings
from tests.factories import Instance, new_source


def test_the_notice_covers_what_the_pdpa_asks_for_in_thai(client: FlaskClient) -> None:
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="th">' in page
    for words in [
        "ประกาศความเป็นส่วนตัว",
        "ผู้ควบคุมข้อมูลส่วนบุคคล",  # the controller
        "สำนักงาน ป.ป.ช.",  # a receiving desk, by name
        "มาตรา 24(4)",  # the lawful basis
        "ข้อมูลที่ระบบเก็บไว้",
        "ข้อมูลที่ระบบไม่เก็บ",
        "หมายเลข IP",
        "ระยะเวลาการเก็บข้อมูล",
        "สิทธิของคุณและข้อจำกัด",
        "ผู้ที่ถูกกล่าวถึงในเรื่องที่คุณแจ้ง",  # the rights of the people reported
        "www.pdpc.or.th",
    ]:
        assert words in page, words
    assert "ไม่เคยเชื่อมต่ออินเทอร์เน็ต" not in page


def test_the_notice_in_english_shows_the_instance_settings(
    client: FlaskClient, instance: Instance
) -> None:
    with instance.session() as s, s.begin():
        current = instance_settings.load(s, 500 * 1024 * 1024, "th")
        instance_settings.save(
            s,
            dataclasses.replace(
                current,
                organisation="ศูนย์ต้านทุจริต มหาวิทยาลัย",
                privacy_contact="dpo@example.ac.th",
                retention_days=365,
            ),
        )
    client.get("/language/en")
    page = client.get("/privacy").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "ศูนย์ต้านทุจริต มหาวิทยาลัย runs this dropbox" in page
    assert "dpo@example.ac.th" in page
    assert "deleted 365 days after it was closed" in page
    assert "legal basis" in page
    assert "The people you report" in page


def test_without_a_contact_the_notice_says_where_to_ask(client: FlaskClient) -> None:
    client.get("/language/en")
    page = client.get("/privacy").get_data(as_text=True)
    assert "through the official channels of the organisation you report to" in page
    assert "deleted 365 days after it was closed" in page  # the default retention


def test_without_a_retention_period_the_notice_says_who_deletes(
    client: FlaskClient, instance: Instance
) -> None:
    with instance.session() as s, s.begin():
        current = instance_settings.load(s, 500 * 1024 * 1024, "th")
        instance_settings.save(s, dataclasses.replace(current, retention_days=0))
    client.get("/language/en")
    page = client.get("/privacy").get_data(as_text=True)
    assert "kept until the receiving organisation deletes it" in page


@pytest.mark.parametrize(
    "path", ["/", "/corruption", "/generate", "/login", "/session-ended", "/no-such-page"]
)
def test_every_source_page_links_the_notice(client: FlaskClient, path: str) -> None:
    page = client.get(path).get_data(as_text=True)
    assert 'href="/privacy"' in page, path


def test_the_signed_in_pages_link_the_notice(client: FlaskClient) -> None:
    new_source(client)
    assert 'href="/privacy"' in client.get("/lookup").get_data(as_text=True)
