"""Smoke: both interfaces load in chromium with JavaScript off, and never reach off the server."""

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, Request

from tests.browser.support import LiveApp

# Rendering, not storage: one engine is enough (decision 045).
pytestmark = pytest.mark.engines("sqlite")


def _open_index(page: Page, live: LiveApp) -> list[str]:
    """Open the index page; return every URL the page requested."""
    requested: list[str] = []

    def record(request: Request) -> None:
        requested.append(request.url)

    page.on("request", record)
    response = page.goto(f"{live.url}/")
    assert response is not None
    assert response.status == 200
    page.wait_for_load_state("load")
    return requested


def _assert_stayed_local(requested: list[str], live: LiveApp) -> None:
    assert requested, "the page made no request at all"
    strays = [url for url in requested if not url.startswith(f"{live.url}/")]
    assert strays == []


def test_source_index_without_javascript(
    page: Page, live_source: LiveApp, screenshot: Callable[[Page, str], Path]
) -> None:
    requested = _open_index(page, live_source)
    assert page.title() == "WE STRONG Drop"
    assert page.locator("a.brand").inner_text() == "WE STRONG Drop"
    assert page.locator("html").get_attribute("lang") == "th"
    assert page.locator("a[href='/generate']").count() >= 1
    assert screenshot(page, "index").stat().st_size > 0
    _assert_stayed_local(requested, live_source)


def test_reviewer_index_without_javascript(
    page: Page, live_reviewer: LiveApp, screenshot: Callable[[Page, str], Path]
) -> None:
    requested = _open_index(page, live_reviewer)
    assert page.url.endswith("/login")  # everything else needs a signed-in officer
    assert page.title().endswith("WE STRONG Drop")
    assert "เจ้าหน้าที่" in page.locator("main h1").inner_text()
    assert page.locator("input[name=token]").count() == 1
    assert screenshot(page, "index").stat().st_size > 0
    _assert_stayed_local(requested, live_reviewer)
