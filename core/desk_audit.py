"""A desk's own audit log, for its auditors and supervisors (decision 077): the events that
name the desk, and older events (from before they did) of the desk's living cases. Cases are
named by their audit reference only: an auditor never sees a designation."""

from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from core import memberships
from core.errors import NotFound
from store.models import AuditEvent, Case, Reviewer


def events(
    session: Session, reader: Reviewer, desk_id: int, page: int, size: int
) -> list[AuditEvent]:
    """Return a page of the desk's audit events, newest first; NotFound for someone who may
    not read them (the same answer as for a desk that does not exist)."""
    if not memberships.reads_audit(reader, desk_id):
        raise NotFound()
    refs = select(Case.audit_ref).where(Case.desk_id == desk_id)
    query = (
        select(AuditEvent)
        .where(or_(AuditEvent.desk_id == desk_id, AuditEvent.case_ref.in_(refs)))
        .order_by(AuditEvent.id.desc())
        .limit(size)
        .offset((page - 1) * size)
    )
    return list(session.scalars(query))
