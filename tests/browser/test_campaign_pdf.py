"""The campaign kit's A4 poster prints to exactly one A4 page in headless Chromium, in Thai
and in English (the SVG comes from the real reviewer app and the settings an admin saved)."""

from __future__ import annotations

import re
from pathlib import Path

from playwright.sync_api import Browser

from tests.factories import InstanceConfigs, make_world
from tests.reviewer.test_campaign import ONION, _set_onion


def test_poster_prints_on_exactly_one_a4_page(
    browser: Browser, config: InstanceConfigs, tmp_path: Path
) -> None:
    admin = _set_onion(make_world(config), ONION)
    for language in ("th", "en"):
        svg = admin.get(f"/admin/campaign/poster-{language}.svg").get_data(as_text=True)
        poster = tmp_path / f"poster-{language}.svg"
        poster.write_text(svg, encoding="utf-8")
        page = browser.new_page()
        try:
            page.goto(poster.as_uri())
            pdf = page.pdf(
                format="A4",
                print_background=True,
                margin={"top": "0", "bottom": "0", "left": "0", "right": "0"},
            )
        finally:
            page.close()
        pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        assert pages == 1, f"{language}: {pages} pages"
        # An A4 MediaBox: 595 x 842 points (Chromium writes 595.91998 x 842.88).
        box = re.search(rb"/MediaBox\s*\[\s*0\s+0\s+([\d.]+)\s+([\d.]+)", pdf)
        assert box is not None
        assert abs(float(box.group(1)) - 595.3) < 1
        assert abs(float(box.group(2)) - 841.9) < 1.5
