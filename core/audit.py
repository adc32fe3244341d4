"""The audit log: who did what to which case, when; never content, never codes."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from sqlalchemy.orm import Session

from store.models import AuditEvent, Reviewer


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


def record(
    session: Session,
    actor: Reviewer | None,
    action: Action,
    case_designation: str | None = None,
    detail: str = "",
) -> None:
    """Append an audit event (`actor` None: the command line or a scheduled job)."""
    session.add(
        AuditEvent(
            at=dt.datetime.now(dt.UTC),
            reviewer_id=actor.id if actor else None,
            action=action.value,
            case_designation=case_designation,
            detail=detail,
        )
    )
