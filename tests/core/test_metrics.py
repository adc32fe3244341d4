"""Desk metrics for one month, directly: shares, medians, open and overdue now."""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from core import desks, metrics, workflow
from store.blobs import BlobStore
from store.models import CaseStatus, Conclusion
from tests.factories import add_labelled_cases

OCT = dt.date(2026, 10, 1)


def test_a_desk_month(session: Session, blobs: BlobStore) -> None:
    fast = add_labelled_cases(session, blobs, "nacc", 3, OCT, acknowledge_after=2)
    slow = add_labelled_cases(session, blobs, "nacc", 1, OCT, acknowledge_after=9)
    add_labelled_cases(session, blobs, "nacc", 1, OCT)  # never acknowledged: overdue
    add_labelled_cases(session, blobs, "uni", 5, OCT, acknowledge_after=1)  # another desk
    day = OCT + dt.timedelta(days=20)
    workflow.move(fast[0], CaseStatus.TRIAGE, day)
    workflow.move(fast[0], CaseStatus.CONCLUDED, day, Conclusion.SUBSTANTIATED)
    workflow.move(slow[0], CaseStatus.TRIAGE, day)
    workflow.move(slow[0], CaseStatus.REFERRED, day, external_reference="NACC-1")
    session.flush()
    nacc = desks.by_slug(session, "nacc").id
    m = metrics.desk_month(session, nacc, "2026-10", dt.date(2026, 11, 2))
    assert m.received == 5
    assert m.acknowledged_in_time == 60.0  # 3 of 5 within 7 days
    assert m.median_acknowledge == 2.0  # 2, 2, 2, 9
    assert m.median_feedback == 20.0  # the conclusion and the referral were feedback
    assert m.feedback_in_time == 40.0
    assert m.median_close == 20.0
    assert m.shares["substantiated"] == 20.0
    assert m.shares["referred"] == 20.0
    assert m.open_now == 4
    assert m.overdue_now == 1
    empty = metrics.desk_month(session, nacc, "2026-09", dt.date(2026, 11, 2))
    assert (empty.received, empty.acknowledged_in_time, empty.median_close) == (0, None, None)
