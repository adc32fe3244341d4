"""Deleted cases leave SQLite's files (finding 5 of issue 9): no byte of a deleted source's
lookup id, blob names or designation stays in the database, its -wal or its -shm, whether the
case goes by a reviewer's delete or by the retention purge."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from core import deletion, retention
from core import settings as instance_settings
from store.db import make_engine, session_factory
from store.models import Case, CaseStatus
from tests.factories import World, sign_in, submit_tip, token_of

# The traces looked for are SQLite files (db, -wal, -shm); PostgreSQL keeps dead tuples
# until VACUUM, which the purge runs (docs/THREAT_MODEL.md).
pytestmark = pytest.mark.engines("sqlite")


def _database_files(world: World) -> list[Path]:
    main = Path(world.config.database_url.removeprefix("sqlite:///"))
    return [p for p in (main, Path(f"{main}-wal"), Path(f"{main}-shm")) if p.exists()]


def _traces(world: World, case_id: int) -> dict[str, str]:
    with world.session() as s:
        case = s.get(Case, case_id)
        assert case is not None
        found = {"designation": case.designation, "lookup id": case.source.lookup_id}
        names = [s.blob_name for s in case.submissions] + [r.blob_name for r in case.replies]
        found.update({f"blob {i}": name for i, name in enumerate(names)})
    return found


def _left_behind(world: World, traces: dict[str, str]) -> list[str]:
    left = []
    for path in _database_files(world):
        data = path.read_bytes()
        left += [f"{what} in {path.name}" for what, v in traces.items() if v.encode() in data]
    return left


def test_a_deleted_case_leaves_no_trace_in_the_database_files(world: World) -> None:
    case_id = submit_tip(world, "nacc", "ให้ลบเรื่องนี้", files=2)
    admin = sign_in(world, "admin")
    reply_token = token_of(admin, f"/cases/{case_id}")
    admin.post(f"/cases/{case_id}/reply", data={"csrf_token": reply_token, "message": "ได้รับ"})
    traces = _traces(world, case_id)
    lookup_id = traces.pop("lookup id")  # the source keeps their codename (other desks)
    assert len(traces) == 5  # designation, a message, two files, a reply
    assert _left_behind(world, traces)  # the test sees them while the case exists
    token = token_of(admin, f"/cases/{case_id}/delete")
    assert admin.post(f"/cases/{case_id}/delete", data={"csrf_token": token}).status_code == 303
    assert _left_behind(world, traces) == []
    with world.session() as s:  # the deletion itself is still in the audit log
        actions = s.execute(text("SELECT action FROM audit_events")).scalars().all()
        assert "delete_source" in actions
        kept = text("SELECT count(*) FROM sources WHERE lookup_id = :l")
        assert s.execute(kept, {"l": lookup_id}).scalar() == 1


def test_the_retention_purge_leaves_no_trace_of_the_source(world: World) -> None:
    case_id = submit_tip(world, "nacc", "เรื่องเก่าที่ปิดแล้ว")
    traces = _traces(world, case_id)
    assert _left_behind(world, traces)
    long_ago = dt.date.today() - dt.timedelta(days=400)
    with world.session() as s, s.begin():
        case = s.get(Case, case_id)
        assert case is not None
        case.status = CaseStatus.CLOSED
        case.last_activity_on = long_ago
        case.source.last_activity_on = long_ago
        rules = instance_settings.load(s, 10**9, "th")
        instance_settings.save(s, replace(rules, retention_days=30))
    with world.session() as s, s.begin():
        rules = instance_settings.load(s, 10**9, "th")
        now = dt.datetime.now(dt.UTC)
        done = retention.purge(s, world.blobs, rules, now.date(), now)
    assert done.closed_cases == 1
    # The scheduled job then works the deletion queue (whose rows named the blobs).
    deletion.work(session_factory(make_engine(world.config.database_url)), world.blobs)
    assert _left_behind(world, traces) == []
