"""The daily digest (decision 080): for each reviewer who gave an email address, "N new
reports and M acknowledgements due at your desks", and nothing else a reader of the mail
could tie to a case.

"New" counts by day: a reviewer's `digest_through` is the last day a digest counted, and the
next one counts the cases received on the days after it up to yesterday (UTC), so every case
is counted in exactly one digest. A day is counted only once it has closed, and
`digest_through` moves only after the mail went out (or when there was nothing to say), so a
failed send is retried, with the same and newer days, by the next run.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from core.audit import Action, record
from core.errors import Invalid
from store.models import Case, CaseStatus, Reviewer, reviewer_desks

LANGUAGES = ("th", "en")
# One address, nothing that could smuggle a header (CR, LF) or a second recipient.
_ADDRESS = re.compile(r"[^@\s,;<>\"'()\[\]\\]{1,64}@[A-Za-z0-9.-]{1,188}\.[A-Za-z]{2,63}")


@dataclass(frozen=True)
class Digest:
    """One reviewer's digest: whom to write to, in which language, and the two numbers."""

    reviewer_id: int
    email: str
    language: str
    new_reports: int
    acknowledgements_due: int
    through: dt.date  # the last day it counts

    @property
    def empty(self) -> bool:
        """Say whether there is nothing to say (then nothing is sent)."""
        return self.new_reports == 0 and self.acknowledgements_due == 0


def clean_address(text: str) -> str:
    """Return the address as stored (trimmed, domain lower-cased), or raise Invalid."""
    address = text.strip()
    if len(address) > 254 or not _ADDRESS.fullmatch(address):
        raise Invalid("not an email address")
    local, domain = address.rsplit("@", 1)
    return f"{local}@{domain.lower()}"


def set_address(
    session: Session,
    actor: Reviewer,
    person: Reviewer,
    email: str,
    language: str,
    today: dt.date,
) -> None:
    """Give a reviewer a digest address (or change it, or its language). A new address starts
    counting from today: the first digest does not report the whole history of the desks."""
    if language not in LANGUAGES:
        raise Invalid("unknown language")
    address = clean_address(email)
    if person.email is None:
        person.digest_through = today - dt.timedelta(days=1)
    person.email = address
    person.digest_language = language
    record(session, actor, Action.DIGEST_ADDRESS_SET, detail=f"reviewer={person.username}")


def clear_address(session: Session, actor: Reviewer, person: Reviewer) -> None:
    """Remove a reviewer's digest address (the reviewer themself, or an admin)."""
    if person.email is None:
        return
    person.email = None
    person.digest_through = None
    record(session, actor, Action.DIGEST_ADDRESS_CLEARED, detail=f"reviewer={person.username}")


def _count(session: Session, person: Reviewer, *conditions: object) -> int:
    desks = select(reviewer_desks.c.desk_id).where(reviewer_desks.c.reviewer_id == person.id)
    query = select(func.count(Case.id)).where(Case.desk_id.in_(desks), *conditions)  # type: ignore[arg-type]
    return session.scalar(query) or 0


def pending(session: Session, today: dt.date) -> list[Digest]:
    """Return the digests due today: one per active reviewer with an address whose last
    digest counted up to a day before yesterday (so a second run on a day sends nothing)."""
    yesterday = today - dt.timedelta(days=1)
    people = session.scalars(
        select(Reviewer)
        .where(Reviewer.active.is_(True), Reviewer.email.is_not(None))
        .where((Reviewer.digest_through.is_(None)) | (Reviewer.digest_through < yesterday))
        .order_by(Reviewer.id)
    ).all()
    out = []
    for person in people:
        since = person.digest_through or (yesterday - dt.timedelta(days=1))
        new = _count(session, person, Case.received_on > since, Case.received_on <= yesterday)
        due = _count(session, person, Case.status == CaseStatus.RECEIVED)
        assert person.email is not None  # noqa: S101 (selected above; narrows the type)
        out.append(Digest(person.id, person.email, person.digest_language, new, due, yesterday))
    return out


def mark_sent(session: Session, digest: Digest) -> None:
    """Record that the digest went out (or had nothing to say): its days are counted."""
    session.execute(
        update(Reviewer)
        .where(Reviewer.id == digest.reviewer_id, Reviewer.email == digest.email)
        .values(digest_through=digest.through)
    )


SUBJECT = {"th": "WE STRONG Drop: สรุปประจำวัน", "en": "WE STRONG Drop: daily digest"}
BODY = {
    "th": (
        "เรื่องใหม่ {new} เรื่อง และเรื่องที่ต้องยืนยันการรับเรื่อง {due} เรื่อง "
        "ที่หน่วยงานผู้รับเรื่องของท่าน\n\n"
        "โปรดเข้าสู่ระบบสำหรับเจ้าหน้าที่ผ่าน Tor Browser เพื่อดูรายละเอียด\n"
    ),
    "en": (
        "{new} new {reports} and {due} {acks} due at your desks.\n\n"
        "Sign in to the reviewer interface in Tor Browser to see them.\n"
    ),
}


def text(digest: Digest) -> tuple[str, str]:
    """Return the mail's subject and body in the reviewer's language: two numbers only."""
    language = digest.language if digest.language in LANGUAGES else "th"
    body = BODY[language].format(
        new=digest.new_reports,
        due=digest.acknowledgements_due,
        reports="report" if digest.new_reports == 1 else "reports",
        acks="acknowledgement" if digest.acknowledgements_due == 1 else "acknowledgements",
    )
    return SUBJECT[language], body
