"""Repository functions against a migrated database."""

import datetime as dt

import pytest
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from store import repository as repo
from store.models import CaseStatus, SubmissionKind


def _desk(session: Session) -> object:
    return repo.add_desk(session, "nacc", "สำนักงาน ป.ป.ช.", "NACC", [("age1xyz", "12345")])


def test_desk_with_recipients(session: Session) -> None:
    _desk(session)
    desk = repo.desk_by_slug(session, "nacc")
    assert desk is not None
    assert [r.recipient for r in desk.recipients] == ["age1xyz"]
    assert [d.slug for d in repo.desks(session)] == ["nacc"]


def test_source_lifecycle(session: Session) -> None:
    desk = repo.add_desk(session, "nacc", "ป.ป.ช.", "NACC", [])
    source = repo.add_source(session, "a" * 64, "age1reply", "brave otter")
    assert source.pending
    assert repo.source_by_lookup_id(session, "a" * 64) is source
    repo.add_submission(session, source, desk, SubmissionKind.MESSAGE, "b" * 32 + ".age", 1100)
    assert not source.pending
    assert source.desk_id == desk.id
    assert source.status is CaseStatus.RECEIVED
    assert source.received_on is not None
    assert source.acknowledge_due_on == source.received_on + dt.timedelta(days=7)
    assert repo.designation_taken(session, "brave otter")


def test_lookup_id_and_designation_are_unique(session: Session) -> None:
    repo.add_source(session, "a" * 64, "age1reply", "brave otter")
    with pytest.raises(IntegrityError):
        repo.add_source(session, "a" * 64, "age1other", "calm heron")


def test_stale_pending_sources(session: Session) -> None:
    source = repo.add_source(session, "c" * 64, "age1reply", "quiet lynx")
    tomorrow = repo.today() + dt.timedelta(days=1)
    assert repo.stale_pending_sources(session, repo.today()) == []
    assert repo.stale_pending_sources(session, tomorrow) == [source]
    repo.delete_sources(session, [source.id])
    assert repo.source_by_lookup_id(session, "c" * 64) is None


def test_reviewer_with_desks(session: Session) -> None:
    desk = repo.add_desk(session, "nacc", "ป.ป.ช.", "NACC", [])
    repo.add_reviewer(session, "somchai", "$argon2id$x", "JBSWY3DPEHPK3PXP", True, [desk])
    reviewer = repo.reviewer_by_username(session, "somchai")
    assert reviewer is not None
    assert reviewer.is_admin
    assert [d.slug for d in reviewer.desks] == ["nacc"]
