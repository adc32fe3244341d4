"""Replacing a desk's recipients (finding 8 of issue 9): it needs the admin's passphrase and a
fresh TOTP code, is audited with both fingerprints, and every member of the desk is shown the
change, in Thai and English, until they acknowledge it."""

from __future__ import annotations

import pyotp
import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core import desks
from core.errors import ReauthenticationNeeded
from crypto.fingerprint import fingerprint
from crypto.keys import Identity
from store.models import AuditEvent, DeskKeyNotice, Reviewer
from tests.factories import World, sign_in, token_of, totp_now


def _change(admin: FlaskClient, recipient: str, **extra: str) -> int:
    data = {
        "csrf_token": token_of(admin, "/admin/desks"),
        "slug": "nacc",
        "name_th": "สำนักงาน ป.ป.ช.",
        "name_en": "NACC",
        "recipients": recipient,
        **extra,
    }
    status: int = admin.post("/admin/desks", data=data).status_code
    return status


def _recipients(world: World) -> list[str]:
    with world.session() as s:
        return [r.recipient for r in desks.by_slug(s, "nacc").recipients]


def test_replacing_recipients_needs_passphrase_and_a_fresh_code(world: World) -> None:
    admin = sign_in(world, "admin")
    before = _recipients(world)
    new = Identity.generate().recipient
    person = world.people["admin"]
    assert _change(admin, str(new)) == 401
    assert _change(admin, str(new), passphrase=person.passphrase, code="000000") == 401
    with world.session() as s:  # the code the admin signed in with, whatever the clock says
        last = s.scalars(select(Reviewer.last_totp_counter).where(Reviewer.username == "admin"))
        used = pyotp.TOTP(person.totp_secret).generate_otp(last.one() or 0)
    assert _change(admin, str(new), passphrase="wrong", code=totp_now(person.totp_secret, 1)) == 401
    assert _change(admin, str(new), passphrase=person.passphrase, code=used) == 401
    assert _recipients(world) == before
    # Renaming alone changes nobody's reading: no re-authentication.
    assert _change(admin, "\n".join(before)) == 303
    fresh = totp_now(person.totp_secret, 1)
    assert _change(admin, str(new), passphrase=person.passphrase, code=fresh) == 303
    assert _recipients(world) == [str(new)]
    with world.session() as s:
        events = s.scalars(select(AuditEvent).order_by(AuditEvent.id)).all()
    failed = [e for e in events if e.detail == "re-authentication"]
    assert len(failed) == 4
    assert all(e.actor == "admin" for e in failed)
    changed = [e for e in events if e.action == "desk_recipients_changed"]
    assert len(changed) == 1
    assert fingerprint(new) in changed[0].detail


def test_members_see_the_change_until_they_acknowledge_it(world: World) -> None:
    with world.session() as s:
        old = [r.fingerprint for r in desks.by_slug(s, "nacc").recipients]
    admin = sign_in(world, "admin")
    new = Identity.generate().recipient
    person = world.people["admin"]
    code = totp_now(person.totp_secret, 1)
    assert _change(admin, str(new), passphrase=person.passphrase, code=code) == 303

    malee = sign_in(world, "malee")  # another desk: nothing to see
    assert malee.get("/").status_code == 200
    somchai = sign_in(world, "somchai")
    inbox = somchai.get("/")
    assert inbox.status_code == 303
    assert inbox.headers["Location"].endswith("/notices")
    assert somchai.get(f"/cases/{world.cases['nacc']}").status_code == 303
    somchai.get("/language/en")
    page = somchai.get("/notices").get_data(as_text=True)
    assert "A desk's keys changed" in page
    assert old[0] in page
    assert fingerprint(new) in page
    assert "Changed " in page
    somchai.get("/language/th")
    thai = somchai.get("/notices").get_data(as_text=True)
    assert "กุญแจของหน่วยงานผู้รับเรื่องเปลี่ยนแล้ว" in thai
    assert fingerprint(new) in thai
    assert sign_in(world, "somchai", offset=1).get("/").status_code == 303  # a new sign-in too

    with world.session() as s:
        by_name = {
            n.reviewer_id: n.id for n in s.scalars(select(DeskKeyNotice).order_by(DeskKeyNotice.id))
        }
        people = dict(s.execute(select(Reviewer.username, Reviewer.id)).tuples().all())
    assert set(by_name) == {people["admin"], people["somchai"]}  # the desk's members
    own, foreign = by_name[people["somchai"]], by_name[people["admin"]]
    token = token_of(somchai, "/notices")
    forbidden = somchai.post(f"/notices/{foreign}/acknowledge", data={"csrf_token": token})
    assert forbidden.status_code == 404
    done = somchai.post(f"/notices/{own}/acknowledge", data={"csrf_token": token})
    assert done.status_code == 303
    assert somchai.get("/").status_code == 200
    with world.session() as s:
        acknowledged = s.scalars(
            select(AuditEvent.actor).where(AuditEvent.action == "desk_notice_acknowledged")
        ).all()
    assert acknowledged == ["somchai"]


def test_the_use_case_refuses_an_unconfirmed_change(world: World) -> None:
    with world.session() as s, s.begin():
        admin = s.scalars(select(Reviewer).where(Reviewer.username == "admin")).one()
        with pytest.raises(ReauthenticationNeeded):
            desks.save(s, admin, "nacc", "ก", "N", [str(Identity.generate().recipient)])
