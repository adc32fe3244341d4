"""Admin pages: reviewers with shown-once credentials, desks with fingerprints, settings."""

from __future__ import annotations

import io
import re
import struct
import zlib

import pyotp
from sqlalchemy import select

from core import desks
from core import settings as instance_settings
from crypto.fingerprint import signing_fingerprint
from crypto.signing import SigningKey
from store.models import Desk
from tests.factories import World, sign_in, token_of


def tiny_png() -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\x00\x0b\x5d\x56")
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_add_reviewer_shows_passphrase_and_totp_once(world: World) -> None:
    admin = sign_in(world, "admin")
    with world.session() as s:
        nacc = desks.by_slug(s, "nacc")
        desk_field = f"desk-{nacc.id}"
    response = admin.post(
        "/admin/reviewers",
        data={
            "csrf_token": token_of(admin, "/admin/reviewers"),
            "username": "nok",
            desk_field: "1",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    secret = re.search(r'id="totp-secret">([A-Z2-7]+)<', page)
    words = re.search(r'id="new-passphrase">([^<]+)<', page)
    assert secret
    assert words
    assert "<svg" in page  # the QR code, inline: no image request, no script
    client = world.reviewer_app.test_client()
    login = client.get("/login").get_data(as_text=True)
    signed = client.post(
        "/login",
        data={
            "csrf_token": re.search(
                r'name="csrf_token" type="hidden" value="([^"]+)"', login
            ).group(1),  # type: ignore[union-attr]
            "username": "nok",
            "passphrase": words.group(1),
            "token": pyotp.TOTP(secret.group(1)).now(),
        },
    )
    assert signed.status_code == 303


def test_reviewer_needs_a_desk_and_a_clean_name(world: World) -> None:
    admin = sign_in(world, "admin")
    token = token_of(admin, "/admin/reviewers")
    assert (
        admin.post("/admin/reviewers", data={"csrf_token": token, "username": "nok"}).status_code
        == 400
    )
    assert (
        admin.post(
            "/admin/reviewers", data={"csrf_token": token, "username": "Bad Name!", "desk-1": "1"}
        ).status_code
        == 400
    )


def test_desk_with_recipients_and_fingerprints(world: World) -> None:
    admin = sign_in(world, "admin")
    token = token_of(admin, "/admin/desks")
    recipient = str(world.desks["uni"].recipient)
    ok = admin.post(
        "/admin/desks",
        data={
            "csrf_token": token,
            "slug": "ombudsman",
            "name_th": "ผู้ตรวจการแผ่นดิน",
            "name_en": "Ombudsman",
            "recipients": recipient + "\n",
        },
    )
    assert ok.status_code == 303
    page = admin.get("/admin/desks").get_data(as_text=True)
    assert "ผู้ตรวจการแผ่นดิน" in page
    assert re.search(r'class="fingerprint">\d{5}( \d{5}){5}<', page)
    bad = admin.post(
        "/admin/desks",
        data={
            "csrf_token": token,
            "slug": "x-desk",
            "name_th": "ก",
            "name_en": "X",
            "recipients": "age1notakey",
        },
    )
    assert bad.status_code == 400
    with world.session() as s:
        assert s.scalar(select(Desk).where(Desk.slug == "x-desk")) is None


def test_logo_upload_shows_on_both_apps(world: World) -> None:
    admin = sign_in(world, "admin")
    token = token_of(admin, "/admin/settings")
    png = tiny_png()
    response = admin.post(
        "/admin/settings/logo",
        data={"csrf_token": token, "logo": (io.BytesIO(png), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 303
    source = world.source_app.test_client()
    assert source.get("/logo.png").get_data() == png
    assert 'src="/logo.png"' in source.get("/").get_data(as_text=True)
    for body, status in [(b"GIF89a not a png", 400), (png + bytes(300 * 1024), 413)]:
        refused = admin.post(
            "/admin/settings/logo",
            data={"csrf_token": token, "logo": (io.BytesIO(body), "x.png")},
            content_type="multipart/form-data",
        )
        assert refused.status_code == status
    forged = admin.post(
        "/admin/settings/logo",
        data={"csrf_token": "forged", "logo": (io.BytesIO(png), "logo.png")},
        content_type="multipart/form-data",
    )
    assert forged.status_code == 400


def test_settings_save(world: World) -> None:
    admin = sign_in(world, "admin")
    token = token_of(admin, "/admin/settings")
    response = admin.post(
        "/admin/settings",
        data={
            "csrf_token": token,
            "organisation": "ศูนย์ต้านทุจริตแห่งชาติ",
            "privacy_contact": "  dpo@example.go.th  ",
            "accept_files": "y",
            "upload_limit_mib": "100",
            "min_message_length": "20",
            "retention_days": "730",
            "inactive_source_days": "400",
            "default_language": "en",
        },
    )
    assert response.status_code == 303
    with world.session() as s:
        saved = instance_settings.load(s, 1024 * 1024, "th")
    assert (saved.retention_days, saved.inactive_source_days) == (730, 400)
    page = world.source_app.test_client().get("/").get_data(as_text=True)
    assert "ศูนย์ต้านทุจริตแห่งชาติ" in page
    assert '<html lang="en">' in page
    notice = world.source_app.test_client().get("/privacy").get_data(as_text=True)
    assert "dpo@example.go.th</span>" in notice


def test_desks_page_shows_the_bundle_signing_key_to_compare_aloud(world: World) -> None:
    """Finding 15: the key a workstation pins, and its read-aloud fingerprint."""
    key = SigningKey(world.config.reviewer.signing_key).verify_key
    page = sign_in(world, "admin").get("/admin/desks").get_data(as_text=True)
    assert str(key) in page
    assert f'id="signing-fingerprint">{signing_fingerprint(key)}<' in page
    assert f"pin-server {key}" in page
