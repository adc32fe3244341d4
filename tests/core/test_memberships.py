"""Roles per desk, directly in core: the use cases refuse, whatever the interface shows
(decisions 075, 076, 078)."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from core import accounts, cases, desks, memberships
from core.errors import Invalid, NotAllowed, NotFound, ReauthenticationNeeded
from crypto import passphrase, totp_seal
from store.blobs import BlobStore
from store.models import CaseStatus, Conclusion, DeskKeyNotice, DeskRole, Reviewer
from tests.factories import add_case, add_source

PUBLIC = totp_seal.public_key(os.urandom(32))
TODAY = dt.date(2026, 11, 20)


def _person(
    session: Session, name: str, desk: str, role: DeskRole, admin: bool = False
) -> Reviewer:
    hasher = passphrase.make_hasher(1, 64)
    chosen = desks.by_slug(session, desk)
    roles = {chosen.id: role}
    accounts.add(session, hasher, None, name, admin, [chosen], PUBLIC, roles)
    return accounts.by_username(session, name)


def test_an_auditor_reaches_no_case(session: Session, blobs: BlobStore) -> None:
    case = add_case(session, blobs, add_source(session, "a" * 64), "nacc")
    eye = _person(session, "eye", "nacc", DeskRole.AUDITOR)
    with pytest.raises(NotFound):
        cases.case_for(session, eye, case.id)
    assert cases.desk_ids(eye) == []
    assert eye not in cases.assignable(session, case)
    assert memberships.reads_metrics(eye, case.desk_id)
    assert memberships.reads_audit(eye, case.desk_id)


def test_a_supervisor_decides_and_a_disabled_one_hands_it_back(
    session: Session, blobs: BlobStore
) -> None:
    case = add_case(session, blobs, add_source(session, "b" * 64), "nacc")
    officer = _person(session, "off", "nacc", DeskRole.OFFICER)
    boss = _person(session, "boss", "nacc", DeskRole.SUPERVISOR)
    with pytest.raises(NotAllowed):
        cases.assign(session, case, officer, None)
    cases.change_status(session, case, officer, CaseStatus.ACKNOWLEDGED, TODAY)
    cases.change_status(session, case, officer, CaseStatus.TRIAGE, TODAY)
    done = cases.change_status(
        session, case, officer, CaseStatus.CONCLUDED, TODAY, Conclusion.OUT_OF_SCOPE
    )
    assert not done
    assert case.status is CaseStatus.TRIAGE
    with pytest.raises(NotAllowed):
        cases.approve(session, case, officer, TODAY)
    cases.approve(session, case, boss, TODAY)
    assert (case.status, case.conclusion, case.approved_by) == (
        CaseStatus.CONCLUDED,
        Conclusion.OUT_OF_SCOPE,
        "boss",
    )
    # Without an active supervisor the desk's officers decide again (decision 076).
    accounts.set_active(session, None, boss, False)
    assert memberships.decides(session, officer, case.desk_id)
    assert cases.change_status(session, case, officer, CaseStatus.CLOSED, TODAY)
    assert case.approved_by is None


def test_an_outside_admin_needs_reauthentication_and_members_are_told(
    session: Session,
) -> None:
    admin = _person(session, "root", "nacc", DeskRole.OFFICER, admin=True)
    member = _person(session, "member", "uni", DeskRole.OFFICER)
    newcomer = _person(session, "new", "nacc", DeskRole.OFFICER)
    uni = desks.by_slug(session, "uni")
    with pytest.raises(ReauthenticationNeeded):
        memberships.set_role(session, admin, newcomer, uni, DeskRole.AUDITOR)
    with pytest.raises(ReauthenticationNeeded):
        accounts.add(session, passphrase.make_hasher(1, 64), admin, "x", False, [uni], PUBLIC)
    memberships.set_role(session, admin, newcomer, uni, DeskRole.AUDITOR, reauthenticated=True)
    notices = list(session.scalars(select(DeskKeyNotice)))
    assert [(n.reviewer_id, n.member_change) for n in notices] == [(member.id, "new: auditor")]
    # lowering, or ending, a membership needs nothing
    memberships.set_role(session, admin, member, uni, DeskRole.AUDITOR)
    with pytest.raises(Invalid):  # their only desk
        memberships.set_role(session, admin, member, uni, None)
