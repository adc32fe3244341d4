"""The inbox: one page of a reviewer's cases, filtered and sorted, with unread counts.

It must stay fast at 10,000 cases and 50,000 submissions: it filters and sorts on indexed
columns of `cases` and counts unread submissions only for the rows of one page.

Search (decision 083): every word typed must match the case, as a whole word of its
designation, a part of its external reference number or of the desk's own file number, or
one of its labels (a category or province whose name, in Thai or English, contains the word;
the caller resolves names to codes, since the names are translations). Only within the desks
the filter names.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, Select, UnaryExpression, func, or_, select
from sqlalchemy.orm import Session, selectinload

from core.workflow import overdue_clause
from store.models import Case, CaseStatus, Submission, SubmissionKind

SORTS: dict[str, UnaryExpression[Any]] = {
    "activity": Case.last_activity_on.desc(),
    "oldest": Case.last_activity_on.asc(),
    "acknowledge_due": Case.acknowledge_due_on.asc(),
    "feedback_due": Case.feedback_due_on.asc(),
    "designation": Case.designation.asc(),
}


MAX_WORDS = 6
MAX_WORD = 64


@dataclass(frozen=True)
class SearchWord:
    """One word of a search, with the label codes whose names contain it."""

    text: str
    categories: frozenset[str] = frozenset()
    provinces: frozenset[str] = frozenset()


def search_words(
    query: str,
    categories: Mapping[str, Iterable[str]] = {},
    provinces: Mapping[str, Iterable[str]] = {},
) -> tuple[SearchWord, ...]:
    """Split what was typed into words (at most MAX_WORDS, each cut at MAX_WORD characters)
    and resolve each to the labels it names: `categories` and `provinces` map a code to its
    names. A word names a label when it is the code or part of a name (three letters at
    least, so "a" does not name every label)."""
    out = []
    for raw in query.split()[:MAX_WORDS]:
        word = raw.casefold()[:MAX_WORD]

        def named(labels: Mapping[str, Iterable[str]], word: str = word) -> frozenset[str]:
            return frozenset(
                code
                for code, names in labels.items()
                if word == code.casefold()
                or (len(word) >= 3 and any(word in n.casefold() for n in names))
            )

        out.append(SearchWord(word, named(categories), named(provinces)))
    return tuple(out)


def _matches(word: SearchWord) -> ColumnElement[bool]:
    # Designations are lower-case words by construction (crypto.codename.designation), so a
    # whole word is matched without lower() or concatenation on every row: half the cost.
    name = Case.designation
    conditions = [
        name == word.text,
        name.startswith(f"{word.text} ", autoescape=True),
        name.endswith(f" {word.text}", autoescape=True),
        name.contains(f" {word.text} ", autoescape=True),
        Case.external_reference.icontains(word.text, autoescape=True),
        Case.file_number.icontains(word.text, autoescape=True),
    ]
    if word.categories:
        conditions.append(Case.category.in_(sorted(word.categories)))
    if word.provinces:
        conditions.append(Case.province.in_(sorted(word.provinces)))
    return or_(*conditions)


@dataclass(frozen=True)
class InboxFilter:
    """What the inbox shows: all optional."""

    desk_ids: Sequence[int] = ()
    status: CaseStatus | None = None
    assignee_id: int | None = None
    unassigned: bool = False
    overdue: bool = False
    starred: bool = False
    awaiting_approval: bool = False  # a conclusion or closure waits for a supervisor
    sort: str = "activity"
    search: tuple[SearchWord, ...] = ()


@dataclass
class InboxPage:
    """One page of cases with their unread counts."""

    cases: list[Case]
    unread: dict[int, int]
    total: int
    page: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)
    # Cases whose source gave identity details (decision 096): a mark, never the content.
    identified: set[int] = field(default_factory=set)

    @property
    def pages(self) -> int:
        """Return the number of pages."""
        return max(1, -(-self.total // self.per_page))


def _filtered(query: Select[Any], f: InboxFilter, today: dt.date) -> Select[Any]:
    query = query.where(Case.desk_id.in_(f.desk_ids))
    if f.status is not None:
        query = query.where(Case.status == f.status)
    if f.unassigned:
        query = query.where(Case.assignee_id.is_(None))
    elif f.assignee_id is not None:
        query = query.where(Case.assignee_id == f.assignee_id)
    if f.overdue:
        query = query.where(overdue_clause(today))
    if f.starred:
        query = query.where(Case.starred.is_(True))
    if f.awaiting_approval:
        query = query.where(Case.proposed_status.is_not(None))
    for word in f.search:
        query = query.where(_matches(word))
    return query


def inbox(
    session: Session, f: InboxFilter, today: dt.date, page: int = 1, per_page: int = 25
) -> InboxPage:
    """Return one page of the cases of some desks, filtered and sorted."""
    page = max(1, page)
    base = _filtered(select(Case), f, today)
    total: int = session.scalar(_filtered(select(func.count(Case.id)), f, today)) or 0
    order = SORTS.get(f.sort, SORTS["activity"])
    rows: Sequence[Case] = session.scalars(
        base.options(selectinload(Case.desk), selectinload(Case.assignee))
        .order_by(order, Case.id.desc())
        .limit(per_page)
        .offset((page - 1) * per_page)
    ).all()
    ids = [s.id for s in rows]
    unread: dict[int, int] = dict(
        session.execute(
            select(Submission.case_id, func.count(Submission.id))
            .where(Submission.case_id.in_(ids), Submission.seen.is_(False))
            .group_by(Submission.case_id)
        )
        .tuples()
        .all()
    )
    identified = set(
        session.scalars(
            select(Submission.case_id)
            .where(Submission.case_id.in_(ids), Submission.kind == SubmissionKind.IDENTITY)
            .distinct()
        )
    )
    return InboxPage(list(rows), unread, total, page, per_page, identified=identified)
