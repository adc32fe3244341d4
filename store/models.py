"""SQLAlchemy 2.0 models. No column holds an IP address, a user agent or the exact time of
anything a source did: a source's dates are whole days (`Date`), reviewers' actions may have
times."""

from __future__ import annotations

import datetime as dt
import enum
import secrets

from sqlalchemy import (
    Boolean,
    Column,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

# Named constraints, so Alembic migrations are the same on SQLite and PostgreSQL.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    """Base of every model."""

    metadata = MetaData(naming_convention=NAMING)


class CaseStatus(enum.StrEnum):
    """The case workflow (whistleblowing norms: acknowledge in 7 days, feedback in 3 months)."""

    RECEIVED = "received"
    ACKNOWLEDGED = "acknowledged"
    TRIAGE = "triage"
    ASSESSMENT = "assessment"
    REFERRED = "referred"
    INVESTIGATING = "investigating"
    CONCLUDED = "concluded"
    CLOSED = "closed"


class Conclusion(enum.StrEnum):
    """How a concluded case ended."""

    SUBSTANTIATED = "substantiated"
    UNSUBSTANTIATED = "unsubstantiated"
    OUT_OF_SCOPE = "out_of_scope"
    INSUFFICIENT_INFORMATION = "insufficient_information"


class DeskRole(enum.StrEnum):
    """What a member of a desk may do there (docs/decisions/075): an officer works cases, a
    supervisor also assigns them and approves conclusions and closures, an auditor sees only
    the desk's metrics and audit log."""

    OFFICER = "officer"
    SUPERVISOR = "supervisor"
    AUDITOR = "auditor"


class SubmissionKind(enum.StrEnum):
    """What a submission holds (its content is only ever in the ciphertext)."""

    MESSAGE = "message"
    FILE = "file"
    # The source's identity or contact details, given by choice (decision 096): kept apart
    # from the tip everywhere, opened on the workstation only when asked for.
    IDENTITY = "identity"


def _enum(cls: type[enum.Enum]) -> Enum:
    # Stored as plain strings with a CHECK, portable across SQLite and PostgreSQL.
    return Enum(cls, native_enum=False, length=32, values_callable=lambda e: [m.value for m in e])


def new_audit_ref() -> str:
    """Return a fresh random audit reference for a case."""
    return secrets.token_hex(8)


reviewer_desks = Table(
    "reviewer_desks",
    Base.metadata,
    Column("reviewer_id", ForeignKey("reviewers.id", ondelete="CASCADE"), primary_key=True),
    Column("desk_id", ForeignKey("desks.id", ondelete="CASCADE"), primary_key=True),
    Column(
        "role",
        _enum(DeskRole),
        nullable=False,
        default=DeskRole.OFFICER,
        server_default=DeskRole.OFFICER.value,
    ),
)

submission_seen = Table(
    "submission_seen",
    Base.metadata,
    Column("submission_id", ForeignKey("submissions.id", ondelete="CASCADE"), primary_key=True),
    Column("reviewer_id", ForeignKey("reviewers.id", ondelete="CASCADE"), primary_key=True),
)


class Desk(Base):
    """A receiving organisation: the anti-corruption commission, a university centre."""

    __tablename__ = "desks"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(64), unique=True)
    name_th: Mapped[str] = mapped_column(String(200))
    name_en: Mapped[str] = mapped_column(String(200))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    recipients: Mapped[list[DeskRecipient]] = relationship(
        back_populates="desk", cascade="all, delete-orphan", order_by="DeskRecipient.id"
    )
    reviewers: Mapped[list[Reviewer]] = relationship(
        secondary=reviewer_desks, back_populates="desks"
    )


class DeskRecipient(Base):
    """One age recipient of a desk; every submission to the desk is encrypted to all of them."""

    __tablename__ = "desk_recipients"
    __table_args__ = (UniqueConstraint("desk_id", "recipient"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="CASCADE"), index=True)
    recipient: Mapped[str] = mapped_column(String(100))  # age1…
    fingerprint: Mapped[str] = mapped_column(String(64))  # read-aloud form, for comparison
    label: Mapped[str] = mapped_column(String(200), default="")
    desk: Mapped[Desk] = relationship(back_populates="recipients")


class Source(Base):
    """A codename identity: how a source signs in and receives replies. What they reported,
    and to whom, lives in their cases (one per desk)."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    lookup_id: Mapped[str] = mapped_column(String(64), unique=True)  # from the codename KDF
    reply_recipient: Mapped[str] = mapped_column(String(100))  # age1…; its secret is never kept
    # Pending until the first submission: no case yet, purged after a day.
    pending: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    created_on: Mapped[dt.date] = mapped_column(Date)
    last_activity_on: Mapped[dt.date] = mapped_column(Date, index=True)
    cases: Mapped[list[Case]] = relationship(
        back_populates="source", cascade="all, delete-orphan", order_by="Case.id"
    )


class Case(Base):
    """One source's report to one desk: the only handle its reviewers see is the designation,
    random per case, so two desks cannot tell that the same person reported to both."""

    __tablename__ = "cases"
    __table_args__ = (
        UniqueConstraint("source_id", "desk_id", name="uq_cases_source_desk"),
        Index("ix_cases_desk_status", "desk_id", "status"),
        Index("ix_cases_last_activity", "last_activity_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="RESTRICT"))
    designation: Mapped[str] = mapped_column(String(100), unique=True)
    # What the audit log calls the case: random, unrelated to the designation, so a deleted
    # case's audit rows keep no name anyone could look up.
    audit_ref: Mapped[str] = mapped_column(String(32), unique=True, default=new_audit_ref)
    # The case's own day-precision activity (its submissions), not the source's sign-ins.
    last_activity_on: Mapped[dt.date] = mapped_column(Date)
    # Case workflow, all reviewer-written metadata; none of it is what the source wrote.
    status: Mapped[CaseStatus] = mapped_column(_enum(CaseStatus), default=CaseStatus.RECEIVED)
    received_on: Mapped[dt.date] = mapped_column(Date)
    acknowledge_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    acknowledged_on: Mapped[dt.date | None] = mapped_column(Date)
    feedback_due_on: Mapped[dt.date | None] = mapped_column(Date, index=True)
    conclusion: Mapped[Conclusion | None] = mapped_column(_enum(Conclusion))
    # The day of the first feedback to the source (a reply after acknowledgement, or a
    # referral, conclusion or closure) and the day the case was concluded or closed (retention
    # counts from it; None while it is open).
    first_feedback_on: Mapped[dt.date | None] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    external_reference: Mapped[str | None] = mapped_column(String(200))  # set on referral
    # The desk's own file number for the case (decision 084), set on the case page any time.
    file_number: Mapped[str | None] = mapped_column(String(100))
    category: Mapped[str | None] = mapped_column(String(64))
    province: Mapped[str | None] = mapped_column(String(64))
    assignee_id: Mapped[int | None] = mapped_column(
        ForeignKey("reviewers.id", ondelete="SET NULL"), index=True
    )
    starred: Mapped[bool] = mapped_column(Boolean, default=False)
    # A legal hold: a held case is never purged, whatever the retention policy says.
    hold_reason: Mapped[str | None] = mapped_column(String(500))
    held_on: Mapped[dt.date | None] = mapped_column(Date)
    # A conclusion or closure an officer proposed, waiting for a supervisor (decision 076);
    # and who approved the one in force (None: not needed, or from before roles).
    proposed_status: Mapped[CaseStatus | None] = mapped_column(_enum(CaseStatus))
    proposed_conclusion: Mapped[Conclusion | None] = mapped_column(_enum(Conclusion))
    proposed_by: Mapped[str | None] = mapped_column(String(64))  # the username at the time
    proposed_on: Mapped[dt.date | None] = mapped_column(Date)
    approved_by: Mapped[str | None] = mapped_column(String(64))
    # The case's own reply key (decision 067): its public half, and the salt the source's page
    # derives the secret half with. None for a case opened before: replies use the source's key.
    reply_recipient: Mapped[str | None] = mapped_column(String(100))
    reply_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    # Proof of authorship (decision 095): the case's own Ed25519 public key (`westrongauth1…`)
    # and the salt the source's page derives its secret with; the desk's open challenge, and
    # the day a signature of one verified. None for a case whose source has not signed in
    # since it was opened before this (the key is set at their next sign-in).
    authorship_key: Mapped[str | None] = mapped_column(String(100))
    authorship_salt: Mapped[bytes | None] = mapped_column(LargeBinary(16))
    authorship_challenge: Mapped[str | None] = mapped_column(String(32))
    authorship_proven_on: Mapped[dt.date | None] = mapped_column(Date)

    source: Mapped[Source] = relationship(back_populates="cases")
    desk: Mapped[Desk] = relationship()
    assignee: Mapped[Reviewer | None] = relationship()
    submissions: Mapped[list[Submission]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Submission.id"
    )
    replies: Mapped[list[Reply]] = relationship(
        back_populates="case", cascade="all, delete-orphan", order_by="Reply.id"
    )


class Submission(Base):
    """One encrypted message or file of a case; the blob holds an age envelope to its desk."""

    __tablename__ = "submissions"
    __table_args__ = (Index("ix_submissions_case_seen", "case_id", "seen"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    kind: Mapped[SubmissionKind] = mapped_column(_enum(SubmissionKind))
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)
    ciphertext_size: Mapped[int] = mapped_column(Integer)
    # SHA-256 (hex) of the ciphertext as stored: a download checks it (None on old rows
    # until `manage.py check --repair` fills it in).
    ciphertext_sha256: Mapped[str | None] = mapped_column(String(64))
    created_on: Mapped[dt.date] = mapped_column(Date)
    # Downloaded by any reviewer (the inbox's unread count); who exactly is in seen_by.
    seen: Mapped[bool] = mapped_column(Boolean, default=False)
    case: Mapped[Case] = relationship(back_populates="submissions")
    seen_by: Mapped[list[Reviewer]] = relationship(secondary=submission_seen)


class Reply(Base):
    """A reviewer's reply in a case, encrypted to the source's reply key and to the desk."""

    __tablename__ = "replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), index=True)
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("reviewers.id", ondelete="SET NULL"))
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)  # the desk's copy
    # The source's own copy (decision 067), shredded when they delete the reply; None for a
    # reply made before it (one blob for both, only hidden) or once deleted.
    source_blob_name: Mapped[str | None] = mapped_column(String(64), unique=True)
    ciphertext_size: Mapped[int] = mapped_column(Integer)
    ciphertext_sha256: Mapped[str | None] = mapped_column(String(64))
    source_ciphertext_size: Mapped[int | None] = mapped_column(Integer)
    source_ciphertext_sha256: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    deleted_by_source: Mapped[bool] = mapped_column(Boolean, default=False)
    # Set when the source's page could not open it (a client encrypted it to the wrong key, or
    # the blob is damaged): the desk sees it and can send it again. A flag, no content.
    source_could_not_open: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    case: Mapped[Case] = relationship(back_populates="replies")
    reviewer: Mapped[Reviewer | None] = relationship()


class Reviewer(Base):
    """An officer of a receiving organisation (the code's 'journalist')."""

    __tablename__ = "reviewers"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    passphrase_hash: Mapped[str] = mapped_column(String(200))
    # Sealed to the reviewer interface's TOTP key (crypto/totp_seal.py), never in the clear.
    totp_secret: Mapped[str] = mapped_column(String(200))
    last_totp_counter: Mapped[int | None] = mapped_column(Integer)  # refuses a reused code
    is_admin: Mapped[bool] = mapped_column(Boolean, default=False)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    # The daily digest (decision 080): an officer's own address (personal data: the reviewer
    # and admins read it), the language of the mail, and the last day a digest counted.
    email: Mapped[str | None] = mapped_column(String(254))
    digest_language: Mapped[str] = mapped_column(String(2), default="th", server_default="th")
    digest_through: Mapped[dt.date | None] = mapped_column(Date)
    desks: Mapped[list[Desk]] = relationship(secondary=reviewer_desks, back_populates="reviewers")
    memberships: Mapped[list[Membership]] = relationship(viewonly=True)


class Membership(Base):
    """A reviewer's membership of a desk and its role, read through `Reviewer.memberships`;
    core/memberships.py writes it."""

    __table__ = reviewer_desks

    reviewer_id: Mapped[int]
    desk_id: Mapped[int]
    role: Mapped[DeskRole]
    desk: Mapped[Desk] = relationship(viewonly=True)


AUDIT_GENESIS = "0" * 64  # the "previous hash" of the first audit row


class AuditEvent(Base):
    """An append-only record of a reviewer's action: who, what, which case, when; no content.

    The database refuses UPDATE and DELETE on this table (triggers, migration 0005); each row
    chains to the one before by `row_hash` (core/audit.py)."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    # No foreign key: deleting the account must not touch (or be refused by) the log.
    reviewer_id: Mapped[int | None] = mapped_column(Integer)
    actor: Mapped[str | None] = mapped_column(String(64))  # the username at the time
    action: Mapped[str] = mapped_column(String(64))
    # The case's audit_ref, not a foreign key: the record outlives a deleted case, and says
    # nothing of it once the case is gone.
    case_ref: Mapped[str | None] = mapped_column(String(32), index=True)
    # The desk the event concerns (decision 077: a desk's auditors read its entries); no
    # foreign key, like reviewer_id. Hashed only when set, so older rows still verify.
    desk_id: Mapped[int | None] = mapped_column(Integer, index=True)
    detail: Mapped[str] = mapped_column(Text, default="")
    row_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """The audit chain's end: the last row's hash and the number of rows (one row, id 1).
    Appending locks it, which orders concurrent writers; `verify` compares it with the chain,
    so removing the newest rows shows too."""

    __tablename__ = "audit_head"

    id: Mapped[int] = mapped_column(primary_key=True)
    rows: Mapped[int] = mapped_column(Integer, default=0)
    last_hash: Mapped[str] = mapped_column(String(64), default=AUDIT_GENESIS)


class DeskKeyNotice(Base):
    """A desk's recipients changed: shown to one member of the desk at every page until they
    acknowledge it (then deleted), with the old and new fingerprints to compare aloud."""

    __tablename__ = "desk_key_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("reviewers.id", ondelete="CASCADE"), index=True
    )
    desk_id: Mapped[int] = mapped_column(ForeignKey("desks.id", ondelete="CASCADE"))
    changed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    changed_by: Mapped[str | None] = mapped_column(String(64))  # None: the command line
    old_fingerprints: Mapped[str] = mapped_column(Text)  # one per line
    new_fingerprints: Mapped[str] = mapped_column(Text)
    # Set instead of fingerprints when the notice is about a new member or a raised role
    # (decision 078): "somchai: supervisor" (the username and the role).
    member_change: Mapped[str] = mapped_column(String(200), default="", server_default="")
    desk: Mapped[Desk] = relationship()


class SourceSession(Base):
    """A signed-in source: found by the hash of a cookie token; holds the reply secret key
    sealed under a key derived from that token, so neither the row nor the cookie alone
    opens replies. Deleted at logout and expiry."""

    __tablename__ = "source_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    sealed_reply_key: Mapped[bytes] = mapped_column(LargeBinary(128))
    # Rounded up to a coarse step (see docs/decisions/008): not the exact time of an action.
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    source: Mapped[Source] = relationship()


class ReviewerSession(Base):
    """A signed-in reviewer (browser or API token): found by the hash of its token; deleting
    the row revokes it. Idle and absolute deadlines are both checked."""

    __tablename__ = "reviewer_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    reviewer_id: Mapped[int] = mapped_column(
        ForeignKey("reviewers.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(16), default="web")  # "web" or "api"
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    reviewer: Mapped[Reviewer] = relationship()


class MonthlyStatistics(Base):
    """One closed month's public statistics, computed once and never recomputed: the
    published (already suppressed) figures as JSON, so later changes to cases cannot change
    what was published (docs/decisions/060)."""

    __tablename__ = "monthly_statistics"

    month: Mapped[str] = mapped_column(String(7), primary_key=True)  # "YYYY-MM", UTC
    computed_on: Mapped[dt.date] = mapped_column(Date)
    k: Mapped[int] = mapped_column(Integer)
    body: Mapped[str] = mapped_column(Text)


class Setting(Base):
    """An instance setting an admin can change (organisation name, upload limit, ...)."""

    __tablename__ = "settings"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[str] = mapped_column(Text)


class PendingDeletion(Base):
    """A blob whose rows are gone and that still has to be shredded: the durable deletion
    queue. The row goes only once the blob is gone, so a crash or a failed shred is retried
    by the next run of the queue (docs/decisions/052)."""

    __tablename__ = "pending_deletions"

    id: Mapped[int] = mapped_column(primary_key=True)
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)
    queued_on: Mapped[dt.date] = mapped_column(Date)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
