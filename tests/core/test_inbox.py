"""The inbox query, directly: desk scoping, filters, sorts, pages, unread counts."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core import desks
from core.inbox import InboxFilter, inbox
from store.blobs import BlobStore
from store.models import CaseStatus
from tests.factories import add_case, add_source

TODAY = dt.date(2026, 12, 1)


def _cases(session: Session, blobs: BlobStore) -> dict[str, int]:
    made = {}
    for i, desk in enumerate(["nacc", "nacc", "nacc", "uni"]):
        case = add_case(session, blobs, add_source(session, f"{i:064d}"), desk)
        case.last_activity_on = TODAY - dt.timedelta(days=i)
        made[f"{desk}{i}"] = case.id
    session.flush()
    return made


def test_only_the_chosen_desks(session: Session, blobs: BlobStore) -> None:
    made = _cases(session, blobs)
    nacc = desks.by_slug(session, "nacc").id
    page = inbox(session, InboxFilter(desk_ids=[nacc]), TODAY)
    assert [c.id for c in page.cases] == [made["nacc0"], made["nacc1"], made["nacc2"]]
    assert page.total == 3
    assert page.unread == {made["nacc0"]: 1, made["nacc1"]: 1, made["nacc2"]: 1}
    assert inbox(session, InboxFilter(desk_ids=[]), TODAY).total == 0


def test_filters_sorts_and_pages(session: Session, blobs: BlobStore) -> None:
    made = _cases(session, blobs)
    nacc = desks.by_slug(session, "nacc").id
    oldest = inbox(session, InboxFilter(desk_ids=[nacc], sort="oldest"), TODAY)
    assert oldest.cases[0].id == made["nacc2"]
    first = inbox(session, InboxFilter(desk_ids=[nacc]), TODAY, page=1, per_page=2)
    second = inbox(session, InboxFilter(desk_ids=[nacc]), TODAY, page=2, per_page=2)
    assert (first.pages, len(first.cases), len(second.cases)) == (2, 2, 1)
    late = first.cases[0]
    late.acknowledge_due_on = TODAY - dt.timedelta(days=1)
    late.starred = True
    session.flush()
    overdue = inbox(session, InboxFilter(desk_ids=[nacc], overdue=True), TODAY)
    assert [c.id for c in overdue.cases] == [late.id]
    starred = inbox(session, InboxFilter(desk_ids=[nacc], starred=True), TODAY)
    assert [c.id for c in starred.cases] == [late.id]
    closed = inbox(session, InboxFilter(desk_ids=[nacc], status=CaseStatus.CLOSED), TODAY)
    assert closed.total == 0
    assert inbox(session, InboxFilter(desk_ids=[nacc], unassigned=True), TODAY).total == 3
