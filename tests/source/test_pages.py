"""The pages anyone can see: Thai by default, a language switch without JavaScript."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient


def test_index_is_thai_by_default_and_lists_desks(client: FlaskClient) -> None:
    page = client.get("/").get_data(as_text=True)
    assert '<html lang="th">' in page
    assert "สำนักงาน ป.ป.ช." in page
    assert "/corruption" in page


def test_language_switch_needs_no_javascript(client: FlaskClient) -> None:
    response = client.get("/language/en?next=/corruption")
    assert response.status_code == 303
    assert response.headers["Location"] == "/corruption"
    cookie = response.headers["Set-Cookie"]
    assert "lang=en" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie
    assert "Expires" not in cookie  # gone when Tor Browser closes
    page = client.get("/corruption").get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Procurement fraud" in page


@pytest.mark.parametrize("target", ["//evil.example/", "https://evil.example/", "/\\evil"])
def test_language_switch_is_not_an_open_redirect(client: FlaskClient, target: str) -> None:
    response = client.get(f"/language/en?next={target}")
    assert response.headers["Location"] == "/"


def test_corruption_examples(client: FlaskClient) -> None:
    client.get("/language/en")
    page = client.get("/corruption").get_data(as_text=True)
    for word in [
        "Bribery",
        "Procurement fraud",
        "Embezzlement",
        "Abuse of authority",
        "Unusual wealth",
        "Conflict of interest",
        "Patronage",
    ]:
        assert word in page
