"""A reviewer's work on a case: access, assignment, labels, status, deletion.

Access is per desk: a reviewer reaches only cases of desks they belong to. A case outside
them is NotFound, exactly like a case that does not exist, so its existence does not leak.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.orm import Session

from core import deletion, unit, workflow
from core.audit import Action, record
from core.errors import NotFound
from store.blobs import BlobStore
from store.models import Case, CaseStatus, Conclusion, Reply, Reviewer, Submission


def desk_ids(reviewer: Reviewer) -> list[int]:
    """Return the ids of the reviewer's desks."""
    return [d.id for d in reviewer.desks]


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
) -> None:
    """Move a case along the workflow (WorkflowError if it may not go there); audited."""
    old = workflow.move(case, new, today, conclusion, external_reference)
    record(session, actor, Action.STATUS, case, f"{old} -> {new}")


def assignable(session: Session, case: Case) -> list[Reviewer]:
    """Return the active reviewers who may be assigned the case (members of its desk)."""
    return list(
        session.scalars(
            select(Reviewer)
            .where(Reviewer.active.is_(True), Reviewer.desks.any(id=case.desk_id))
            .order_by(Reviewer.username)
        )
    )


def assign(session: Session, case: Case, actor: Reviewer, chosen: Reviewer | None) -> None:
    """Assign a case (or unassign it); the caller has had the absence of a conflict of
    interest confirmed, which the audit record states."""
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
