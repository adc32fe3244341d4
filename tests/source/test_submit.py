"""Submitting a tip: structured fields, a message and files; only ciphertext on disk;
nothing kept on failure."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import subprocess
import sys

from flask.testing import FlaskClient
from sqlalchemy import select
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from store.models import Source, Submission, SubmissionKind
from tests.factories import Instance, csrf, new_source
from tests.source.support import PDF, counts, leftovers, open_blob, submit_data
from tests.tools import require_tool


def test_submit_structured_tip_message_and_two_files(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    data = submit_data(
        client,
        agency="กรมทางหลวง",
        official_position="ผู้อำนวยการ",
        province="TH-50",
        wrongdoing=["bribery", "procurement_fraud"],
        when_kind="range",
        when_from="2026-01-05",
        when_to="2026-02-10",
        amount_baht="1,500,000",
        wants_contact="y",
        fh=[
            (io.BytesIO(PDF), "สัญญา.pdf", "application/pdf"),
            (io.BytesIO(b"photo"), "IMG_0001.jpg", "image/jpeg"),
        ],
    )
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 303, response.get_data(as_text=True)
    with instance.session() as s:
        subs = s.scalars(select(Submission).order_by(Submission.id)).all()
        source = s.scalar(select(Source))
        assert source is not None
        assert not source.pending
        [case] = source.cases
        assert case.desk.slug == "nacc"
        assert case.acknowledge_due_on == dt.date.today() + dt.timedelta(days=7)
        assert {sub.case_id for sub in subs} == {case.id}
        kinds = sorted(sub.kind for sub in subs)
        assert kinds == [SubmissionKind.FILE, SubmissionKind.FILE, SubmissionKind.MESSAGE]
        by_kind = {sub.kind: sub for sub in subs}
        header, content = open_blob(instance, by_kind[SubmissionKind.MESSAGE].blob_name)
        files = [open_blob(instance, sub.blob_name) for sub in subs if sub.kind == "file"]
    assert content.decode() == "เขาเรียกรับเงิน"
    fields = header["fields"]
    assert isinstance(fields, dict)
    assert fields["agency"] == "กรมทางหลวง"
    assert fields["wrongdoing"] == ["bribery", "procurement_fraud"]
    assert fields["amount_baht"] == "1,500,000"
    assert fields["wants_contact"] is True
    assert "official_name" not in fields
    assert {h["filename"]: c for h, c in files} == {"สัญญา.pdf": PDF, "IMG_0001.jpg": b"photo"}
    assert leftovers(instance) == []


def test_submission_opens_with_the_age_cli(
    client: FlaskClient, instance: Instance, tmp_path: object
) -> None:
    age_bin = require_tool("age")
    new_source(client)
    client.post(
        "/submit",
        data=submit_data(client, fh=[(io.BytesIO(PDF), "a.pdf")]),
        content_type="multipart/form-data",
    )
    key = instance.config.store_root.parent / "desk.key"
    key.write_text(instance.desk_identity.encode() + "\n")
    with instance.session() as s:
        names = s.scalars(select(Submission.blob_name)).all()
    for name in names:
        plain = subprocess.run(
            [age_bin, "-d", "-i", str(key), str(instance.blobs.path(name))],
            capture_output=True,
            check=True,
        ).stdout
        assert plain.startswith(b"westrong-drop/inner/v1\n")
        header = json.loads(plain.split(b"\n")[1])
        assert header["v"] == 1
        assert header["kind"] in {"message", "file"}


_WATCHING: list[list[str]] = []


def _audit(event: str, args: tuple[object, ...]) -> None:
    # Every file the process opens for writing, and every tempfile call, while watching.
    if not _WATCHING:
        return
    if event in {"tempfile.mkstemp", "tempfile.mkdtemp"}:
        _WATCHING[-1].append(f"{event} {args[0]}")
    elif event == "open":
        path, mode, flags = args
        if isinstance(path, int):
            return  # os.fdopen of a descriptor whose own open was already seen
        writes = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & (os.O_WRONLY | os.O_RDWR)
        )
        if writes:
            _WATCHING[-1].append(str(path))


sys.addaudithook(_audit)


def test_only_ciphertext_is_written_during_an_upload(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    big = PDF * 20  # ~2.3 MB: Werkzeug's own parser would spool this to a temporary file
    values = MultiDict(
        [
            ("csrf_token", token),
            ("desk", "nacc"),
            ("msg", "ดูไฟล์แนบ"),
            ("fh", FileStorage(io.BytesIO(big), "big.pdf", content_type="application/pdf")),
        ]
    )
    boundary, body = encode_multipart(values)  # in memory: the client spools nothing either
    opened: list[str] = []
    _WATCHING.append(opened)
    try:
        response = client.post(
            "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
        )
    finally:
        _WATCHING.pop()
    assert response.status_code == 303
    root = str(instance.config.store_root)
    assert opened, "the audit hook saw nothing: it is not watching"
    assert [p for p in opened if not p.startswith(root)] == []
    with instance.session() as s:
        sizes = s.scalars(select(Submission.ciphertext_size)).all()
    assert max(sizes) > len(big)  # the file is there, padded, as ciphertext
    for path in instance.config.store_root.rglob("*.age"):
        assert b"%PDF" not in path.read_bytes()


def test_invalid_form_keeps_nothing_and_returns_what_was_typed(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    data = submit_data(
        client, amount_baht="a lot", agency="กรมป่าไม้", fh=[(io.BytesIO(PDF), "a.pdf")]
    )
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "กรมป่าไม้" in page
    assert "เขาเรียกรับเงิน" in page
    assert counts(instance) == (0, 0)
    assert leftovers(instance) == []


def test_over_the_limit_keeps_nothing_and_returns_what_was_typed(
    small_limit_instance: Instance,
) -> None:
    client = small_limit_instance.app.test_client()
    new_source(client)
    data = submit_data(client, agency="กรมป่าไม้", fh=[(io.BytesIO(PDF), "a.pdf")])
    # Sent without a Content-Length (chunked): the limit shows only while reading.
    boundary, body = encode_multipart(MultiDict(_files(data)))
    response = client.post(
        "/submit",
        input_stream=io.BytesIO(body),
        content_type=f"multipart/form-data; boundary={boundary}",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "กรมป่าไม้" in page
    assert counts(small_limit_instance) == (0, 0)
    assert leftovers(small_limit_instance) == []


def _files(data: dict[str, object]) -> list[tuple[str, object]]:
    pairs: list[tuple[str, object]] = []
    for key, value in data.items():
        for one in value if isinstance(value, list) else [value]:
            if isinstance(one, tuple):
                one = FileStorage(one[0], filename=one[1], content_type="application/pdf")
            pairs.append((key, one))
    return pairs


def test_a_declared_over_limit_body_is_refused_unread(small_limit_instance: Instance) -> None:
    client = small_limit_instance.app.test_client()
    new_source(client)
    data = submit_data(client, agency="กรมป่าไม้", fh=[(io.BytesIO(PDF), "a.pdf")])
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 413
    assert "none of it was received" in response.get_data(as_text=True) or (
        "ไม่ได้รับ" in response.get_data(as_text=True)
    )
    assert counts(small_limit_instance) == (0, 0)


def test_interrupted_upload_leaves_nothing(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="desk"\r\n\r\nnacc\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="fh"; filename="a.pdf"\r\n'
        "Content-Type: application/pdf\r\n\r\n"
    ).encode() + PDF  # the connection drops before the closing boundary
    response = client.post(
        "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert counts(instance) == (0, 0)
    assert leftovers(instance) == []


def test_missing_csrf_token_keeps_nothing(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    data = submit_data(client, fh=[(io.BytesIO(PDF), "a.pdf")])
    data["csrf_token"] = "forged"
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert counts(instance) == (0, 0)
    assert leftovers(instance) == []


def test_files_before_the_desk_are_refused(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    boundary = "XyZ"
    body = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf_token"\r\n\r\n{token}\r\n'
        f'--{boundary}\r\nContent-Disposition: form-data; name="fh"; filename="a.pdf"\r\n\r\n'
        f"data\r\n--{boundary}--\r\n"
    ).encode()
    response = client.post(
        "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 400
    assert counts(instance) == (0, 0)


def test_empty_submission_is_refused(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    response = client.post(
        "/submit", data=submit_data(client, msg=""), content_type="multipart/form-data"
    )
    assert response.status_code == 400
    assert counts(instance) == (0, 0)


def test_honeypot_pretends_and_keeps_nothing(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    data = submit_data(client, email="bot@example.org", fh=[(io.BytesIO(PDF), "a.pdf")])
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 303  # the same redirect a source gets
    assert counts(instance) == (0, 0)


def test_file_uploads_to_other_forms_are_refused_before_spooling(client: FlaskClient) -> None:
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"csrf_token": token, "codename": "x", "f": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400
