"""Proof of authorship through the real apps (decision 095): a per-case key set when the case
opens (or at the source's next sign-in for an older case), a challenge from the desk, the
source's signature on their own page, its check on the case page (audited), the manifest's
key and the workstation's check."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select, update

from crypto import authorship
from crypto.signing import SigningKey
from store.models import AuditEvent, Case, Source
from tests.factories import World, csrf, new_source, send_tip, sign_in, token_of
from workstation import cli, keys

CHALLENGE = re.compile(r'id="authorship-challenge">([0-9A-Z-]+)<')
SIGNATURE = re.compile(r'id="signature" class="signature">([0-9A-Z-]+)<')


def _source_at_both_desks(world: World) -> tuple[FlaskClient, str, dict[str, int]]:
    client = world.source_app.test_client()
    codename = new_source(client)
    send_tip(client, "nacc", "เรื่องที่หนึ่ง", files=0)
    send_tip(client, "uni", "เรื่องที่สอง", files=0)
    with world.session() as s:
        source = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert source is not None
        return client, codename, {c.desk.slug: c.id for c in source.cases}


def _challenge(officer: FlaskClient, case: int) -> str:
    token = token_of(officer, f"/cases/{case}")
    issued = officer.post(f"/cases/{case}/authorship/challenge", data={"csrf_token": token})
    assert issued.status_code == 303
    found = CHALLENGE.search(officer.get(f"/cases/{case}").get_data(as_text=True))
    assert found
    return found.group(1)


def _sign(source: FlaskClient, desk: str, challenge: str) -> str:
    page = source.get("/authorship").get_data(as_text=True)
    signed = source.post(
        "/authorship", data={"csrf_token": csrf(page), "desk": desk, "challenge": challenge}
    )
    assert signed.status_code == 200
    found = SIGNATURE.search(signed.get_data(as_text=True))
    assert found
    return found.group(1)


def _check(officer: FlaskClient, case: int, signature: str) -> str:
    token = token_of(officer, f"/cases/{case}")
    checked = officer.post(
        f"/cases/{case}/authorship/verify", data={"csrf_token": token, "signature": signature}
    )
    assert checked.status_code == 303
    return officer.get(f"/cases/{case}").get_data(as_text=True)


def _actions(world: World) -> list[str]:
    with world.session() as s:
        return [a for a in s.scalars(select(AuditEvent.action)) if a.startswith("authorship")]


def test_a_source_proves_authorship_of_their_case(world: World) -> None:
    source, _codename, cases = _source_at_both_desks(world)
    with world.session() as s:
        keys = {slug: s.get(Case, case) for slug, case in cases.items()}
        public = {slug: c.authorship_key if c else None for slug, c in keys.items()}
    assert None not in public.values()
    assert public["nacc"] != public["uni"]  # two desks comparing keys learn nothing
    officer = sign_in(world, "somchai")
    challenge = _challenge(officer, cases["nacc"])
    signature = _sign(source, "nacc", challenge)
    page = _check(officer, cases["nacc"], signature)
    assert 'id="authorship-proven"' in page
    with world.session() as s:
        case = s.get(Case, cases["nacc"])
        assert case is not None
        assert case.authorship_proven_on is not None
        assert case.authorship_challenge is None  # used once
    assert _actions(world) == ["authorship_challenge", "authorship_proven"]


def test_a_signature_for_another_case_or_challenge_proves_nothing(world: World) -> None:
    source, _codename, cases = _source_at_both_desks(world)
    officer = sign_in(world, "somchai")
    challenge = _challenge(officer, cases["nacc"])
    other_case = _sign(source, "uni", challenge)  # the same source, their other case
    page = _check(officer, cases["nacc"], other_case)
    assert 'id="authorship-proven"' not in page
    stale = _sign(source, "nacc", challenge)
    _challenge(officer, cases["nacc"])  # a new challenge replaces the old one
    page = _check(officer, cases["nacc"], stale)
    assert 'id="authorship-proven"' not in page
    page = _check(officer, cases["nacc"], "not a signature at all")
    assert 'id="authorship-proven"' not in page
    with world.session() as s:
        case = s.get(Case, cases["nacc"])
        assert case is not None
        assert case.authorship_proven_on is None
    assert _actions(world).count("authorship_failed") == 3


def test_the_desk_can_send_the_challenge_in_a_reply(world: World) -> None:
    source, _codename, cases = _source_at_both_desks(world)
    officer = sign_in(world, "somchai")
    token = token_of(officer, f"/cases/{cases['nacc']}")
    sent = officer.post(f"/cases/{cases['nacc']}/authorship/reply", data={"csrf_token": token})
    assert sent.status_code == 303
    found = CHALLENGE.search(officer.get(f"/cases/{cases['nacc']}").get_data(as_text=True))
    assert found
    page = source.get("/lookup").get_data(as_text=True)
    assert found.group(1) in page  # the reply carries it, in Thai and English
    assert "พิสูจน์ว่าคุณเป็นผู้แจ้ง" in page
    assert "Prove that you made a report" in page
    signature = _sign(source, "nacc", found.group(1))
    assert 'id="authorship-proven"' in _check(officer, cases["nacc"], signature)
    assert _actions(world) == ["authorship_challenge", "authorship_proven"]


def test_a_case_of_another_desk_cannot_be_challenged(world: World) -> None:
    officer = sign_in(world, "somchai")  # at nacc only
    token = token_of(officer, f"/cases/{world.cases['nacc']}")
    refused = officer.post(
        f"/cases/{world.cases['uni']}/authorship/challenge", data={"csrf_token": token}
    )
    assert refused.status_code == 404


def test_an_older_case_gets_its_key_at_the_next_sign_in(world: World) -> None:
    _source, codename, cases = _source_at_both_desks(world)
    with world.session() as s, s.begin():  # as a case opened before migration 0014
        s.execute(
            update(Case)
            .where(Case.id.in_(cases.values()))
            .values(authorship_key=None, authorship_salt=None)
        )
    officer = sign_in(world, "somchai")
    page = officer.get(f"/cases/{cases['nacc']}").get_data(as_text=True)
    assert 'id="authorship-no-key"' in page
    back = world.source_app.test_client()
    token = csrf(back.get("/login").get_data(as_text=True))
    signed_in = back.post("/login", data={"csrf_token": token, "codename": codename})
    assert signed_in.status_code == 303
    with world.session() as s:
        rows = [s.get(Case, c) for c in cases.values()]
        assert all(r is not None and r.authorship_key for r in rows)
    signature = _sign(back, "nacc", _challenge(officer, cases["nacc"]))
    assert 'id="authorship-proven"' in _check(officer, cases["nacc"], signature)


def test_a_session_older_than_the_key_is_told_to_sign_in_again(world: World) -> None:
    source, _codename, cases = _source_at_both_desks(world)
    with world.session() as s, s.begin():  # signed in before the upgrade gave keys
        s.execute(
            update(Case)
            .where(Case.id == cases["nacc"])
            .values(authorship_key=None, authorship_salt=None)
        )
    page = source.get("/authorship").get_data(as_text=True)
    refused = source.post(
        "/authorship",
        data={"csrf_token": csrf(page), "desk": "nacc", "challenge": authorship.new_challenge()},
    )
    assert refused.status_code == 400
    assert 'id="signature"' not in refused.get_data(as_text=True)
    odd = source.post(
        "/authorship", data={"csrf_token": csrf(page), "desk": "uni", "challenge": "nonsense"}
    )
    assert odd.status_code == 400
    assert 'id="signature"' not in odd.get_data(as_text=True)


def test_the_bundle_carries_the_key_and_the_workstation_checks_a_proof(
    world: World, tmp_path: Path
) -> None:
    source, _codename, cases = _source_at_both_desks(world)
    officer = sign_in(world, "somchai")
    token = token_of(officer, f"/cases/{cases['nacc']}")
    bundle = officer.post(
        f"/cases/{cases['nacc']}/export", data={"csrf_token": token, "which": "all"}
    ).get_data()
    path = tmp_path / "bundle.zip"
    path.write_bytes(bundle)
    with zipfile.ZipFile(io.BytesIO(bundle)) as zf:
        manifest = zf.read("manifest.json").decode()
    with world.session() as s:
        case = s.get(Case, cases["nacc"])
        assert case is not None
        key, designation = case.authorship_key, case.designation
    assert key is not None
    assert key in manifest
    challenge = _challenge(officer, cases["nacc"])
    signature = _sign(source, "nacc", challenge)
    pin, _key, _new = keys.pin_server(
        tmp_path, str(SigningKey(world.config.reviewer.signing_key).verify_key)
    )

    def run(*args: str) -> tuple[int, str]:
        out, err = io.StringIO(), io.StringIO()
        status = cli.run([*args, "--lang", "en"], out, err, list)
        return status, out.getvalue() + err.getvalue()

    common = ["--challenge", challenge, "--server-key", str(pin)]
    status, text = run(
        "verify-authorship", "--bundle", str(path), *common, "--signature", signature
    )
    assert status == 0, text
    assert "PROVEN" in text
    assert designation in text
    status, text = run("verify-authorship", "--key", key, *common, "--signature", signature)
    assert status == 0, text
    other = authorship.new_challenge()
    status, text = run(
        "verify-authorship", "--key", key, "--challenge", other, "--signature", signature
    )
    assert status == 1
    assert "NOT PROVEN" in text
