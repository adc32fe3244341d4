"""Both apps know their onion addresses: sources can check theirs on the front page, admins
see both; nothing else (no Onion-Location, no clearnet link)."""

from __future__ import annotations

from tests.factories import InstanceConfigs, make_instance, make_world, sign_in

SOURCE = "a" * 56 + ".onion"
REVIEWER = "b" * 56 + ".onion"


def test_source_front_page_shows_its_own_address(config: InstanceConfigs) -> None:
    instance = make_instance(config.with_(source_onion_address=SOURCE))
    response = instance.app.test_client().get("/")
    page = response.get_data(as_text=True)
    assert f"<code>{SOURCE}</code>" in page
    assert "Onion-Location" not in response.headers
    assert REVIEWER not in page


def test_no_address_configured_shows_none(config: InstanceConfigs) -> None:
    page = make_instance(config).app.test_client().get("/").get_data(as_text=True)
    assert 'class="onion"' not in page


def test_admin_sees_both_addresses(config: InstanceConfigs) -> None:
    world = make_world(
        config.with_(reviewer_onion_address=REVIEWER, reviewer_source_onion_address=SOURCE)
    )
    page = sign_in(world, "admin").get("/admin/settings").get_data(as_text=True)
    assert SOURCE in page
    assert REVIEWER in page
