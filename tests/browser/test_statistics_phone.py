"""The public statistics on a 360 px phone in chromium, JavaScript off: charts and tables fit
the width (tables scroll inside their own box), and a screenshot is kept for a human."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page

from tests.browser.support import LiveApp
from tests.factories import add_labelled_cases


def test_statistics_fit_a_phone(
    page: Page, live_source: LiveApp, screenshot: Callable[[Page, str], Path]
) -> None:
    last_month = dt.datetime.now(dt.UTC).date().replace(day=1) - dt.timedelta(days=1)
    config = live_source.config
    with config.session() as s, s.begin():
        add_labelled_cases(s, config.blobs, "nacc", 40, last_month, acknowledge_after=2)
        add_labelled_cases(s, config.blobs, "nacc", 12, last_month, "embezzlement", "TH-50")
        add_labelled_cases(s, config.blobs, "nacc", 3, last_month, "patronage", "TH-90")
    response = page.goto(f"{live_source.url}/statistics")
    assert response is not None
    assert response.status == 200
    assert page.locator("figure.chart svg").count() == 3
    assert page.locator("table").count() == 4
    assert page.get_by_text("น้อยกว่า 10").count() > 0
    # Nothing makes the page itself wider than the phone.
    for box in [
        page.locator("figure.chart svg").first.bounding_box(),
        page.locator(".scroll").first.bounding_box(),
    ]:
        assert box is not None
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
    path = screenshot(page, "statistics-360")
    assert path.stat().st_size > 10_000
