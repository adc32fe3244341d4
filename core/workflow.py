"""The case workflow in one place: statuses, allowed moves, the two clocks (acknowledge within
7 days, first feedback within 3 months) and what each status means to the source."""

from __future__ import annotations

import contextlib
import datetime as dt

from sqlalchemy import ColumnElement, and_, or_

from core.errors import WorkflowError
from store.models import Case as CaseRow
from store.models import CaseStatus, Conclusion

S = CaseStatus
ACKNOWLEDGE_DAYS = 7
FEEDBACK_MONTHS = 3
# Where a case may go next. "Reopen" is the move from concluded/closed back to assessment.
TRANSITIONS: dict[CaseStatus, tuple[CaseStatus, ...]] = {
    S.RECEIVED: (S.ACKNOWLEDGED,),
    S.ACKNOWLEDGED: (S.TRIAGE, S.ASSESSMENT, S.CLOSED),
    S.TRIAGE: (S.ASSESSMENT, S.REFERRED, S.CONCLUDED, S.CLOSED),
    S.ASSESSMENT: (S.REFERRED, S.INVESTIGATING, S.CONCLUDED),
    S.REFERRED: (S.INVESTIGATING, S.CONCLUDED),
    S.INVESTIGATING: (S.CONCLUDED,),
    S.CONCLUDED: (S.CLOSED, S.ASSESSMENT),
    S.CLOSED: (S.ASSESSMENT,),
}
OPEN_STATUSES = tuple(s for s in CaseStatus if s not in {S.CONCLUDED, S.CLOSED})
# Moves the source sees as feedback on their report (ISO 37002: information on the follow-up).
FEEDBACK_MOVES = (S.REFERRED, S.CONCLUDED, S.CLOSED)


def N_(message: str) -> str:
    """Mark a message for the catalog; the interface translates it when it renders."""
    return message


# What the source reads about their case: (title, explanation), catalog message ids.
EXPLANATIONS: dict[CaseStatus, tuple[str, str]] = {
    S.RECEIVED: (
        N_("Received"),
        N_("Your report has arrived safely. An officer will confirm they have it within 7 days."),
    ),
    S.ACKNOWLEDGED: (
        N_("Acknowledged"),
        N_("An officer has confirmed receipt and will look at your report."),
    ),
    S.TRIAGE: (
        N_("Being sorted"),
        N_("An officer is checking what your report is about and who should handle it."),
    ),
    S.ASSESSMENT: (
        N_("Being assessed"),
        N_("Officers are assessing the information you gave. They may ask you questions here."),
    ),
    S.REFERRED: (
        N_("Referred"),
        N_("Your report has been passed to the body that can investigate it."),
    ),
    S.INVESTIGATING: (
        N_("Under investigation"),
        N_("The matter you reported is being investigated."),
    ),
    S.CONCLUDED: (
        N_("Concluded"),
        N_("The work on your report has reached a conclusion."),
    ),
    S.CLOSED: (
        N_("Closed"),
        N_("This report is closed. You can still send more information if you have it."),
    ),
}


def add_months(day: dt.date, months: int) -> dt.date:
    """Return the same day some months later, clamped to the end of a shorter month."""
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        with contextlib.suppress(ValueError):
            return dt.date(year, month, min(day.day, last))
    raise ValueError(day)


def start_clocks(case: CaseRow, day: dt.date) -> None:
    """Start a new case's 7-day acknowledgement clock."""
    case.status = S.RECEIVED
    case.received_on = day
    case.acknowledge_due_on = day + dt.timedelta(days=ACKNOWLEDGE_DAYS)


# Moves that end the work on a case: an officer proposes them, a supervisor approves
# (decision 076).
APPROVED_MOVES = (S.CONCLUDED, S.CLOSED)


def check(
    case: CaseRow,
    new: CaseStatus,
    conclusion: Conclusion | None = None,
    external_reference: str = "",
) -> None:
    """Raise WorkflowError for a move the workflow does not allow or that lacks what it
    needs; change nothing."""
    if new not in TRANSITIONS[case.status]:
        raise WorkflowError(f"{case.status} cannot go to {new}")
    if new is S.REFERRED and not external_reference.strip():
        raise WorkflowError("a referral needs the external reference number")
    if new is S.CONCLUDED and conclusion is None:
        raise WorkflowError("a conclusion needs its outcome")


def move(
    case: CaseRow,
    new: CaseStatus,
    today: dt.date,
    conclusion: Conclusion | None = None,
    external_reference: str = "",
) -> CaseStatus:
    """Move a case along the workflow and return the old status; acknowledging starts the
    3-month feedback clock. Raise WorkflowError for a move the workflow does not allow."""
    check(case, new, conclusion, external_reference)
    old = case.status
    case.status = new
    case.closed_on = today if new is S.CLOSED else None
    if new is S.ACKNOWLEDGED:
        case.acknowledged_on = today
        case.feedback_due_on = add_months(today, FEEDBACK_MONTHS)
    if new is S.REFERRED:
        case.external_reference = external_reference.strip()
    if new is S.CONCLUDED:
        case.conclusion = conclusion
    if new in FEEDBACK_MOVES:
        record_feedback(case, today)
    if new in (S.CONCLUDED, S.CLOSED) and case.closed_on is None:
        case.closed_on = today
    if new is S.ASSESSMENT and old in (S.CONCLUDED, S.CLOSED):
        case.conclusion = None
        case.closed_on = None
    return old


def record_feedback(case: CaseRow, today: dt.date) -> None:
    """Note the day of the first feedback to the source: a reply, or a move the source sees as
    an answer (referral, conclusion, closure), on or after acknowledgement; later ones do not
    move it (the 3-month clock measures the first)."""
    if case.acknowledged_on is not None and case.first_feedback_on is None:
        case.first_feedback_on = today


def acknowledgement_late(case: CaseRow, today: dt.date) -> bool:
    """Say whether the 7-day acknowledgement date has passed unacknowledged."""
    due = case.acknowledge_due_on
    return case.status is S.RECEIVED and due is not None and due < today


def feedback_late(case: CaseRow, today: dt.date) -> bool:
    """Say whether the 3-month feedback date has passed on an open case."""
    due = case.feedback_due_on
    return case.status in OPEN_STATUSES and due is not None and due < today


def is_overdue(case: CaseRow, today: dt.date) -> bool:
    """Say whether a committed date has passed and its step is not done."""
    return acknowledgement_late(case, today) or feedback_late(case, today)


def overdue_clause(today: dt.date) -> ColumnElement[bool]:
    """Return `is_overdue` as a query condition (the inbox filters on it)."""
    return or_(
        and_(CaseRow.status == S.RECEIVED, CaseRow.acknowledge_due_on < today),
        and_(CaseRow.status.in_(OPEN_STATUSES), CaseRow.feedback_due_on < today),
    )
