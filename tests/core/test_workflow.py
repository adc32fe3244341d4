"""The workflow: allowed moves, both clocks, overdue, and words for every status."""

from __future__ import annotations

import datetime as dt

import pytest

from core import workflow
from core.errors import WorkflowError
from store.models import Case, CaseStatus, Conclusion

S = CaseStatus
DAY = dt.date(2026, 1, 31)


def _case() -> Case:
    case = Case()
    workflow.start_clocks(case, DAY)
    return case


def test_a_new_case_has_seven_days_to_be_acknowledged() -> None:
    case = _case()
    assert case.status is S.RECEIVED
    assert case.acknowledge_due_on == dt.date(2026, 2, 7)
    assert case.feedback_due_on is None


def test_acknowledging_starts_the_three_month_clock_clamped() -> None:
    case = _case()
    assert workflow.move(case, S.ACKNOWLEDGED, DAY) is S.RECEIVED
    assert case.acknowledged_on == DAY
    assert case.feedback_due_on == dt.date(2026, 4, 30)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2026, 1, 31), 3, dt.date(2026, 4, 30)),
        (dt.date(2026, 11, 30), 3, dt.date(2027, 2, 28)),
        (dt.date(2027, 11, 29), 3, dt.date(2028, 2, 29)),
        (dt.date(2026, 5, 15), 3, dt.date(2026, 8, 15)),
        (dt.date(2026, 12, 31), 1, dt.date(2027, 1, 31)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert workflow.add_months(day, months) == expected


@pytest.mark.parametrize("old", list(S))
@pytest.mark.parametrize("new", list(S))
def test_only_listed_moves_are_allowed(old: CaseStatus, new: CaseStatus) -> None:
    case = _case()
    case.status = old
    outcome, reference = Conclusion.SUBSTANTIATED, "ปช 1/2569"
    if new in workflow.TRANSITIONS[old]:
        workflow.move(case, new, DAY, outcome, reference)
        assert case.status is new
    else:
        with pytest.raises(WorkflowError):
            workflow.move(case, new, DAY, outcome, reference)
        assert case.status is old


def test_referral_and_conclusion_need_what_they_record() -> None:
    case = _case()
    case.status = S.ASSESSMENT
    with pytest.raises(WorkflowError, match="reference"):
        workflow.move(case, S.REFERRED, DAY, external_reference="  ")
    with pytest.raises(WorkflowError, match="outcome"):
        workflow.move(case, S.CONCLUDED, DAY)
    workflow.move(case, S.CONCLUDED, DAY, conclusion=Conclusion.OUT_OF_SCOPE)
    workflow.move(case, S.ASSESSMENT, DAY)  # reopened: the outcome no longer holds
    assert case.conclusion is None


def test_overdue_rules() -> None:
    case = _case()
    assert not workflow.is_overdue(case, dt.date(2026, 2, 7))
    assert workflow.acknowledgement_late(case, dt.date(2026, 2, 8))
    workflow.move(case, S.ACKNOWLEDGED, DAY)
    assert not workflow.acknowledgement_late(case, dt.date(2026, 3, 1))
    assert workflow.feedback_late(case, dt.date(2026, 5, 1))
    case.status = S.CLOSED
    assert not workflow.is_overdue(case, dt.date(2026, 5, 1))


def test_every_status_has_words_for_the_source() -> None:
    assert set(workflow.EXPLANATIONS) == set(S)
    for title, text in workflow.EXPLANATIONS.values():
        assert title
        assert text.endswith(".")
