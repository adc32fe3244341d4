"""Who belongs to which desk, in which role (docs/decisions/075-078).

An officer works the desk's cases; a supervisor also assigns them and approves conclusions
and closures; an auditor sees only the desk's metrics and audit log. Until a desk has an
active supervisor, its officers keep the powers they had before roles (decision 076).

Adding someone to a desk, or raising their role there, decides who reads the desk's cases:
an admin who is not a member of the desk must have re-authenticated, and every member of the
desk is told at their next page (decision 078). The operator's command line is the server's
own user (decision 037): neither applies to it.
"""

from __future__ import annotations

from sqlalchemy import delete, insert, select, update
from sqlalchemy.orm import Session

from core.audit import Action, record
from core.desks import leave_notices
from core.errors import Invalid, ReauthenticationNeeded
from store.models import Desk, DeskRole, Membership, Reviewer, reviewer_desks

R = DeskRole
CASE_ROLES = (R.OFFICER, R.SUPERVISOR)
# How much a role lets one read: adding a membership or moving up this order is a raise.
RANK = {None: 0, R.AUDITOR: 1, R.OFFICER: 2, R.SUPERVISOR: 3}


def parse_role(text: str) -> DeskRole:
    """Return the role named `text` (Invalid if there is none)."""
    try:
        return DeskRole(text.strip().lower())
    except ValueError:
        raise Invalid(f"no role {text!r} (officer, supervisor or auditor)") from None


def roles_of(reviewer: Reviewer) -> dict[int, DeskRole]:
    """Return the reviewer's role at each of their desks, by desk id."""
    return {m.desk_id: DeskRole(m.role) for m in reviewer.memberships}


def role_at(reviewer: Reviewer, desk_id: int) -> DeskRole | None:
    """Return the reviewer's role at a desk (None: not a member)."""
    return roles_of(reviewer).get(desk_id)


def case_desk_ids(reviewer: Reviewer) -> list[int]:
    """Return the desks whose cases the reviewer may open (officer or supervisor there)."""
    return sorted(d for d, role in roles_of(reviewer).items() if role in CASE_ROLES)


def has_supervisor(session: Session, desk_id: int) -> bool:
    """Return whether the desk has an active supervisor."""
    query = (
        select(Membership.reviewer_id)
        .join(Reviewer, Reviewer.id == Membership.reviewer_id)
        .where(
            Membership.desk_id == desk_id,
            Membership.role == R.SUPERVISOR,
            Reviewer.active.is_(True),
        )
    )
    return session.scalar(query.limit(1)) is not None


def decides(session: Session, reviewer: Reviewer, desk_id: int) -> bool:
    """Return whether the reviewer assigns, concludes and closes at this desk without
    anyone's approval: a supervisor, or an officer of a desk with no supervisor."""
    role = role_at(reviewer, desk_id)
    if role is R.SUPERVISOR:
        return True
    return role is R.OFFICER and not has_supervisor(session, desk_id)


def is_raise(old: DeskRole | None, new: DeskRole | None) -> bool:
    """Return whether going from `old` to `new` lets the person read more of the desk."""
    return RANK[new] > RANK[old]


def needs_reauthentication(
    actor: Reviewer | None, desk: Desk, old: DeskRole | None, new: DeskRole | None
) -> bool:
    """Return whether this change needs the admin's passphrase and a fresh code: a raise at a
    desk the admin is not a member of. The command line (None) is the server's own user."""
    return actor is not None and is_raise(old, new) and role_at(actor, desk.id) is None


def set_role(
    session: Session,
    actor: Reviewer | None,
    person: Reviewer,
    desk: Desk,
    role: DeskRole | None,
    reauthenticated: bool = False,
) -> None:
    """Add, change or (role None) end a membership; audited. A raise by an admin who is not
    a member of the desk needs re-authentication and leaves a notice for every member."""
    old = role_at(person, desk.id)
    if old == role:
        return
    if role is None and set(roles_of(person)) == {desk.id}:
        raise Invalid("a reviewer needs at least one desk")
    needed = needs_reauthentication(
        actor, desk, old, role
    )  # before the change: actor may be person
    if needed and not reauthenticated:
        raise ReauthenticationNeeded("adding a member to a desk you are not in needs it")
    table = reviewer_desks.c
    mine = (table.reviewer_id == person.id) & (table.desk_id == desk.id)
    members = [m for m in desk.reviewers if m.id != person.id]
    if role is None:
        session.execute(delete(reviewer_desks).where(mine))
    elif old is None:
        session.execute(
            insert(reviewer_desks).values(reviewer_id=person.id, desk_id=desk.id, role=role)
        )
    else:
        session.execute(update(reviewer_desks).where(mine).values(role=role))
    session.expire(person, ["desks", "memberships"])
    session.expire(desk, ["reviewers"])
    change = f"{person.username} at {desk.slug}: {old or 'none'} -> {role or 'none'}"
    record(session, actor, Action.MEMBERSHIP_CHANGED, detail=change, desk_id=desk.id)
    # The command line is the server's own user (decision 037): no notice from it.
    if needed:
        leave_notices(session, actor, desk, members, member_change=f"{person.username}: {role}")


def reads_metrics(reviewer: Reviewer, desk_id: int) -> bool:
    """Return whether the reviewer sees the desk's metrics (any member of the desk)."""
    return role_at(reviewer, desk_id) is not None


def reads_audit(reviewer: Reviewer, desk_id: int) -> bool:
    """Return whether the reviewer reads the desk's audit log (its auditors, supervisors)."""
    return role_at(reviewer, desk_id) in (R.AUDITOR, R.SUPERVISOR)
