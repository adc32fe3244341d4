"""A reviewer's work on a case: access, assignment, labels, status, deletion.

Access is per desk: a reviewer reaches only cases of desks where they are an officer or a
supervisor (an auditor never opens a case). A case outside them is NotFound, exactly like a
case that does not exist, so its existence does not leak. Where a desk has a supervisor, an
officer's conclusion or closure waits for their approval (decision 076).
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import deletion, memberships, unit, workflow
from core.audit import Action, record
from core.errors import NotAllowed, NotFound, WorkflowError
from store.blobs import BlobStore
from store.models import (
    Case,
    CaseStatus,
    Conclusion,
    Membership,
    Reply,
    Reviewer,
    Submission,
)


def desk_ids(reviewer: Reviewer) -> list[int]:
    """Return the ids of the desks whose cases the reviewer works (officer or supervisor)."""
    return memberships.case_desk_ids(reviewer)


def case_for(session: Session, reviewer: Reviewer, case_id: int) -> Case:
    """Return a case the reviewer may see, or raise NotFound."""
    case = session.get(Case, case_id)
    if case is None or case.desk_id not in desk_ids(reviewer):
        raise NotFound()
    return case


def submission_for(session: Session, case: Case, item_id: int) -> Submission:
    """Return a submission of this case, or raise NotFound."""
    item = session.get(Submission, item_id)
    if item is None or item.case_id != case.id:
        raise NotFound()
    return item


def reply_for(session: Session, case: Case, reply_id: int) -> Reply:
    """Return a reply of this case, or raise NotFound."""
    reply = session.get(Reply, reply_id)
    if reply is None or reply.case_id != case.id:
        raise NotFound()
    return reply


def change_status(
    session: Session,
    case: Case,
    actor: Reviewer,
    new: CaseStatus,
    today: dt.date,
    conclusion: Conclusion | None = None,
    external_reference: str = "",
) -> bool:
    """Move a case along the workflow (WorkflowError if it may not go there); audited.
    Return False when the move was only proposed: an officer's conclusion or closure at a
    desk with a supervisor waits for the supervisor's approval (`approve`)."""
    if case.proposed_status is not None:
        raise WorkflowError("a conclusion or closure is waiting for a supervisor's approval")
    decides = memberships.decides(session, actor, case.desk_id)
    if new in workflow.APPROVED_MOVES and not decides:
        workflow.check(case, new, conclusion, external_reference)
        case.proposed_status, case.proposed_conclusion = new, conclusion
        case.proposed_by, case.proposed_on = actor.username, today
        record(session, actor, Action.CLOSURE_PROPOSED, case, _proposal(case))
        return False
    old = workflow.move(case, new, today, conclusion, external_reference)
    # The status row keeps its "old -> new" shape (migration 0010 reads it); who approved
    # goes in a row of its own.
    record(session, actor, Action.STATUS, case, f"{old} -> {new}")
    case.approved_by = None
    if new in workflow.APPROVED_MOVES:
        supervisor = memberships.role_at(actor, case.desk_id) is memberships.R.SUPERVISOR
        case.approved_by = actor.username if supervisor else None
        why = "by a supervisor" if supervisor else "not needed: the desk has no supervisor"
        record(session, actor, Action.CLOSURE_APPROVED, case, f"{old} -> {new}; {why}")
    return True


def _proposal(case: Case) -> str:
    outcome = f" ({case.proposed_conclusion})" if case.proposed_conclusion else ""
    return f"{case.status} -> {case.proposed_status}{outcome}"


def approve(session: Session, case: Case, actor: Reviewer, today: dt.date) -> None:
    """A supervisor carries out the conclusion or closure an officer proposed; the case
    records who approved it (NotAllowed for anyone else, WorkflowError if none waits)."""
    new, proposer = case.proposed_status, case.proposed_by
    if new is None:
        raise WorkflowError("nothing is waiting for approval")
    if not memberships.decides(session, actor, case.desk_id):
        raise NotAllowed("only a supervisor of the desk approves a conclusion or closure")
    detail = f"{_proposal(case)}; proposed by {proposer}, approved by {actor.username}"
    old = workflow.move(case, new, today, case.proposed_conclusion)
    _clear_proposal(case)
    case.approved_by = actor.username
    record(session, actor, Action.CLOSURE_APPROVED, case, detail)
    record(session, actor, Action.STATUS, case, f"{old} -> {new}")


def send_back(session: Session, case: Case, actor: Reviewer) -> None:
    """A supervisor sends a proposed conclusion or closure back (the case stays where it
    was), or its proposer withdraws it; audited."""
    if case.proposed_status is None:
        raise WorkflowError("nothing is waiting for approval")
    proposer = case.proposed_by
    if proposer != actor.username and not memberships.decides(session, actor, case.desk_id):
        raise NotAllowed("only a supervisor of the desk, or the proposer, sends it back")
    detail = f"{_proposal(case)}; proposed by {proposer}"
    _clear_proposal(case)
    record(session, actor, Action.CLOSURE_RETURNED, case, detail)


def _clear_proposal(case: Case) -> None:
    case.proposed_status = case.proposed_conclusion = None
    case.proposed_by = case.proposed_on = None


def assignable(session: Session, case: Case) -> list[Reviewer]:
    """Return the active reviewers who may be assigned the case (its desk's officers and
    supervisors; never an auditor)."""
    return list(
        session.scalars(
            select(Reviewer)
            .join(Membership, Membership.reviewer_id == Reviewer.id)
            .where(
                Reviewer.active.is_(True),
                Membership.desk_id == case.desk_id,
                Membership.role.in_(memberships.CASE_ROLES),
            )
            .order_by(Reviewer.username)
        )
    )


def may_assign(session: Session, actor: Reviewer, case: Case) -> bool:
    """Return whether the actor assigns cases at the case's desk (decision 076)."""
    return memberships.decides(session, actor, case.desk_id)


def assign(session: Session, case: Case, actor: Reviewer, chosen: Reviewer | None) -> None:
    """Assign a case (or unassign it); the caller has had the absence of a conflict of
    interest confirmed, which the audit record states. NotAllowed for an officer of a desk
    that has a supervisor: the supervisor assigns."""
    if not may_assign(session, actor, case):
        raise NotAllowed("the desk's supervisor assigns its cases")
    if chosen is not None and chosen not in assignable(session, case):
        raise NotFound()
    case.assignee_id = chosen.id if chosen else None
    detail = f"to {chosen.username}; no conflict of interest confirmed" if chosen else "none"
    record(session, actor, Action.ASSIGN, case, detail)


def set_labels(
    session: Session,
    case: Case,
    actor: Reviewer,
    category: str | None,
    province: str | None,
    file_number: str | None = None,
) -> None:
    """Set the reviewer-written labels the statistics count by, and the desk's own file
    number (searchable, decision 084; None leaves it as it is)."""
    case.category = category or None
    case.province = province or None
    if file_number is not None:
        case.file_number = file_number.strip()[:100] or None
    record(session, actor, Action.LABELS, case)


def toggle_star(case: Case) -> None:
    """Star or unstar a case (a reviewer's bookmark; not audited)."""
    case.starred = not case.starred


def mark_seen(reviewer: Reviewer, items: list[Submission]) -> None:
    """Record that a reviewer downloaded some submissions."""
    for item in items:
        item.seen = True
        if reviewer not in item.seen_by:
            item.seen_by.append(reviewer)


def record_view(session: Session, actor: Reviewer, case: Case) -> None:
    """Audit that a reviewer opened a case (its page, or its record through the API)."""
    record(session, actor, Action.CASE_VIEWED, case)


def record_download(
    session: Session, actor: Reviewer, case: Case, item: Submission | Reply
) -> None:
    """Audit the download of a submission (marking it seen) or of a reply."""
    if isinstance(item, Reply):
        record(session, actor, Action.DOWNLOAD, case, f"reply #{item.id}")
        return
    mark_seen(actor, [item])
    record(session, actor, Action.DOWNLOAD, case, f"#{item.id}")


def delete_item(
    session: Session, blobs: BlobStore, actor: Reviewer | None, item: Submission | Reply
) -> None:
    """Delete a submission or reply row and queue its blob for shredding (core.deletion);
    once committed, push the deleted row out of the database files (core.unit)."""
    case = item.case
    session.delete(item)
    copies = [item.source_blob_name] if isinstance(item, Reply) else []
    names = [item.blob_name, *[c for c in copies if c]]
    deletion.enqueue(session, names, dt.datetime.now(dt.UTC).date())
    unit.forget_after_commit(session)
    action = Action.DELETE_REPLY if isinstance(item, Reply) else Action.DELETE_SUBMISSION
    record(session, actor, action, case, f"#{item.id}")


def delete_case(
    session: Session, blobs: BlobStore, actor: Reviewer | None, case: Case, detail: str = ""
) -> None:
    """Delete a whole case: its rows, and queue every blob for shredding (core.deletion).
    The source keeps their codename and any cases at other desks."""
    names = [s.blob_name for s in case.submissions] + [r.blob_name for r in case.replies]
    names += [r.source_blob_name for r in case.replies if r.source_blob_name]
    session.delete(case)
    deletion.enqueue(session, names, dt.datetime.now(dt.UTC).date())
    unit.forget_after_commit(session)
    record(session, actor, Action.DELETE_CASE, case, detail)
