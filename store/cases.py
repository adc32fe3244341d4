"""Case queries for the reviewer interface: the inbox page and per-case counts.

The inbox must stay fast at 10,000 sources and 50,000 submissions: it filters and sorts on
indexed columns of `sources` and counts unread submissions only for the rows of one page.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, and_, func, or_, select
from sqlalchemy.orm import Session, selectinload

from store.models import CaseStatus, Source, Submission

SORTS: dict[str, UnaryExpression[Any]] = {
    "activity": Source.last_activity_on.desc(),
    "oldest": Source.last_activity_on.asc(),
    "acknowledge_due": Source.acknowledge_due_on.asc(),
    "feedback_due": Source.feedback_due_on.asc(),
    "designation": Source.designation.asc(),
}
OPEN_STATUSES = [s for s in CaseStatus if s not in {CaseStatus.CONCLUDED, CaseStatus.CLOSED}]


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: all optional."""

    desk_ids: Sequence[int] = ()
    status: CaseStatus | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    overdue: bool = False
    starred: bool = False
    sort: str = "activity"


@dataclass
class InboxPage:
    """One page of cases with their unread counts."""

    sources: list[Source]
    unread: dict[int, int]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.per_page))


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Return the condition 'a committed date has passed and its step is not done'."""
    return or_(
        and_(Source.status == CaseStatus.RECEIVED, Source.acknowledge_due_on < today),
        and_(Source.status.in_(OPEN_STATUSES), Source.feedback_due_on < today),
    )


def _filtered(query: Select[Any], f: InboxFilter, today: dt.date) -> Select[Any]:
    query = query.where(Source.pending.is_(False), Source.desk_id.in_(f.desk_ids))
    if f.status is not None:
        query = query.where(Source.status == f.status)
    if f.unassigned:
        query = query.where(Source.assignee_id.is_(None))
    elif f.assignee_id is not None:
        query = query.where(Source.assignee_id == f.assignee_id)
    if f.overdue:
        query = query.where(overdue_clause(today))
    if f.starred:
        query = query.where(Source.starred.is_(True))
    return query


def inbox(
    session: Session, f: InboxFilter, today: dt.date, page: int = 1, per_page: int = 25
) -> InboxPage:
    """Return one page of the cases of some desks, filtered and sorted."""
    page = max(1, page)
    base = _filtered(select(Source), f, today)
    total: int = session.scalar(_filtered(select(func.count(Source.id)), f, today)) or 0
    order = SORTS.get(f.sort, SORTS["activity"])
    rows: Sequence[Source] = session.scalars(
        base.options(selectinload(Source.desk), selectinload(Source.assignee))
        .order_by(order, Source.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [s.id for s in rows]
    unread: dict[int, int] = dict(
        session.execute(
            select(Submission.source_id, func.count(Submission.id))
            .where(Submission.source_id.in_(ids), Submission.seen.is_(False))
            .group_by(Submission.source_id)
        )
        .tuples()
        .all()
    )
    return InboxPage(list(rows), unread, total, page, per_page)
