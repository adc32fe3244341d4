"""Public statistics per closed month, k-anonymous, computed once and stored (decision 060).

Definitions (UTC throughout, like every date the server keeps):

- A case is *received in month M* when its `received_on` (the UTC day its first tip reached
  that desk) falls in M. Each case is counted once, in one month, at one desk.
- Month M is *closed* once today's UTC date is in a later month. Only closed months are
  published; the current month never is.
- A month's table is computed the first time it is asked for after it closed (the daily
  `purge` job and `statistics` command ask for the last closed month; a first view of an older
  one computes it then) and stored as published, already suppressed figures. It is never
  recomputed: later changes to those cases, or to k, do not change what was published.

Every figure comes from reviewer-written metadata (desk, category and province labels,
status, conclusion, and the workflow's dates); nothing a source wrote is read.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics as pystats
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core import suppression
from core.errors import NotFound
from core.regions import PROVINCE_REGION, REGIONS, region_of
from store.models import Case, CaseStatus, Conclusion, Desk, MonthlyStatistics

K_DEFAULT = 10
K_MIN = 5
UNLABELLED = "unlabelled"
# The category labels reviewers choose from (their names are in the reviewer interface).
CATEGORIES = (
    "bribery",
    "procurement_fraud",
    "embezzlement",
    "abuse_of_authority",
    "unusual_wealth",
    "conflict_of_interest",
    "patronage",
    "other",
)
OUTCOMES = (
    "referred",
    "substantiated",
    "unsubstantiated",
    "out_of_scope",
    "closed_other",  # insufficient information, or closed without a finding
    "open",
)
COLUMNS: dict[str, tuple[str, ...]] = {
    "category": (*CATEGORIES, UNLABELLED),
    "region": (*(r.key for r in REGIONS), UNLABELLED),
    "outcome": OUTCOMES,
}
TABLES = tuple(COLUMNS)


@dataclass(frozen=True)
class Record:
    """What the statistics know of one case: reviewer-written metadata only."""

    desk: str
    category: str | None
    province: str | None
    outcome: str
    received_on: dt.date
    acknowledged_on: dt.date | None = None
    first_feedback_on: dt.date | None = None


def outcome(case: Case) -> str:
    """Return the public outcome of a case as it stands."""
    if case.conclusion in (
        Conclusion.SUBSTANTIATED,
        Conclusion.UNSUBSTANTIATED,
        Conclusion.OUT_OF_SCOPE,
    ):
        return str(case.conclusion)
    if case.conclusion is Conclusion.INSUFFICIENT_INFORMATION or case.status is CaseStatus.CLOSED:
        return "closed_other"
    if case.external_reference and case.status in (CaseStatus.REFERRED, CaseStatus.INVESTIGATING):
        return "referred"
    return "open"


def month_key(day: dt.date) -> str:
    """Return the month of a day as "YYYY-MM"."""
    return f"{day.year:04d}-{day.month:02d}"


def month_bounds(month: str) -> tuple[dt.date, dt.date]:
    """Return the first day of a "YYYY-MM" month and the first day of the next; raise
    NotFound for anything else."""
    try:
        year, number = (int(part) for part in month.split("-"))
        if len(month) != 7 or not 1 <= number <= 12 or year < 2000:
            raise ValueError(month)
        start = dt.date(year, number, 1)
    except ValueError:
        raise NotFound() from None
    end = dt.date(year + number // 12, number % 12 + 1, 1)
    return start, end


def is_closed(month: str, today: dt.date) -> bool:
    """Say whether a month has ended (in UTC, as `today` is)."""
    return month_bounds(month)[1] <= today


def last_closed(today: dt.date) -> str:
    """Return the month before today's."""
    return month_key(today.replace(day=1) - dt.timedelta(days=1))


def _cell(value: int, state: str) -> int | str:
    return value if state == suppression.SHOWN else state


def _median(values: list[int], k: int) -> float | str:
    """A median over fewer than k cases would describe too few people: withhold it."""
    if len(values) < k:
        return suppression.SMALL
    return float(pystats.median(values))


def tabulate(records: Sequence[Record], desks: Sequence[str], k: int) -> dict[str, Any]:
    """Return a month's published figures from its cases (the suppression applied)."""
    rows = {slug: i for i, slug in enumerate(desks)}
    keys: dict[str, Callable[[Record], str]] = {
        "category": lambda r: r.category if r.category in CATEGORIES else UNLABELLED,
        "region": lambda r: region_of(r.province) or UNLABELLED,
        "outcome": lambda r: r.outcome,
    }
    grids = []
    for name in TABLES:
        columns = {c: j for j, c in enumerate(COLUMNS[name])}
        cells = [[0] * len(columns) for _ in desks]
        for record in records:
            cells[rows[record.desk]][columns[keys[name](record)]] += 1
        grids.append(suppression.grid(cells) if desks else None)
    published = bool(desks) and suppression.suppress([g for g in grids if g], k)
    body: dict[str, Any] = {"k": k, "published": published, "desks": list(desks)}
    if not published:
        body["tables"] = {}
        body["provinces"] = []
        body["medians"] = []
        return body
    body["tables"] = {
        name: [
            [_cell(g.counts[i][j], g.state[i][j]) for j in range(len(g.counts[0]))]
            for i in range(len(g.counts))
        ]
        for name, g in zip(TABLES, grids, strict=True)
        if g is not None
    }
    region_grid = grids[TABLES.index("region")]
    assert region_grid is not None  # noqa: S101 (desks is not empty here)
    body["provinces"] = _provinces(records, region_grid, k)
    body["medians"] = [
        {
            "desk": slug,
            "acknowledge_days": _median(
                [
                    (r.acknowledged_on - r.received_on).days
                    for r in records
                    if r.desk == slug and r.acknowledged_on
                ],
                k,
            ),
            "feedback_days": _median(
                [
                    (r.first_feedback_on - r.received_on).days
                    for r in records
                    if r.desk == slug and r.first_feedback_on
                ],
                k,
            ),
        }
        for slug in desks
    ]
    return body


def _provinces(records: Iterable[Record], regions: suppression.Grid, k: int) -> list[Any]:
    """Name a province only where it and the rest of its region both have at least k cases,
    in a region whose total is shown: then every number in the list is >= k, and nothing
    smaller can be worked out from it (it only splits a shown total into shown parts)."""
    counts: dict[str, int] = {}
    for record in records:
        if record.province in PROVINCE_REGION:
            counts[record.province or ""] = counts.get(record.province or "", 0) + 1
    out = []
    for j, region in enumerate(REGIONS):
        if regions.state[regions.total_row][j] != suppression.SHOWN:
            continue
        rest = regions.counts[regions.total_row][j]
        named = []
        mine = [(n, code) for code, n in counts.items() if PROVINCE_REGION[code] == region.key]
        for n, code in sorted(mine, reverse=True):
            if n >= k and rest - n >= k:
                named.append({"code": code, "count": n})
                rest -= n
        if named:
            out.append({"region": region.key, "provinces": named, "rest": rest})
    return out


def _records(session: Session, start: dt.date, end: dt.date) -> list[Record]:
    cases = session.scalars(
        select(Case).where(Case.received_on >= start, Case.received_on < end).order_by(Case.id)
    )
    slugs = dict(session.execute(select(Desk.id, Desk.slug)).tuples().all())
    return [
        Record(
            desk=slugs[c.desk_id],
            category=c.category,
            province=c.province,
            outcome=outcome(c),
            received_on=c.received_on,
            acknowledged_on=c.acknowledged_on,
            first_feedback_on=c.first_feedback_on,
        )
        for c in cases
    ]


def compute(session: Session, month: str, today: dt.date, k: int) -> dict[str, Any]:
    """Compute a closed month's published figures from the cases as they are now."""
    start, end = month_bounds(month)
    records = _records(session, start, end)
    with_cases = {r.desk for r in records}
    desks = [
        d.slug
        for d in session.scalars(select(Desk).order_by(Desk.slug))
        if d.active or d.slug in with_cases
    ]
    body = tabulate(records, desks, max(K_MIN, k))
    body["month"] = month
    body["computed_on"] = today.isoformat()
    return body


def first_month(session: Session) -> str | None:
    """Return the earliest month there is anything to publish for (a case or a stored table)."""
    day = session.scalar(select(func.min(Case.received_on)))
    stored = session.scalar(select(func.min(MonthlyStatistics.month)))
    months = [m for m in (month_key(day) if day else None, stored) if m]
    return min(months) if months else None


def months(session: Session, today: dt.date) -> list[str]:
    """Return the closed months that can be shown, newest first."""
    first = first_month(session)
    if first is None:
        return []
    out, month = [], last_closed(today)
    while month >= first:
        out.append(month)
        month = last_closed(month_bounds(month)[0])
    return out


def get(session: Session, month: str, today: dt.date, k: int) -> dict[str, Any]:
    """Return a closed month's published figures, computing and storing them the first time.
    Raise NotFound for an open month, or one before anything was received."""
    if not is_closed(month, today):
        raise NotFound()
    row = session.get(MonthlyStatistics, month)
    if row is None:
        if month not in months(session, today):
            raise NotFound()
        body = compute(session, month, today, k)
        row = MonthlyStatistics(
            month=month, computed_on=today, k=body["k"], body=json.dumps(body, sort_keys=True)
        )
        try:
            with session.begin_nested():  # a parallel first view may have stored it already
                session.add(row)
        except IntegrityError:
            row = session.get(MonthlyStatistics, month)
            if row is None:
                raise
    loaded: dict[str, Any] = json.loads(row.body)
    return loaded


def close_months(session: Session, today: dt.date, k: int) -> list[str]:
    """Compute and store every closed month not stored yet (the scheduled job); return them."""
    stored = set(session.scalars(select(MonthlyStatistics.month)))
    done = [m for m in months(session, today) if m not in stored]
    for month in done:
        get(session, month, today, k)
    return done
