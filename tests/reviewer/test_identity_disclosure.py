"""Identity disclosure by choice through the real apps (decision 096): a separate, marked,
encrypted item; the desk sees that it exists, never its content on the server; the
workstation opens it only when the officer asks, apart from the reports."""

from __future__ import annotations

import io
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import select

from crypto import age
from crypto.inner import open_inner
from crypto.signing import SigningKey
from store.models import Case, Source, Submission, SubmissionKind
from tests.factories import World, csrf, new_source, send_tip, sign_in, token_of
from workstation import cli, keys

DETAILS = "ชื่อ สมหญิง ใจกล้า โทร 081-234-5678"


def _reporter(world: World) -> tuple[FlaskClient, int]:
    client = world.source_app.test_client()
    new_source(client)
    send_tip(client, "nacc", "เรื่องที่หนึ่ง", files=0)
    with world.session() as s:
        source = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert source is not None
        return client, source.cases[0].id


def _give(client: FlaskClient, understood: bool = True) -> int:
    page = client.get("/identity").get_data(as_text=True)
    data = {"csrf_token": csrf(page), "desk": "nacc", "details": DETAILS}
    if understood:
        data["understood"] = "y"
    return client.post("/identity", data=data).status_code


def test_the_details_are_a_marked_encrypted_item_the_desk_sees_only_as_a_mark(
    world: World,
) -> None:
    source, case_id = _reporter(world)
    page = source.get("/identity").get_data(as_text=True)
    assert "เอาคืนไม่ได้" in page  # the warning: it cannot be taken back
    assert _give(source) == 303
    assert 'id="identity-sent"' in source.get("/identity?sent=1").get_data(as_text=True)
    with world.session() as s:
        items = s.scalars(
            select(Submission).where(
                Submission.case_id == case_id, Submission.kind == SubmissionKind.IDENTITY
            )
        ).all()
        assert len(items) == 1
        blob = items[0].blob_name
        designation = s.get(Case, case_id).designation  # type: ignore[union-attr]
    raw = world.blobs.path(blob).read_bytes()
    assert DETAILS.encode() not in raw  # ciphertext only
    with world.blobs.open(blob) as f:
        header, content = open_inner(age.decrypt_chunks(f, [world.desks["nacc"]]))
        assert b"".join(content).decode() == DETAILS
    assert header["kind"] == "identity"
    assert header["case"] == designation
    officer = sign_in(world, "somchai")
    case_page = officer.get(f"/cases/{case_id}").get_data(as_text=True)
    assert 'id="identity-given"' in case_page
    assert DETAILS not in case_page
    inbox = officer.get("/").get_data(as_text=True)
    assert 'class="identity-mark"' in inbox


def test_nothing_is_kept_without_the_acknowledgement(world: World) -> None:
    source, case_id = _reporter(world)
    assert _give(source, understood=False) == 400
    with world.session() as s:
        kinds = set(s.scalars(select(Submission.kind).where(Submission.case_id == case_id)))
    assert SubmissionKind.IDENTITY not in kinds
    officer = sign_in(world, "somchai")
    assert 'class="identity-mark"' not in officer.get("/").get_data(as_text=True)


def test_a_source_without_a_report_cannot_give_details(world: World) -> None:
    client = world.source_app.test_client()
    new_source(client)
    page = client.get("/identity").get_data(as_text=True)
    assert 'name="details"' not in page
    refused = client.post("/identity", data={"csrf_token": csrf(page), "desk": "nacc"})
    assert refused.status_code == 400


def test_the_workstation_opens_them_only_when_asked_and_apart(world: World, tmp_path: Path) -> None:
    source, case_id = _reporter(world)
    assert _give(source) == 303
    officer = sign_in(world, "somchai")
    token = token_of(officer, f"/cases/{case_id}")
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(
        officer.post(
            f"/cases/{case_id}/export", data={"csrf_token": token, "which": "all"}
        ).get_data()
    )
    key_file = tmp_path / "desk.key"
    key_file.write_text(world.desks["nacc"].encode() + "\n")
    keys.pin_server(tmp_path, str(SigningKey(world.config.reviewer.signing_key).verify_key))

    def open_into(out: Path, *extra: str) -> str:
        printed, err = io.StringIO(), io.StringIO()
        args = ["open", str(bundle), "-i", str(key_file), "-o", str(out), "--no-clean"]
        status = cli.run([*args, "--no-progress", "--lang", "en", *extra], printed, err, list)
        assert status == 0, printed.getvalue() + err.getvalue()
        return printed.getvalue()

    closed = tmp_path / "closed"
    said = open_into(closed)
    assert "NOT opened" in said
    written = {p.relative_to(closed).as_posix(): p for p in closed.rglob("*") if p.is_file()}
    assert not any("identity" in name for name in written if not name.endswith(".html"))
    assert all(DETAILS not in p.read_text(errors="replace") for p in written.values())
    shown = tmp_path / "shown"
    said = open_into(shown, "--reveal-identity")
    assert "identity folder" in said
    found = [p for p in shown.rglob("identity-*.txt")]
    assert len(found) == 1
    assert found[0].relative_to(shown).parts[0] == "identity"  # not in the case's folder
    assert found[0].read_text() == DETAILS
    reports = [p for p in shown.rglob("report-*") if p.is_file()]
    assert reports
    assert all(DETAILS not in p.read_text() for p in reports)
