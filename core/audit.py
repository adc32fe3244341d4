"""The audit log: who did what to which case, when; never content, never codes.

Append-only in the database itself (triggers refuse UPDATE and DELETE, migration 0005) and
tamper-evident: each row carries `row_hash`, a SHA-256 over the previous row's hash and its
own content, and the single `audit_head` row holds the last hash and the row count. Appending
locks that head row first, so concurrent transactions chain one after another (SQLite and
PostgreSQL alike). `verify` walks the chain; `manage.py audit verify` reports the first
broken row (docs/decisions/036-audit-log.md).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from store.models import AUDIT_GENESIS, AuditEvent, AuditHead, Case, Reviewer

FORMAT = "westrong-audit-v1"


class Action(StrEnum):
    """Every action the audit log records (stored as these strings)."""

    LOGIN = "login"
    LOGIN_FAILED = "login_failed"
    LOGOUT = "logout"
    PASSPHRASE_CHANGED = "passphrase_changed"  # noqa: S105 (an action name)
    STATUS = "status"
    REPLY = "reply"
    ASSIGN = "assign"
    LABELS = "labels"
    DOWNLOAD = "download"
    EXPORT = "export"
    DELETE_SUBMISSION = "delete_submission"
    DELETE_REPLY = "delete_reply"
    DELETE_CASE = "delete_source"  # the stored word predates cases per desk
    REVIEWER_ADDED = "reviewer_added"
    REVIEWER_RESET_2FA = "reviewer_reset-2fa"
    REVIEWER_RESET_PASSPHRASE = "reviewer_reset-passphrase"  # noqa: S105
    REVIEWER_DISABLED = "reviewer_disable"
    REVIEWER_ENABLED = "reviewer_enable"
    REVIEWER_DELETED = "reviewer_deleted"
    DESK_SAVED = "desk_saved"
    SETTINGS_SAVED = "settings_saved"
    LOGO_SAVED = "logo_saved"
    LOGO_REMOVED = "logo_removed"
    PURGE = "purge"
    CHECK_REPAIRED = "check_repaired"
    HOLD = "hold"
    HOLD_RELEASED = "hold_released"
    DELETIONS_DONE = "deletions_done"
    CASE_VIEWED = "case_viewed"
    DESK_RECIPIENTS_CHANGED = "desk_recipients_changed"
    DESK_NOTICE_ACKNOWLEDGED = "desk_notice_acknowledged"
    MEMBERSHIP_CHANGED = "membership_changed"
    CLOSURE_PROPOSED = "closure_proposed"
    CLOSURE_APPROVED = "closure_approved"
    CLOSURE_RETURNED = "closure_returned"
    DIGEST_ADDRESS_SET = "digest_address_set"  # the address itself is never logged
    DIGEST_ADDRESS_CLEARED = "digest_address_cleared"
    AUTHORSHIP_CHALLENGE = "authorship_challenge"
    AUTHORSHIP_PROVEN = "authorship_proven"
    AUTHORSHIP_FAILED = "authorship_failed"


def _moment(at: dt.datetime) -> str:
    """Return a time as the chain hashes it: UTC, microseconds (what both engines keep)."""
    utc = at.replace(tzinfo=dt.UTC) if at.tzinfo is None else at.astimezone(dt.UTC)
    return utc.strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def row_hash(previous: str, event: AuditEvent) -> str:
    """Return the hash a row must carry after the row whose hash is `previous`."""
    content = [
        FORMAT,
        previous,
        _moment(event.at),
        event.reviewer_id,
        event.actor,
        event.action,
        event.case_ref,
        event.detail,
    ]
    if event.desk_id is not None:  # rows from before decision 077 hash as they always did
        content.append(event.desk_id)
    canonical = json.dumps(content, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def record(
    session: Session,
    actor: Reviewer | None,
    action: Action,
    case: Case | None = None,
    detail: str = "",
    desk_id: int | None = None,
) -> None:
    """Append an audit event (`actor` None: the command line or a scheduled job); it names
    the case's desk (or `desk_id`), so the desk's auditors can read it.

    The actor's username is kept in the row: deleting the account later does not erase who
    did what. A case is named by its random audit reference, never its designation: once the
    case is deleted, nothing in the log can be matched with what anyone wrote down about it."""
    # Take the head row's lock before reading it: a second writer waits here until this
    # transaction ends, then chains after this row instead of forking the chain.
    session.execute(
        update(AuditHead).where(AuditHead.id == 1).values(rows=AuditHead.rows + 1),
        execution_options={"synchronize_session": False},
    )
    head = session.get(AuditHead, 1, populate_existing=True)
    if head is None:
        raise RuntimeError("the audit log has no head row (run manage.py migrate)")
    event = AuditEvent(
        at=dt.datetime.now(dt.UTC),
        reviewer_id=actor.id if actor else None,
        actor=actor.username if actor else None,
        action=action.value,
        case_ref=case.audit_ref if case is not None else None,
        desk_id=case.desk_id if case is not None else desk_id,
        detail=detail,
    )
    event.row_hash = row_hash(head.last_hash, event)
    head.last_hash = event.row_hash
    session.add(event)


@dataclass(frozen=True)
class ChainReport:
    """What `verify` found: rows checked, the first broken row's id (if any), and why."""

    rows: int
    head: str
    broken_at: int | None = None
    problem: str = ""

    @property
    def intact(self) -> bool:
        """Return whether every row and the head agree."""
        return not self.problem


def verify(session: Session) -> ChainReport:
    """Walk the chain in id order; report the first row whose hash does not follow."""
    previous, count = AUDIT_GENESIS, 0
    for event in session.scalars(select(AuditEvent).order_by(AuditEvent.id)).yield_per(1000):
        if event.row_hash != row_hash(previous, event):
            problem = "this row was changed, or a row before it was removed or inserted"
            return ChainReport(count, previous, event.id, problem)
        previous, count = event.row_hash, count + 1
    head = session.get(AuditHead, 1)
    if head is None or head.last_hash != previous or head.rows != count:
        recorded = head.rows if head else 0
        problem = f"the chain ends at row {count} but {recorded} were recorded (rows removed)"
        return ChainReport(count, previous, None, problem)
    return ChainReport(count, previous)
