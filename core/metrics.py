"""Desk metrics (ISO 37002 §9.1.2) for one desk and month, for the desk's own reviewers: counts
and medians over the cases received in that UTC month, and the desk's open and overdue cases
now. Reviewer-written metadata only; no designation or other case detail leaves here."""

from __future__ import annotations

import datetime as dt
import statistics as pystats
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.statistics import month_bounds
from core.workflow import ACKNOWLEDGE_DAYS, OPEN_STATUSES, add_months, overdue_clause
from store.models import Case, Conclusion


@dataclass(frozen=True)
class Metrics:
    """One desk's month: counts, shares (0..100, None without cases) and medians in days."""

    month: str
    received: int
    acknowledged_in_time: float | None
    feedback_in_time: float | None
    median_acknowledge: float | None
    median_feedback: float | None
    median_close: float | None
    shares: dict[str, float | None]
    open_now: int
    overdue_now: int


SHARES = ("referred", "substantiated", "out_of_scope", "insufficient_information")


def _pct(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def _median(values: list[int]) -> float | None:
    return float(pystats.median(values)) if values else None


def desk_month(session: Session, desk_id: int, month: str, today: dt.date) -> Metrics:
    """Return a desk's metrics for the cases it received in a month."""
    start, end = month_bounds(month)
    cases = list(
        session.scalars(
            select(Case).where(
                Case.desk_id == desk_id, Case.received_on >= start, Case.received_on < end
            )
        )
    )
    n = len(cases)
    ack = [(c.acknowledged_on - c.received_on).days for c in cases if c.acknowledged_on]
    fb = [(c.first_feedback_on - c.received_on).days for c in cases if c.first_feedback_on]
    closed = [(c.closed_on - c.received_on).days for c in cases if c.closed_on]
    ack_in_time = sum(1 for d in ack if d <= ACKNOWLEDGE_DAYS)
    fb_in_time = sum(
        1
        for c in cases
        if c.first_feedback_on
        and c.acknowledged_on
        and c.first_feedback_on <= add_months(c.acknowledged_on, 3)
    )
    counts = {
        "referred": sum(1 for c in cases if c.external_reference),
        "substantiated": sum(1 for c in cases if c.conclusion is Conclusion.SUBSTANTIATED),
        "out_of_scope": sum(1 for c in cases if c.conclusion is Conclusion.OUT_OF_SCOPE),
        "insufficient_information": sum(
            1 for c in cases if c.conclusion is Conclusion.INSUFFICIENT_INFORMATION
        ),
    }
    mine = Case.desk_id == desk_id
    open_now = session.scalar(
        select(func.count(Case.id)).where(mine, Case.status.in_(OPEN_STATUSES))
    )
    overdue_now = session.scalar(select(func.count(Case.id)).where(mine, overdue_clause(today)))
    return Metrics(
        month=month,
        received=n,
        acknowledged_in_time=_pct(ack_in_time, n),
        feedback_in_time=_pct(fb_in_time, n),
        median_acknowledge=_median(ack),
        median_feedback=_median(fb),
        median_close=_median(closed),
        shares={key: _pct(value, n) for key, value in counts.items()},
        open_now=open_now or 0,
        overdue_now=overdue_now or 0,
    )
