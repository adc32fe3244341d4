"""End to end in real Chromium with JavaScript off: report, leave, come back, see the status."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from crypto import age
from crypto.inner import open_inner
from store.db import make_engine, session_factory
from store.models import Submission
from tests.browser.support import LiveApp

# The source's side on PostgreSQL runs in tests/source (same app) and in the browser through
# test_reviewer_flow, on both engines; these two flows stay on SQLite (decision 045).
pytestmark = pytest.mark.engines("sqlite")

EVIDENCE = bytes(range(256)) * 600  # 150 KB, binary
PHOTO = b"\xff\xd8\xff\xe0 not really a jpeg " * 100


def _open_all(live: LiveApp) -> dict[str, tuple[dict[str, object], bytes]]:
    engine = make_engine(live.config.database_url)
    out: dict[str, tuple[dict[str, object], bytes]] = {}
    with session_factory(engine)() as session:
        for sub in session.scalars(select(Submission)):
            path = live.config.store_root / sub.blob_name[:2] / sub.blob_name
            with path.open("rb") as f:
                header, content = open_inner(age.decrypt_chunks(f, [live.desk_identity]))
                data = b"".join(content)
            key = str(header.get("filename", "message"))
            out[key] = (header, data)
    engine.dispose()
    return out


@pytest.mark.parametrize("lang", ["th", "en"])
def test_report_log_out_and_come_back(
    page: Page,
    live_source: LiveApp,
    screenshot: Callable[[Page, str], Path],
    tmp_path: Path,
    lang: str,
) -> None:
    url = live_source.url
    page.goto(url + "/")
    if lang == "en":
        page.click("nav.lang a")
    assert page.locator("html").get_attribute("lang") == lang
    screenshot(page, "index")

    page.click("a[href='/generate']")
    page.check(f"input[name=words][value={lang}]")
    screenshot(page, "choose-words")
    page.click("button[type=submit]")
    codename = page.locator("#codename").inner_text().strip()
    words = codename.split()
    assert len(words) == (8 if lang == "th" else 7)  # decision 091
    thai = re.compile(r"^[\u0e01-\u0e4e]+$")
    assert all(thai.match(w) for w in words) == (lang == "th")
    screenshot(page, "codename")
    page.click("form[action='/create'] button[type=submit]")
    assert page.url.endswith("/lookup")
    screenshot(page, "lookup-empty")

    evidence, photo = tmp_path / "สัญญาจ้าง.pdf", tmp_path / "photo.jpg"
    evidence.write_bytes(EVIDENCE)
    photo.write_bytes(PHOTO)
    page.select_option("select[name=desk]", "nacc")
    page.click("details.structured summary")  # native <details>: no script needed
    page.fill("input[name=agency]", "กรมทางหลวงชนบท")
    page.fill("input[name=official_position]", "หัวหน้าฝ่ายพัสดุ")
    page.select_option("select[name=province]", "TH-50")
    page.check("input[name=wrongdoing][value=procurement_fraud]")
    page.check("input[name=wrongdoing][value=bribery]")
    page.check("input[name=when_kind][value=range]")
    page.fill("input[name=when_from]", "2026-01-05")
    page.fill("input[name=when_to]", "2026-02-10")
    page.fill("input[name=amount_baht]", "2,400,000")
    page.check("input[name=wants_contact]")
    page.fill("textarea[name=msg]", "มีการล็อกสเปกให้บริษัทเดียวชนะการประมูล")
    page.set_input_files("input[name=fh]", [str(evidence), str(photo)])
    screenshot(page, "lookup-filled")
    page.click("form[action='/submit'] button[type=submit]")
    assert page.locator("h1").count() == 1
    screenshot(page, "submitted")

    opened = _open_all(live_source)
    assert opened["สัญญาจ้าง.pdf"][1] == EVIDENCE
    assert opened["photo.jpg"][1] == PHOTO
    header, message = opened["message"]
    assert message.decode() == "มีการล็อกสเปกให้บริษัทเดียวชนะการประมูล"
    fields = header["fields"]
    assert isinstance(fields, dict)
    assert fields["province"] == "TH-50"
    assert fields["wrongdoing"] == ["bribery", "procurement_fraud"]
    assert header["language"] == lang

    page.goto(url + "/lookup")
    page.click("form.logout button")
    screenshot(page, "logged-out")
    page.goto(url + "/lookup")
    assert page.url.endswith("/login")

    respaced = "  " + "   ".join(words).upper() + " " if lang == "en" else "".join(words)
    page.fill("input[name=codename]", respaced)
    screenshot(page, "login")
    page.click("form[action='/login'] button[type=submit]")
    assert page.url.endswith("/lookup")
    status = page.locator("#status").inner_text()
    assert status == ("ได้รับเรื่องแล้ว" if lang == "th" else "Received")
    screenshot(page, "status")


def test_wrong_codename_and_expired_page(
    page: Page, live_source: LiveApp, screenshot: Callable[[Page, str], Path]
) -> None:
    page.goto(live_source.url + "/login")
    page.fill("input[name=codename]", "ไม่ใช่ รหัส นี้")
    page.click("form[action='/login'] button[type=submit]")
    assert page.locator("#login-error").is_visible()
    screenshot(page, "wrong-codename")
    page.goto(live_source.url + "/session-ended")
    screenshot(page, "session-ended")
