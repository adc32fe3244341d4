"""Retention with holds and the durable deletion queue, over a real database and store."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

from sqlalchemy import select

from core import deletion, retention
from core import settings as instance_settings
from core.cases import delete_case
from store.db import make_engine, session_factory
from store.models import AuditEvent, Case, CaseStatus, PendingDeletion, Source
from tests.factories import World, add_case, add_source, sign_in, token_of

TODAY = dt.date(2027, 6, 1)


def _rules(
    world: World, retention_days: int = 365, inactive_source_days: int = 365
) -> instance_settings.Settings:
    with world.session() as s:
        rules = instance_settings.load(s, 1024 * 1024, "th")
    return replace(rules, retention_days=retention_days, inactive_source_days=inactive_source_days)


def _closed_case(world: World, lookup: str, closed_days_ago: int) -> int:
    with world.session() as s, s.begin():
        source = add_source(s, lookup, TODAY - dt.timedelta(days=closed_days_ago + 10))
        case = add_case(s, world.blobs, source, "nacc")
        case.status = CaseStatus.CLOSED
        case.closed_on = TODAY - dt.timedelta(days=closed_days_ago)
        source.last_activity_on = TODAY - dt.timedelta(days=closed_days_ago)
        s.flush()
        return case.id


def test_a_deletion_returns_at_once_and_the_queue_shreds_later(world: World) -> None:
    case_id = _closed_case(world, "q" * 64, 5)
    with world.session() as s, s.begin():
        case = s.get(Case, case_id)
        assert case is not None
        names = [i.blob_name for i in case.submissions]
        delete_case(s, world.blobs, None, case)
    # The rows are gone; the blobs wait in the queue (nothing names them but the queue).
    with world.session() as s:
        assert s.get(Case, case_id) is None
        assert set(s.scalars(select(PendingDeletion.blob_name))) == set(names)
    assert all(world.blobs.exists(n) for n in names)
    sessions = session_factory(make_engine(world.config.database_url))
    with world.blobs.locked(exclusive=True):  # a backup is running: the queue waits
        assert deletion.work(sessions, world.blobs).skipped
    done = deletion.work(sessions, world.blobs)
    assert (done.shredded, done.failed) == (len(names), 0)
    assert not any(world.blobs.exists(n) for n in names)
    with world.session() as s:
        assert s.scalars(select(PendingDeletion)).all() == []
        audit = s.scalars(select(AuditEvent).where(AuditEvent.action == "deletions_done")).one()
        assert audit.detail == f"{len(names)} shredded, 0 failed"  # counts, never names
    assert deletion.work(sessions, world.blobs).shredded == 0  # idempotent


def test_retention_purges_closed_cases_but_never_a_held_one(world: World) -> None:
    old = _closed_case(world, "a" * 64, 400)
    held = _closed_case(world, "b" * 64, 400)
    soon = _closed_case(world, "c" * 64, 350)  # deleted in 15 days
    recent = _closed_case(world, "d" * 64, 10)
    rules = _rules(world, retention_days=365, inactive_source_days=0)
    with world.session() as s, s.begin():
        nacc = [c.desk_id for c in [s.get(Case, old)] if c]
        upcoming = retention.upcoming(s, nacc, rules, TODAY)
        ids = [u.case.id for u in upcoming]
        assert set(ids) == {old, held, soon}
        assert recent not in ids
        assert {u.case.id: u.deleted_on for u in upcoming}[soon] == TODAY + dt.timedelta(days=15)
        case = s.get(Case, held)
        assert case is not None
        case.hold_reason, case.held_on = "คดีอยู่ระหว่างการพิจารณาของศาล", TODAY
    with world.session() as s, s.begin():
        done = retention.purge(s, world.blobs, rules, TODAY, dt.datetime.now(dt.UTC))
    assert done.closed_cases == 1
    with world.session() as s:
        assert s.get(Case, old) is None
        assert s.get(Case, held) is not None
        assert s.get(Case, soon) is not None
        assert s.get(Case, recent) is not None


def test_codenames_with_no_case_left_go_after_their_idle_period(world: World) -> None:
    _closed_case(world, "e" * 64, 800)
    rules = _rules(world, retention_days=365, inactive_source_days=365)
    with world.session() as s, s.begin():
        done = retention.purge(s, world.blobs, rules, TODAY, dt.datetime.now(dt.UTC))
    assert (done.closed_cases, done.inactive_sources) == (1, 1)
    with world.session() as s:
        assert s.scalar(select(Source).where(Source.lookup_id == "e" * 64)) is None
        purge = s.scalars(select(AuditEvent).where(AuditEvent.action == "purge")).one()
        assert purge.detail == "0 pending sources, 1 cases, 1 inactive sources"


def test_reviewers_see_upcoming_deletions_and_hold_with_a_reason(world: World) -> None:
    today = dt.datetime.now(dt.UTC).date()
    with world.session() as s, s.begin():
        case = s.get(Case, world.cases["nacc"])
        assert case is not None
        case.status, case.closed_on = CaseStatus.CLOSED, today - dt.timedelta(days=350)
        designation, audit_ref = case.designation, case.audit_ref
    client = sign_in(world, "somchai")
    page = client.get("/retention").get_data(as_text=True)
    assert designation in page
    assert (today + dt.timedelta(days=15)).isoformat() in page
    other = sign_in(world, "malee")  # another desk sees nothing of it
    assert designation not in other.get("/retention").get_data(as_text=True)
    token = token_of(client, "/retention")
    case_id = world.cases["nacc"]
    empty = client.post(f"/cases/{case_id}/hold", data={"csrf_token": token, "reason": ""})
    assert empty.status_code == 400
    response = client.post(
        f"/cases/{case_id}/hold", data={"csrf_token": token, "reason": "ศาลสั่งให้เก็บไว้"}
    )
    assert response.status_code == 303
    page = client.get("/retention").get_data(as_text=True)
    assert "ศาลสั่งให้เก็บไว้" in page
    with world.session() as s, s.begin():
        rules = _rules(world, retention_days=340)
        retention.purge(s, world.blobs, rules, today, dt.datetime.now(dt.UTC))
    with world.session() as s:
        assert s.get(Case, case_id) is not None  # held: never purged
        hold = s.scalars(select(AuditEvent).where(AuditEvent.action == "hold")).one()
        assert (hold.case_ref, hold.detail) == (audit_ref, "ศาลสั่งให้เก็บไว้")
    assert client.post(f"/cases/{case_id}/release", data={"csrf_token": token}).status_code == 303
    with world.session() as s, s.begin():
        retention.purge(
            s, world.blobs, _rules(world, retention_days=340), today, dt.datetime.now(dt.UTC)
        )
    with world.session() as s:
        assert s.get(Case, case_id) is None
