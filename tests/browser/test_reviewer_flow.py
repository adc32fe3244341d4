"""End to end in Chromium, JavaScript off: a source reports; an officer signs in with TOTP,
reads the inbox and the case, replies, acknowledges and exports; the source sees it all."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pyotp
import pytest
from playwright.sync_api import Browser, Page

from core import desks
from crypto import passphrase, totp_seal
from store.models import Reviewer
from tests.browser.support import LiveApp

PASSPHRASE = "quiet river copper lantern orbit velvet maple"


@pytest.fixture
def officer_page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        java_script_enabled=False,
        accept_downloads=True,
        viewport={"width": 1280, "height": 900},
        locale="th-TH",
    )
    try:
        yield context.new_page()
    finally:
        context.close()


def _add_officer(live: LiveApp) -> str:
    secret = pyotp.random_base32()
    hasher = passphrase.make_hasher(1, 64)
    public = totp_seal.public_key(live.config.reviewer.totp_key)
    with live.config.session() as s, s.begin():
        s.add(
            Reviewer(
                username="somchai",
                passphrase_hash=passphrase.hash_passphrase(PASSPHRASE, hasher),
                totp_secret=totp_seal.seal(public, secret),
                is_admin=False,
                active=True,
                failed_logins=0,
                created_at=dt.datetime.now(dt.UTC),
                desks=desks.listed(s),
            )
        )
    return secret


def test_officer_replies_and_the_source_sees_it(
    page: Page,
    officer_page: Page,
    live_source: LiveApp,
    live_reviewer: LiveApp,
    screenshot: Callable[[Page, str], Path],
) -> None:
    # A source reports.
    page.goto(live_source.url + "/generate")
    page.click("button[type=submit]")
    codename = page.locator("#codename").inner_text()
    page.click("form[action='/create'] button[type=submit]")
    page.select_option("select[name=desk]", "nacc")
    page.fill("textarea[name=msg]", "ผู้อำนวยการเรียกเงินค่าอนุมัติโครงการ")
    page.click("form[action='/submit'] button[type=submit]")
    assert codename

    # An officer signs in with passphrase + TOTP and finds the case.
    secret = _add_officer(live_reviewer)
    officer = officer_page
    officer.goto(live_reviewer.url + "/")
    assert officer.url.endswith("/login")
    officer.fill("input[name=username]", "somchai")
    officer.fill("input[name=passphrase]", PASSPHRASE)
    officer.fill("input[name=token]", pyotp.TOTP(secret).now())
    screenshot(officer, "signin")
    officer.click("form[action='/login'] button[type=submit]")
    assert officer.url.endswith("/")
    screenshot(officer, "inbox")
    officer.click("table.inbox a")
    screenshot(officer, "case")

    officer.fill("textarea[name=message]", "ได้รับเรื่องแล้ว ขอบคุณที่แจ้ง เราจะตรวจสอบต่อไป")
    officer.click("form[action$='/reply'] button[type=submit]")
    assert officer.locator(".notice").count() == 1
    officer.select_option("select[name=status]", "acknowledged")
    officer.click("form[action$='/status'] button[type=submit]")
    assert officer.locator("#case-status").inner_text().startswith("ยืนยันการรับเรื่องแล้ว")
    screenshot(officer, "case-acknowledged")

    with officer.expect_download() as download_info:
        officer.click("button[name=which][value=all]")
    bundle = zipfile.ZipFile(io.BytesIO(Path(download_info.value.path()).read_bytes()))
    manifest = json.loads(bundle.read("manifest.json"))
    assert sorted(i["kind"] for i in manifest["items"]) == ["message", "reply"]

    # The source comes back and sees the reply and the new status.
    page.goto(live_source.url + "/lookup")
    assert "ได้รับเรื่องแล้ว ขอบคุณที่แจ้ง" in page.locator("main").inner_text()
    assert page.locator("#status").inner_text() == "ยืนยันการรับเรื่องแล้ว"
    screenshot(page, "source-sees-reply")
