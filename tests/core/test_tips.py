"""Filing tips: one case per source and desk, opened on the first tip there, with blobs that
never outlive a rolled-back transaction."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import desks, sources, tips
from store.blobs import BlobStore
from store.models import Case, Submission, SubmissionKind
from tests.factories import add_source


def _stored(blobs: BlobStore, content: bytes = b"ciphertext") -> tips.StoredBlob:
    with blobs.writer() as writer:
        writer.write(content)
        return tips.StoredBlob(SubmissionKind.FILE, writer.commit(), len(content))


def test_the_first_tip_at_a_desk_opens_a_case(session: Session, blobs: BlobStore) -> None:
    source = add_source(session, "a" * 64)
    nacc = desks.by_slug(session, "nacc")
    case = tips.file_tip(session, blobs, source, nacc, [_stored(blobs)])
    assert not source.pending
    assert case.desk is nacc
    assert case.acknowledge_due_on == tips.today() + dt.timedelta(days=7)
    again = tips.file_tip(session, blobs, source, nacc, [_stored(blobs)])
    assert again is case
    assert len(case.submissions) == 2


def test_another_desk_gets_its_own_case_and_designation(session: Session, blobs: BlobStore) -> None:
    source = add_source(session, "a" * 64)
    first = tips.file_tip(session, blobs, source, desks.by_slug(session, "nacc"), [_stored(blobs)])
    second = tips.file_tip(session, blobs, source, desks.by_slug(session, "uni"), [_stored(blobs)])
    assert first.id != second.id
    assert first.designation != second.designation
    assert [c.desk.slug for c in source.cases] == ["nacc", "uni"]


def test_a_source_cannot_have_two_cases_at_one_desk(session: Session) -> None:
    source = add_source(session, "a" * 64)
    nacc = desks.by_slug(session, "nacc")
    tips.open_case(session, source, nacc, tips.today())
    session.flush()
    session.add(Case(source=source, desk=nacc, designation="x y", last_activity_on=tips.today(),
                     received_on=tips.today(), starred=False))  # fmt: skip
    with pytest.raises(IntegrityError):
        session.flush()


def test_a_rolled_back_tip_leaves_no_blob(session: Session, blobs: BlobStore) -> None:
    source = add_source(session, "a" * 64)
    stored = _stored(blobs)
    tips.file_tip(session, blobs, source, desks.by_slug(session, "nacc"), [stored])
    assert blobs.exists(stored.blob_name)
    session.rollback()
    assert not blobs.exists(stored.blob_name)
    assert session.scalar(select(func.count(Submission.id))) == 0


def test_a_committed_tip_keeps_its_blob(session: Session, blobs: BlobStore) -> None:
    source = add_source(session, "a" * 64)
    stored = _stored(blobs)
    tips.file_tip(session, blobs, source, desks.by_slug(session, "nacc"), [stored])
    session.commit()
    session.rollback()  # a later, empty rollback must not touch what was committed
    assert blobs.exists(stored.blob_name)


def test_pending_sources_are_purged_after_a_day(session: Session) -> None:
    today = tips.today()
    add_source(session, "a" * 64, created_on=today - dt.timedelta(days=2))
    add_source(session, "b" * 64, created_on=today - dt.timedelta(days=1))
    assert sources.purge_pending(session, today) == 1
