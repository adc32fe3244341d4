"""Case work end to end through both apps: inbox, downloads, bundles, replies, workflow."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import re
import zipfile

from flask.testing import FlaskClient
from sqlalchemy import select

from core.accounts import by_username
from crypto import age, labels
from crypto.inner import open_inner
from crypto.signing import SigningKey
from store.models import AuditEvent, Case, CaseStatus, Reply, Submission
from tests.factories import World, case_ids, csrf, sign_in, submit_tip, token_of

PATH = re.compile(r"^sources/[a-z0-9-]{1,100}/[0-9]{4,}-(message|file|reply)\.age$")


def test_inbox_lists_only_own_desks_with_unread_counts(world: World) -> None:
    page = sign_in(world, "somchai").get("/").get_data(as_text=True)
    assert case_ids(page) == [world.cases["nacc"]]
    assert re.search(r"<td[^>]*>2</td>", page)  # a message and a file, both unread


def test_inbox_filters_and_pages(world: World) -> None:
    for n in range(30):
        submit_tip(world, "nacc", f"เรื่อง {n}", files=0)
    client = sign_in(world, "somchai")
    first = client.get("/").get_data(as_text=True)
    assert len(case_ids(first)) == 25
    assert "31 " in first
    second = client.get("/?page=2").get_data(as_text=True)
    assert len(case_ids(second)) == 6
    assert set(case_ids(first)).isdisjoint(case_ids(second))
    assert case_ids(client.get("/?status=closed").get_data(as_text=True)) == []
    assert case_ids(client.get("/?assignee=me").get_data(as_text=True)) == []
    with world.session() as s, s.begin():
        source = s.get(Case, world.cases["nacc"])
        assert source is not None
        source.acknowledge_due_on = dt.date(2020, 1, 1)
        source.starred = True
    overdue = client.get("/?overdue=1").get_data(as_text=True)
    assert case_ids(overdue) == [world.cases["nacc"]]
    assert 'class="overdue"' in overdue
    assert case_ids(client.get("/?starred=1").get_data(as_text=True)) == [world.cases["nacc"]]


def _download(
    client: FlaskClient, world: World, headers: dict[str, str] | None = None
) -> tuple[int, bytes, dict[str, str]]:
    case = world.cases["nacc"]
    with world.session() as s:
        item = s.scalars(
            select(Submission).where(Submission.case_id == case).order_by(Submission.id)
        ).first()
        assert item is not None
        item_id = item.id
    with client.get(f"/cases/{case}/submissions/{item_id}/download", headers=headers or {}) as r:
        return r.status_code, r.get_data(), dict(r.headers)


def test_download_supports_range_and_etag_and_marks_seen(world: World) -> None:
    client = sign_in(world, "somchai")
    status, whole, headers = _download(client, world)
    assert status == 200
    assert whole.startswith(b"age-encryption.org/v1\n")
    assert headers["Content-Type"] == "application/octet-stream"
    status, part, headers = _download(client, world, {"Range": "bytes=0-9"})
    assert status == 206
    assert part == whole[:10]
    etag = headers["ETag"]
    status, _, _ = _download(client, world, {"If-None-Match": etag})
    assert status == 304
    page = client.get(f"/cases/{world.cases['nacc']}").get_data(as_text=True)
    assert "somchai" in page  # seen by
    with world.session() as s:
        assert s.scalars(select(AuditEvent.action)).all().count("download") >= 1


def _bundle(client: FlaskClient, world: World, which: str) -> zipfile.ZipFile:
    case = world.cases["nacc"]
    token = token_of(client, f"/cases/{case}")
    response = client.post(f"/cases/{case}/export", data={"csrf_token": token, "which": which})
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/zip"
    return zipfile.ZipFile(io.BytesIO(response.get_data()))


def test_export_bundle_matches_the_format_and_opens_with_the_desk_key(world: World) -> None:
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]
    client.post(
        f"/cases/{case}/reply",
        data={"csrf_token": token_of(client, f"/cases/{case}"), "message": "ขอบคุณ ได้รับแล้ว"},
    )
    bundle = _bundle(client, world, "all")
    raw = bundle.read("manifest.json")
    manifest = json.loads(raw)
    assert manifest["format"] == "westrong-drop/bundle/v2"
    # Signed with the instance key (decision 065): the workstation checks this exact thing.
    signer = SigningKey(world.config.reviewer.signing_key)
    signer.verify_key.verify(labels.BUNDLE_SIGNATURE + raw, bundle.read("manifest.sig"))
    kinds = sorted(item["kind"] for item in manifest["items"])
    assert kinds == ["file", "message", "reply"]
    texts = {}
    for item in manifest["items"]:
        assert PATH.match(item["path"])
        data = bundle.read(item["path"])
        assert hashlib.sha256(data).hexdigest() == item["sha256"]
        assert len(data) == item["size"]
        assert item["desk"] == "nacc"
        header, content = open_inner(age.decrypt_chunks(io.BytesIO(data), [world.desks["nacc"]]))
        texts[item["kind"]] = b"".join(content)
        assert header["case"] == item["source"]  # the designation, inside the ciphertext
    assert texts["message"].decode() == "เรื่องที่หนึ่ง"
    assert texts["reply"].decode() == "ขอบคุณ ได้รับแล้ว"
    for info in bundle.infolist():
        assert info.date_time == (1980, 1, 1, 0, 0, 0)
    unread = _bundle(client, world, "unread")
    assert json.loads(unread.read("manifest.json"))["items"] == []


def test_reply_reaches_the_source_and_the_status_too(world: World) -> None:
    source_client = world.source_app.test_client()
    from tests.factories import new_source

    codename = new_source(source_client)
    token = csrf(source_client.get("/lookup").get_data(as_text=True))
    source_client.post(
        "/submit",
        data={"csrf_token": token, "desk": "nacc", "msg": "ช่วยด้วย"},
        content_type="multipart/form-data",
    )
    with world.session() as s:
        case = s.scalars(select(Case.id).order_by(Case.id.desc())).first()
    assert codename
    client = sign_in(world, "somchai")
    page_token = token_of(client, f"/cases/{case}")
    client.post(
        f"/cases/{case}/reply", data={"csrf_token": page_token, "message": "เราได้รับเรื่องแล้ว"}
    )
    response = client.post(
        f"/cases/{case}/status", data={"csrf_token": page_token, "status": "acknowledged"}
    )
    assert response.status_code == 303
    source_client.get("/language/th")
    lookup = source_client.get("/lookup").get_data(as_text=True)
    assert "เราได้รับเรื่องแล้ว" in lookup
    assert 'id="status">ยืนยันการรับเรื่องแล้ว<' in lookup
    today = dt.datetime.now(dt.UTC).date()
    with world.session() as s:
        source = s.get(Case, case)
        assert source is not None
        assert source.acknowledged_on == today
        assert source.feedback_due_on is not None
        assert source.feedback_due_on > today + dt.timedelta(days=85)
        reply = s.scalars(select(Reply)).first()
        assert reply is not None
        assert reply.reviewer is not None
        assert reply.reviewer.username == "somchai"


def test_workflow_rules(world: World) -> None:
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]

    def move(status: str, **extra: str) -> str:
        token = token_of(client, f"/cases/{case}")
        client.post(f"/cases/{case}/status", data={"csrf_token": token, "status": status, **extra})
        with world.session() as s:
            source = s.get(Case, case)
            assert source is not None
            return source.status.value

    assert move("concluded") == "received"  # not allowed yet
    assert move("acknowledged") == "acknowledged"
    assert move("assessment") == "assessment"
    assert move("referred") == "assessment"  # needs a reference number
    assert move("referred", external_reference="ปช 0001/2569") == "referred"
    assert move("concluded") == "referred"  # needs an outcome
    assert move("concluded", conclusion="substantiated") == "concluded"
    assert move("closed") == "closed"
    assert move("assessment") == "assessment"  # reopened
    with world.session() as s:
        source = s.get(Case, case)
        assert source is not None
        assert source.external_reference == "ปช 0001/2569"
        assert source.conclusion is None
        assert CaseStatus(source.status) is CaseStatus.ASSESSMENT


def test_assignment_needs_the_conflict_confirmation(world: World) -> None:
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]
    with world.session() as s:
        me = by_username(s, "somchai")
        assert me is not None
        my_id = me.id
    token = token_of(client, f"/cases/{case}")
    client.post(f"/cases/{case}/assign", data={"csrf_token": token, "assignee": str(my_id)})
    with world.session() as s:
        assert (s.get(Case, case) or Case()).assignee_id is None
    client.post(
        f"/cases/{case}/assign",
        data={"csrf_token": token, "assignee": str(my_id), "no_conflict": "y"},
    )
    with world.session() as s:
        assert (s.get(Case, case) or Case()).assignee_id == my_id
    assert case_ids(client.get("/?assignee=me").get_data(as_text=True)) == [case]


def test_delete_case_removes_rows_and_blobs(world: World) -> None:
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]
    with world.session() as s:
        names = s.scalars(select(Submission.blob_name).where(Submission.case_id == case)).all()
    assert names
    assert client.get(f"/cases/{case}/delete").status_code == 200  # the confirmation page
    token = token_of(client, f"/cases/{case}/delete")
    assert client.post(f"/cases/{case}/delete", data={"csrf_token": token}).status_code == 303
    with world.session() as s:
        assert s.get(Case, case) is None
        actions = s.scalars(select(AuditEvent.action)).all()
    assert "delete_source" in actions
    for name in names:
        assert not world.blobs.exists(name)


def test_delete_one_submission_and_one_reply(world: World) -> None:
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]
    token = token_of(client, f"/cases/{case}")
    client.post(f"/cases/{case}/reply", data={"csrf_token": token, "message": "ลบได้"})
    with world.session() as s:
        item = s.scalars(select(Submission).where(Submission.case_id == case)).first()
        reply = s.scalars(select(Reply)).first()
        assert item is not None
        assert reply is not None
        targets = [
            (f"/cases/{case}/submissions/{item.id}/delete", item.blob_name),
            (f"/cases/{case}/replies/{reply.id}/delete", reply.blob_name),
        ]
    for url, blob in targets:
        assert world.blobs.exists(blob)
        assert client.post(url, data={"csrf_token": token}).status_code == 303
        assert not world.blobs.exists(blob)
    with world.session() as s:
        actions = s.scalars(select(AuditEvent.action)).all()
    assert {"delete_submission", "delete_reply"} <= set(actions)


def test_feedback_deadline_is_three_calendar_months_clamped() -> None:
    from core.workflow import add_months

    assert add_months(dt.date(2026, 1, 31), 3) == dt.date(2026, 4, 30)
    assert add_months(dt.date(2026, 11, 30), 3) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2027, 11, 29), 3) == dt.date(2028, 2, 29)
    assert add_months(dt.date(2026, 5, 15), 3) == dt.date(2026, 8, 15)
