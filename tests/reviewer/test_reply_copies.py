"""Finding 14: a reply is two ciphertexts, the source's copy (to the case's own reply key) and
the desk's; the source's delete shreds theirs, the desk keeps its own. Cases of one source at
two desks have unrelated reply keys. Replies from before keep one shared blob, only hidden."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from core import deletion
from crypto import age
from crypto.errors import NoIdentityMatchError
from crypto.inner import InnerWriter, open_inner
from crypto.keys import Recipient
from store.db import session_factory
from store.models import Case, PendingDeletion, Reply, Source, Submission
from tests.factories import World, csrf, engine_for, new_source, send_tip, sign_in, token_of


def _source_at_both_desks(world: World) -> tuple[FlaskClient, dict[str, int]]:
    client = world.source_app.test_client()
    new_source(client)
    send_tip(client, "nacc", "เรื่องที่หนึ่ง", files=0)
    send_tip(client, "uni", "เรื่องที่สอง", files=0)
    with world.session() as s:
        source = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert source is not None
        return client, {c.desk.slug: c.id for c in source.cases}


def _reply(world: World, officer: str, case: int, text: str) -> None:
    client = sign_in(world, officer)
    token = token_of(client, f"/cases/{case}")
    response = client.post(f"/cases/{case}/reply", data={"csrf_token": token, "message": text})
    assert response.status_code == 303


def test_each_case_has_its_own_reply_key_and_the_source_reads_both(world: World) -> None:
    source, cases = _source_at_both_desks(world)
    with world.session() as s:
        rows = {slug: s.get(Case, case) for slug, case in cases.items()}
        keys = {slug: row.reply_recipient if row else None for slug, row in rows.items()}
        own = s.scalars(select(Source).order_by(Source.id.desc())).first()
        assert own is not None
        source_key = own.reply_recipient
    assert None not in keys.values()
    assert keys["nacc"] != keys["uni"]  # two desks comparing keys learn nothing
    assert source_key not in keys.values()
    _reply(world, "somchai", cases["nacc"], "คำตอบจาก ป.ป.ช.")
    _reply(world, "malee", cases["uni"], "คำตอบจากมหาวิทยาลัย")
    page = source.get("/lookup").get_data(as_text=True)
    assert "คำตอบจาก ป.ป.ช." in page
    assert "คำตอบจากมหาวิทยาลัย" in page


def test_the_sources_delete_shreds_their_copy_and_the_desk_keeps_its_own(world: World) -> None:
    source, cases = _source_at_both_desks(world)
    _reply(world, "somchai", cases["nacc"], "ขอเอกสารเพิ่มเติม")
    with world.session() as s:
        reply = s.scalars(select(Reply).where(Reply.case_id == cases["nacc"])).one()
        reply_id, desk_copy, own_copy = reply.id, reply.blob_name, reply.source_blob_name
    assert own_copy is not None
    assert own_copy != desk_copy
    with world.blobs.open(own_copy) as f, pytest.raises(NoIdentityMatchError):
        b"".join(age.decrypt_chunks(f, [world.desks["nacc"]]))  # to the case's key alone
    page = source.get("/lookup").get_data(as_text=True)
    assert "ขอเอกสารเพิ่มเติม" in page
    deleted = source.post(f"/replies/{reply_id}/delete", data={"csrf_token": csrf(page)})
    assert deleted.status_code == 303
    with world.session() as s:  # queued with the delete, in the same transaction
        assert s.scalar(select(PendingDeletion).where(PendingDeletion.blob_name == own_copy))
    deletion.work(session_factory(engine_for(world.config.database_url)), world.blobs)
    assert not world.blobs.path(own_copy).exists()
    assert "ขอเอกสารเพิ่มเติม" not in source.get("/lookup").get_data(as_text=True)
    with world.session() as s:
        row = s.get(Reply, reply_id)
        assert row is not None
        assert row.deleted_by_source
        assert row.source_blob_name is None
    # The desk's copy is whole and opens with the desk key, in the export too.
    with world.blobs.open(desk_copy) as f:
        _header, content = open_inner(age.decrypt_chunks(f, [world.desks["nacc"]]))
        assert b"".join(content).decode() == "ขอเอกสารเพิ่มเติม"
    officer = sign_in(world, "somchai", 1)  # the next TOTP step: a code is used once
    case = cases["nacc"]
    token = token_of(officer, f"/cases/{case}")
    bundle = officer.post(f"/cases/{case}/export", data={"csrf_token": token, "which": "all"})
    names = zipfile.ZipFile(io.BytesIO(bundle.get_data())).namelist()
    assert any(re.search(r"-reply\.age$", n) for n in names)


def test_a_reply_from_before_is_only_hidden_its_one_blob_kept(world: World) -> None:
    """The known limit of decision 067: a shared blob the server cannot split."""
    source, cases = _source_at_both_desks(world)
    with world.session() as s, s.begin():
        case = s.get(Case, cases["nacc"])
        assert case is not None
        case.reply_salt = None  # a case opened before cases had their own key
        case.reply_recipient = None
        to = [Recipient.parse(case.source.reply_recipient), world.desks["nacc"].recipient]
        with world.blobs.writer() as w:
            inner = InnerWriter(age.encryptor(w, to), {"kind": "reply", "language": "th"})
            inner.write("คำตอบเก่า".encode())
            inner.close()
            name = w.commit()
        old = Reply(
            case=case, blob_name=name, ciphertext_size=1, created_at=dt.datetime.now(dt.UTC)
        )
        s.add(old)
        s.flush()
        reply_id = old.id
    page = source.get("/lookup").get_data(as_text=True)
    assert "คำตอบเก่า" in page  # the source's key still opens replies of older cases
    source.post(f"/replies/{reply_id}/delete", data={"csrf_token": csrf(page)})
    assert "คำตอบเก่า" not in source.get("/lookup").get_data(as_text=True)
    assert world.blobs.path(name).exists()  # the desk still needs it


def test_check_and_backup_know_the_sources_copy(world: World) -> None:
    # The source's copy is named by its own column: `check --repair` must not take it for an
    # orphan and shred it, and it must be checked against its own size and hash.
    from core import integrity

    _source, cases = _source_at_both_desks(world)
    _reply(world, "somchai", cases["nacc"], "ขอเอกสารเพิ่มเติม")
    with world.session() as s, s.begin():
        reply = s.scalars(select(Reply).where(Reply.case_id == cases["nacc"])).one()
        own_copy = reply.source_blob_name
        assert own_copy is not None
        assert reply.source_ciphertext_size == world.blobs.size(own_copy)
        assert reply.source_ciphertext_sha256 == world.blobs.sha256(own_copy)
        report = integrity.check(s, world.blobs, repair=True, deep=True, grace_seconds=0)
    assert report.orphan_blobs == report.missing_blobs == report.damaged_blobs == 0
    assert world.blobs.exists(own_copy)


def test_the_queue_never_shreds_a_blob_a_row_still_names(world: World) -> None:
    # The source's database role may queue (its reply copies); a name it should not have
    # queued, still served by a row, is dropped from the queue and the blob kept.
    _source, cases = _source_at_both_desks(world)
    with world.session() as s, s.begin():
        tip = s.scalars(select(Submission).where(Submission.case_id == cases["nacc"])).first()
        assert tip is not None
        name = tip.blob_name
        deletion.enqueue(s, [name], dt.date(2026, 12, 1))
    worked = deletion.work(session_factory(engine_for(world.config.database_url)), world.blobs)
    assert (worked.shredded, worked.failed) == (0, 1)
    assert world.blobs.exists(name)
    with world.session() as s:
        assert s.scalar(select(PendingDeletion)) is None
