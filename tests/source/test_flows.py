"""Source interface, through the test client: every route and its error paths."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import subprocess
import sys
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import func, select, update
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from crypto import age
from crypto.inner import InnerWriter, open_inner
from crypto.keys import Recipient
from journalist_interface.cases import add_months
from store.models import Reply, Source, SourceSession, Submission, SubmissionKind
from tests.conftest import require_tool
from tests.source.conftest import Instance, csrf, new_source

PDF = b"%PDF-1.4 fake evidence " * 5000  # ~115 KB: more than one age chunk


def submit_data(client: FlaskClient, **extra: object) -> dict[str, object]:
    token = csrf(client.get("/lookup").get_data(as_text=True))
    data: dict[str, object] = {"csrf_token": token, "desk": "nacc", "msg": "เขาเรียกรับเงิน"}
    data.update(extra)
    return data


def counts(instance: Instance) -> tuple[int, int]:
    with instance.session() as s:
        return (
            s.scalar(select(func.count(Submission.id))) or 0,
            len(list(instance.config.store_root.rglob("*.age"))),
        )


def leftovers(instance: Instance) -> list[str]:
    return [p.name for p in (instance.config.store_root / "tmp").iterdir()]


def open_blob(instance: Instance, name: str) -> tuple[dict[str, object], bytes]:
    with instance.blobs.open(name) as f:
        header, content = open_inner(age.decrypt_chunks(f, [instance.desk_identity]))
        return header, b"".join(content)


# Pages anyone can see


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


# Codenames and sessions


@pytest.mark.parametrize(
    ("words", "pattern"),
    [("en", r"^[a-z-]+( [a-z-]+){6}$"), ("th", r"^[\u0e01-\u0e4e]+( [\u0e01-\u0e4e]+){6}$")],
)
def test_generate_shows_a_codename_in_the_chosen_words(
    client: FlaskClient, words: str, pattern: str
) -> None:
    token = csrf(client.get("/generate").get_data(as_text=True))
    response = client.post("/generate", data={"csrf_token": token, "words": words})
    page = response.get_data(as_text=True)
    codename = re.search(r'id="codename">([^<]+)<', page)
    assert codename
    assert re.match(pattern, codename.group(1))
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        "Set-Cookie" not in response.headers
        or codename.group(1) not in response.headers["Set-Cookie"]
    )


def test_create_refuses_a_self_chosen_codename(client: FlaskClient, instance: Instance) -> None:
    token = csrf(client.get("/generate").get_data(as_text=True))
    response = client.post(
        "/create", data={"csrf_token": token, "codename": "password", "proof": "0" * 64}
    )
    assert response.status_code == 400
    with instance.session() as s:
        assert s.scalar(select(func.count(Source.id))) == 0


def test_codename_never_in_cookie_or_database(client: FlaskClient, instance: Instance) -> None:
    codename = new_source(client)
    cookies = " ".join(
        c.value for name in ("sid", "session", "lang") if (c := client.get_cookie(name))
    )
    assert client.get_cookie("sid") is not None
    dump = "\n".join(
        line for line in _sqlite_dump(instance.config.database_url.removeprefix("sqlite:///"))
    )
    for word in codename.split():
        assert word not in cookies
        assert word not in dump


def _sqlite_dump(path: str) -> list[str]:
    import sqlite3

    with sqlite3.connect(path) as conn:
        return list(conn.iterdump())


def test_session_cookie_flags(client: FlaskClient) -> None:
    new_source(client)
    response = client.post("/login")  # any response; look at the cookie set by /create instead
    assert response.status_code == 400
    cookie = client.get_cookie("sid")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Strict"


def test_login_with_respaced_codename(client: FlaskClient) -> None:
    codename = new_source(client)
    client.delete_cookie("sid")
    token = csrf(client.get("/login").get_data(as_text=True))
    typed = "  " + codename.upper().replace(" ", "   ") + " "
    response = client.post("/login", data={"csrf_token": token, "codename": typed})
    assert response.status_code == 303
    assert client.get("/lookup").status_code == 200


def test_wrong_codename_gets_one_message(client: FlaskClient) -> None:
    codename = new_source(client)
    client.delete_cookie("sid")
    token = csrf(client.get("/login").get_data(as_text=True))
    pages = []
    for attempt in ["never existed at all", codename + " extra"]:
        response = client.post("/login", data={"csrf_token": token, "codename": attempt})
        assert response.status_code == 401
        pages.append(response.get_data(as_text=True).replace(attempt, ""))
    assert pages[0] == pages[1]


def test_lookup_without_session_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/lookup")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")


def test_expired_session_says_so(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s, s.begin():
        s.execute(update(SourceSession).values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    response = client.get("/lookup")
    assert response.headers["Location"].endswith("/session-ended")
    assert client.get_cookie("sid") is None
    client.get("/language/en")
    assert "session has ended" in client.get("/session-ended").get_data(as_text=True)


def test_session_expiry_is_coarse(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s:
        expires = s.scalar(select(SourceSession.expires_at))
    assert expires is not None
    assert expires.minute % 10 == 0
    assert expires.second == 0


def test_logout_ends_the_session(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 200
    assert client.get_cookie("sid") is None
    with instance.session() as s:
        assert s.scalar(select(func.count(SourceSession.id))) == 0
    assert client.get("/lookup").status_code == 303


def test_a_stolen_cookie_alone_after_logout_opens_nothing(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    stolen = client.get_cookie("sid")
    assert stolen is not None
    token = csrf(client.get("/lookup").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    client.set_cookie("sid", stolen.value)
    assert client.get("/lookup").headers["Location"].endswith("/session-ended")


def test_pending_sources_are_invisible_and_purged(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s, s.begin():
        source = s.scalar(select(Source))
        assert source is not None
        assert source.pending
        source.created_on = dt.date.today() - dt.timedelta(days=2)
    client.delete_cookie("sid")
    new_source(client)
    with instance.session() as s:
        assert s.scalar(select(func.count(Source.id))) == 1


# Submitting


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
    assert response.status_code == 200, response.get_data(as_text=True)
    with instance.session() as s:
        subs = s.scalars(select(Submission).order_by(Submission.id)).all()
        source = s.scalar(select(Source))
        assert source is not None
        assert not source.pending
        assert source.acknowledge_due_on == dt.date.today() + dt.timedelta(days=7)
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
    assert response.status_code == 200
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
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 413
    assert "กรมป่าไม้" in page
    assert counts(small_limit_instance) == (0, 0)
    assert leftovers(small_limit_instance) == []


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
    assert response.status_code == 200
    assert counts(instance) == (0, 0)


def test_file_uploads_to_other_forms_are_refused_before_spooling(client: FlaskClient) -> None:
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"csrf_token": token, "codename": "x", "f": (io.BytesIO(PDF), "a.pdf")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 400


# Replies and status


def test_replies_and_status_show_and_can_be_deleted(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    client.post("/submit", data=submit_data(client), content_type="multipart/form-data")
    with instance.session() as s, s.begin():
        source = s.scalar(select(Source))
        assert source is not None
        to = [Recipient.parse(source.reply_recipient), instance.desk_identity.recipient]
        with instance.blobs.writer() as w:
            inner = InnerWriter(age.encryptor(w, to), {"kind": "reply", "language": "th"})
            inner.write("ได้รับเรื่องแล้ว ขอบคุณครับ".encode())
            inner.close()
            name = w.commit()
            size = w.bytes_written
        s.add(
            Reply(
                source=source,
                blob_name=name,
                ciphertext_size=size,
                created_at=dt.datetime.now(dt.UTC),
            )
        )
        source.status = "acknowledged"  # type: ignore[assignment]
        source.acknowledged_on = dt.date(2026, 1, 31)
        # As the reviewer interface's workflow sets it: 3 months on, clamped to April's end.
        source.feedback_due_on = add_months(source.acknowledged_on, 3)
    client.get("/language/en")
    page = client.get("/lookup").get_data(as_text=True)
    assert "ได้รับเรื่องแล้ว ขอบคุณครับ" in page
    assert 'id="status">Acknowledged<' in page
    assert "2026-04-30" in page  # feedback within 3 months of acknowledgement, end of month
    reply_id = re.search(r"/replies/(\d+)/delete", page)
    assert reply_id
    token = csrf(page)
    response = client.post(f"/replies/{reply_id.group(1)}/delete", data={"csrf_token": token})
    assert response.status_code == 303
    assert "ได้รับเรื่องแล้ว" not in client.get("/lookup").get_data(as_text=True)


def test_another_sources_reply_cannot_be_deleted(client: FlaskClient) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    assert client.post("/replies/999/delete", data={"csrf_token": token}).status_code == 404


def test_post_without_csrf_is_refused(client: FlaskClient) -> None:
    for path in ["/generate", "/create", "/login", "/logout", "/replies/1/delete"]:
        assert client.post(path, data={}).status_code == 400, path


# Rate limits


def test_derivation_budget_gives_a_fast_busy_page(instance: Instance) -> None:
    from crypto.gate import Gate

    instance.app.extensions["westrong_gate"] = Gate(concurrency=1, per_second=1)
    client = instance.app.test_client()
    token = csrf(client.get("/login").get_data(as_text=True))
    statuses = [
        client.post("/login", data={"csrf_token": token, "codename": f"guess {i}"}).status_code
        for i in range(3)
    ]
    assert statuses[0] == 401
    assert 503 in statuses[1:]
    busy = client.post("/login", data={"csrf_token": token, "codename": "again"})
    assert busy.headers.get("Retry-After") == "5"
    assert "busy" in busy.get_data(as_text=True)


# Instance settings (set by admins in the reviewer interface)


def _settings(instance: Instance, **changes: Any) -> None:
    from dataclasses import replace

    from webcommon import settings

    with instance.session() as s, s.begin():
        settings.save(s, replace(settings.load(s, instance.config), **changes))


def test_files_can_be_turned_off(client: FlaskClient, instance: Instance) -> None:
    _settings(instance, accept_files=False)
    new_source(client)
    assert 'name="fh"' not in client.get("/lookup").get_data(as_text=True)
    data = submit_data(client, fh=[(io.BytesIO(PDF), "a.pdf")])
    assert client.post("/submit", data=data, content_type="multipart/form-data").status_code == 400
    assert counts(instance) == (0, 0)


def test_minimum_first_message_length(client: FlaskClient, instance: Instance) -> None:
    _settings(instance, min_message_length=50)
    new_source(client)
    data = submit_data(client, msg="สั้นไป")
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 400
    assert "50" in response.get_data(as_text=True)
    data = submit_data(client, msg="ยาวพอ " * 20)
    assert client.post("/submit", data=data, content_type="multipart/form-data").status_code == 200


def test_upload_limit_and_default_language_come_from_settings(
    client: FlaskClient, instance: Instance
) -> None:
    _settings(instance, upload_limit_mib=1, default_language="en")
    assert '<html lang="en">' in client.get("/").get_data(as_text=True)
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    values = MultiDict(
        [
            ("csrf_token", token),
            ("desk", "nacc"),
            ("msg", "x"),
            ("fh", FileStorage(io.BytesIO(PDF * 10), "big.pdf")),
        ]  # ~1.1 MiB
    )
    boundary, body = encode_multipart(values)  # in memory: the test client would spool it
    response = client.post(
        "/submit", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    assert counts(instance) == (0, 0)
