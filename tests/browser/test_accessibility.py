"""Every page of both apps passes axe-core at WCAG 2.1 AA, in Thai and English, at desktop width
and on a 360 px phone; the reviewer inbox fits a phone without horizontal scrolling.

The pages are reached as a source or an officer would, with JavaScript off. Each page's HTML is
then served again, unchanged, to a second context where JavaScript is on (and the CSP bypassed)
only so that axe-core (fetched from npm by `make test`'s setup, read from disk) can run in it.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyotp
import pytest
from playwright.sync_api import Browser, Page, Route, ViewportSize

from core import desks
from crypto import passphrase, totp_seal
from store.models import Reviewer
from tests.browser.support import LiveApp
from tests.tools import IN_CI

# axe reads the markup the templates make, which no database engine changes; the pages'
# behaviour on PostgreSQL is the interface tests' business (this halves a 4-minute file).
pytestmark = pytest.mark.engines("sqlite")

PASSPHRASE = "quiet river copper lantern orbit velvet maple"
AXE = Path(os.environ.get("WESTRONG_AXE", Path(sys.prefix) / "axe-core" / "axe.min.js"))
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
WIDTHS: dict[str, ViewportSize] = {
    "desktop": {"width": 1280, "height": 900},
    "phone": {"width": 360, "height": 740},
}
RUN_AXE = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}});
  return result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map(n => n.target.join(" ")),
  }));
}"""
OVERFLOW = "() => document.documentElement.scrollWidth - window.innerWidth"


def _axe_script() -> Path:
    if not AXE.is_file():
        message = f"axe-core is not at {AXE} (make test fetches it with npm during setup)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return AXE


@dataclass
class Pages:
    """HTML of each page as the browser received it, by name, with its URL."""

    seen: dict[str, tuple[str, str]] = field(default_factory=dict)

    def keep(self, name: str, page: Page) -> None:
        page.wait_for_load_state("load")
        assert "<title>" in page.content(), name
        self.seen[name] = (page.url, page.content())


def _serving(html: str) -> Callable[[Route], None]:
    def serve(route: Route) -> None:
        route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")

    return serve


def _check(browser: Browser, viewport: ViewportSize, pages: Pages) -> dict[str, Any]:
    """Run axe on every kept page; return the violations and overflows by page name."""
    script = _axe_script()
    context = browser.new_context(java_script_enabled=True, bypass_csp=True, viewport=viewport)
    problems: dict[str, Any] = {}
    try:
        page = context.new_page()
        for name, (url, html) in pages.seen.items():
            page.route(url, _serving(html))
            page.goto(url)
            page.unroute(url)
            page.add_script_tag(path=str(script))
            violations = page.evaluate(RUN_AXE, TAGS)
            if violations:
                problems[name] = violations
            overflow = page.evaluate(OVERFLOW)
            if overflow > 0:
                problems[f"{name}: scrolls sideways"] = f"{overflow} px too wide"
    finally:
        context.close()
    return problems


@pytest.fixture(params=list(WIDTHS))
def viewport(request: pytest.FixtureRequest) -> ViewportSize:
    return WIDTHS[request.param]


@pytest.fixture
def nojs(browser: Browser, viewport: ViewportSize) -> Iterator[Page]:
    context = browser.new_context(java_script_enabled=False, viewport=viewport, locale="th-TH")
    try:
        yield context.new_page()
    finally:
        context.close()


def _source_pages(page: Page, live: LiveApp, lang: str) -> Pages:
    pages = Pages()
    base = live.url
    page.goto(f"{base}/language/{lang}?next=/")
    pages.keep("index", page)
    for path in ("/corruption", "/privacy", "/login", "/session-ended", "/no-such-page"):
        page.goto(base + path)
        pages.keep(path, page)
    page.goto(base + "/generate")
    pages.keep("generate", page)
    page.click("form[action='/generate'] button[type=submit]")
    pages.keep("codename", page)
    page.click("form[action='/create'] button[type=submit]")
    pages.keep("lookup (new)", page)
    page.select_option("select[name=desk]", "nacc")
    page.click("form[action='/submit'] button[type=submit]")  # nothing written: an error
    pages.keep("lookup (errors)", page)
    page.select_option("select[name=desk]", "nacc")
    page.fill("textarea[name=msg]", "ครูใหญ่เรียกเงินแป๊ะเจี๊ยะ 20,000 บาท")
    page.click("form[action='/submit'] button[type=submit]")
    pages.keep("thank you", page)
    page.goto(base + "/lookup")
    pages.keep("lookup (a case)", page)
    page.goto(base + "/authorship")
    pages.keep("authorship", page)
    page.fill("input[name=challenge]", "67X9-WBKV-TJ2Y-0TWA")
    page.click("form[action='/authorship'] button[type=submit]")
    pages.keep("authorship (signed)", page)
    page.goto(base + "/identity")
    pages.keep("identity", page)
    page.fill("textarea[name=details]", "สมหญิง 081-234-5678")
    page.click("form[action='/identity'] button[type=submit]")  # not ticked: an error
    pages.keep("identity (errors)", page)
    page.click("form[action='/logout'] button[type=submit]")
    pages.keep("logged out", page)
    return pages


def _add_admin(live: LiveApp) -> str:
    secret = pyotp.random_base32()
    hasher = passphrase.make_hasher(1, 64)
    public = totp_seal.public_key(live.config.reviewer.totp_key)
    with live.config.session() as s, s.begin():
        s.add(
            Reviewer(
                username="admin",
                passphrase_hash=passphrase.hash_passphrase(PASSPHRASE, hasher),
                totp_secret=totp_seal.seal(public, secret),  # as core.accounts stores it
                is_admin=True,
                active=True,
                failed_logins=0,
                created_at=dt.datetime.now(dt.UTC),
                desks=desks.listed(s),
            )
        )
    return secret


def _reviewer_pages(
    page: Page, source: Page, live_source: LiveApp, live: LiveApp, lang: str
) -> Pages:
    # A case to look at, sent by a source.
    source.goto(live_source.url + "/generate")
    source.click("form[action='/generate'] button[type=submit]")
    source.click("form[action='/create'] button[type=submit]")
    source.select_option("select[name=desk]", "nacc")
    source.fill("textarea[name=msg]", "ผู้อำนวยการโรงเรียนหักงบอาหารกลางวัน")
    source.click("form[action='/submit'] button[type=submit]")

    pages = Pages()
    base = live.url
    secret = _add_admin(live)
    page.goto(f"{base}/language/{lang}?next=/login")
    pages.keep("login", page)
    page.fill("input[name=username]", "admin")
    page.fill("input[name=passphrase]", "wrong words")
    page.fill("input[name=token]", "000000")
    page.click("form[action='/login'] button[type=submit]")
    pages.keep("login (error)", page)
    page.fill("input[name=username]", "admin")
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.fill("input[name=token]", pyotp.TOTP(secret).now())
    page.click("form[action='/login'] button[type=submit]")
    pages.keep("inbox", page)
    page.click("table.inbox a")
    pages.keep("case", page)
    case_url = page.url
    page.click("form[action$='/authorship/challenge'] button[type=submit]")
    pages.keep("case (authorship challenge)", page)
    page.goto(case_url + "/delete")
    pages.keep("confirm delete", page)
    for path in ("/admin/reviewers", "/admin/desks", "/admin/settings", "/admin/audit"):
        page.goto(base + path)
        pages.keep(path, page)
    page.goto(base + "/admin/reviewers")
    page.fill("input[name=username]", "somsri")
    page.click("form[action='/admin/reviewers'] button[type=submit]")
    pages.keep("credentials", page)
    page.goto(base + "/no-such-page")
    pages.keep("not found", page)
    page.goto(base + "/account")
    pages.keep("account", page)
    page.fill("input[name=passphrase]", PASSPHRASE)
    page.click("form[action='/account'] button[type=submit]")
    pages.keep("new passphrase", page)
    return pages


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_source_page_passes_axe(
    browser: Browser, nojs: Page, viewport: ViewportSize, live_source: LiveApp, lang: str
) -> None:
    _axe_script()
    pages = _source_pages(nojs, live_source, lang)
    assert len(pages.seen) == 17
    assert _check(browser, viewport, pages) == {}


@pytest.mark.parametrize("lang", ["th", "en"])
def test_every_reviewer_page_passes_axe(
    browser: Browser,
    nojs: Page,
    viewport: ViewportSize,
    live_source: LiveApp,
    live_reviewer: LiveApp,
    lang: str,
) -> None:
    _axe_script()
    source = nojs.context.new_page()
    pages = _reviewer_pages(nojs, source, live_source, live_reviewer, lang)
    assert len(pages.seen) == 14
    assert "table" in pages.seen["inbox"][1]
    assert _check(browser, viewport, pages) == {}


def test_the_check_finds_a_known_violation(browser: Browser, live_source: LiveApp) -> None:
    """An unlabelled field and grey-on-white text are caught: the check can fail."""
    _axe_script()
    bad = (
        '<!doctype html><html lang="th"><head><title>x</title></head><body><main>'
        '<p style="color:#bbb">ข้อความจาง</p><input name="q"></main></body></html>'
    )
    pages = Pages(seen={"bad": (live_source.url + "/bad", bad)})
    problems = _check(browser, WIDTHS["phone"], pages)
    ids = {v["id"] for v in problems["bad"]}
    assert {"label", "color-contrast"} <= ids
