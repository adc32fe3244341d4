"""Monthly statistics through the database: closed months only, computed once and frozen."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy.orm import Session

from core import statistics
from core.errors import NotFound
from core.regions import PROVINCE_REGION
from store.blobs import BlobStore
from store.models import MonthlyStatistics
from tests.factories import add_labelled_cases

NOV = dt.date(2026, 11, 10)
TODAY = dt.date(2026, 12, 1)  # November closed at midnight UTC


def test_months_and_their_bounds_are_utc_calendar_months() -> None:
    assert statistics.month_bounds("2026-12") == (dt.date(2026, 12, 1), dt.date(2027, 1, 1))
    assert statistics.last_closed(dt.date(2026, 1, 1)) == "2025-12"
    assert statistics.is_closed("2026-11", TODAY)
    assert not statistics.is_closed("2026-12", TODAY)
    for bad in ("2026-13", "2026-1", "26-11", "x", "1999-01", "2026-11-01"):
        with pytest.raises(NotFound):
            statistics.month_bounds(bad)


def test_every_province_has_a_region() -> None:
    from webcommon.places import BY_CODE

    assert set(PROVINCE_REGION) == set(BY_CODE)


def test_the_category_labels_are_the_reviewer_interfaces() -> None:
    from journalist_interface.forms import CATEGORIES

    assert tuple(CATEGORIES) == statistics.CATEGORIES


def test_a_month_is_computed_once_and_never_changes(session: Session, blobs: BlobStore) -> None:
    cases = add_labelled_cases(session, blobs, "nacc", 24, NOV, acknowledge_after=2)
    add_labelled_cases(session, blobs, "uni", 3, NOV, category="patronage", province="TH-50")
    add_labelled_cases(session, blobs, "nacc", 12, dt.date(2026, 12, 1))  # the open month
    with pytest.raises(NotFound):
        statistics.get(session, "2026-12", TODAY, 10)  # never the current month
    with pytest.raises(NotFound):
        statistics.get(session, "2026-09", TODAY, 10)  # before anything was received
    first = statistics.get(session, "2026-11", TODAY, 10)
    table = first["tables"]["category"]
    assert first["desks"] == ["nacc", "uni"]
    assert table[0][0] in (24, "withheld")  # nacc, bribery
    assert set(table[1]) == {"small"}  # uni received 3: fewer than 10, and 0s
    assert table[-1][0] == 24  # all bribery reports
    assert first["medians"][0] == {
        "desk": "nacc",
        "acknowledge_days": 2.0,
        "feedback_days": "small",
    }
    assert first["provinces"] == []  # Bangkok alone would give away the rest of Central (0)
    # Later changes to those cases, and a new k, do not change what was published.
    for case in cases[:20]:
        case.category = "embezzlement"
    session.flush()
    again = statistics.get(session, "2026-11", dt.date(2027, 3, 1), 25)
    assert again == first
    assert session.get(MonthlyStatistics, "2026-11") is not None


def test_the_scheduled_job_stores_every_closed_month_once(
    session: Session, blobs: BlobStore
) -> None:
    add_labelled_cases(session, blobs, "nacc", 2, dt.date(2026, 9, 30))
    assert statistics.close_months(session, TODAY, 10) == ["2026-11", "2026-10", "2026-09"]
    assert statistics.close_months(session, TODAY, 10) == []
