"""The reviewer's forms. Field names of sign-in and reply are a contract (issue: reviewer)."""

from __future__ import annotations

import re
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    PasswordField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, NumberRange, Optional, Regexp

from store.models import CaseStatus, Conclusion, DeskRole
from webcommon.forms import TranslatedForm
from webcommon.i18n import current_language
from webcommon.params import StrictIntegerField
from webcommon.places import province_choices

STATUS_LABELS = {
    CaseStatus.RECEIVED: _l("Received"),
    CaseStatus.ACKNOWLEDGED: _l("Acknowledged"),
    CaseStatus.TRIAGE: _l("Triage"),
    CaseStatus.ASSESSMENT: _l("Assessment"),
    CaseStatus.REFERRED: _l("Referred"),
    CaseStatus.INVESTIGATING: _l("Under investigation"),
    CaseStatus.CONCLUDED: _l("Concluded"),
    CaseStatus.CLOSED: _l("Closed"),
}
CONCLUSION_LABELS = {
    Conclusion.SUBSTANTIATED: _l("Substantiated"),
    Conclusion.UNSUBSTANTIATED: _l("Unsubstantiated"),
    Conclusion.OUT_OF_SCOPE: _l("Out of scope"),
    Conclusion.INSUFFICIENT_INFORMATION: _l("Insufficient information"),
}
ROLE_LABELS = {
    DeskRole.OFFICER.value: _l("officer"),
    DeskRole.SUPERVISOR.value: _l("supervisor"),
    DeskRole.AUDITOR.value: _l("auditor"),
}
CATEGORIES = {
    "bribery": _l("Bribery"),
    "procurement_fraud": _l("Procurement fraud"),
    "embezzlement": _l("Embezzlement"),
    "abuse_of_authority": _l("Abuse of authority"),
    "unusual_wealth": _l("Unusual wealth"),
    "conflict_of_interest": _l("Conflict of interest"),
    "patronage": _l("Patronage"),
    "other": _l("Other"),
}


def options(pairs: list[tuple[str, Any]]) -> list[SelectChoice]:
    """Return select options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


class SignInForm(TranslatedForm):
    """Username, passphrase and the 6-digit code from the authenticator app."""

    username = StringField(_l("Username"), validators=[InputRequired(), Length(max=64)])
    passphrase = PasswordField(_l("Passphrase"), validators=[InputRequired(), Length(max=300)])
    token = StringField(
        _l("Six-digit code"),
        validators=[InputRequired(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class ActionForm(TranslatedForm):
    """A POST with nothing but its CSRF token (logout, star, export, delete confirmations)."""


class HoldForm(TranslatedForm):
    """Put a case on hold: retention never deletes it while held."""

    reason = StringField(_l("Reason for the hold"), validators=[InputRequired(), Length(max=500)])


class ReplyForm(TranslatedForm):
    """A reply to the source."""

    message = TextAreaField(
        _l("Reply to the source"), validators=[InputRequired(), Length(max=20_000)]
    )


class AuthorshipForm(TranslatedForm):
    """The signature a person hands over to prove they made the report (decision 095)."""

    signature = TextAreaField(
        _l("Signature the person gave you"), validators=[InputRequired(), Length(max=400)]
    )


class StatusForm(TranslatedForm):
    """Move the case along the workflow."""

    status = SelectField(_l("New status"), validators=[InputRequired()])
    conclusion = SelectField(
        _l("Outcome (when concluding)"),
        choices=options([("", "—")] + [(c.value, label) for c, label in CONCLUSION_LABELS.items()]),
        validators=[Optional()],
    )
    external_reference = StringField(
        _l("External reference number (when referring)"), validators=[Optional(), Length(max=200)]
    )


class AssignForm(TranslatedForm):
    """Give the case to a reviewer, with a conflict-of-interest confirmation."""

    assignee = SelectField(_l("Assignee"), validators=[Optional()])
    no_conflict = BooleanField(
        _l("I confirm I have no conflict of interest with the people or agency in this case")
    )


class LabelsForm(TranslatedForm):
    """Category and province labels (fixed lists; they feed statistics)."""

    category = SelectField(
        _l("Category"),
        choices=options([("", "—"), *list(CATEGORIES.items())]),
        validators=[Optional()],
    )
    province = SelectField(
        _l("Province"),
        validators=[Optional()],
    )
    file_number = StringField(_l("Your file number"), validators=[Optional(), Length(max=100)])

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.province.choices = options([("", "—"), *province_choices(current_language())])


class NewReviewerForm(TranslatedForm):
    """Add a reviewer; the passphrase and TOTP secret are generated."""

    username = StringField(
        _l("Username"),
        validators=[InputRequired(), Length(min=2, max=64), Regexp(r"^[a-z0-9_.-]+$")],
    )
    is_admin = BooleanField(_l("Administrator"))
    # Needed only to add them to a desk you are not a member of (re-authentication).
    passphrase = PasswordField(_l("Your passphrase"), validators=[Optional(), Length(max=300)])
    code = StringField(
        _l("A new six-digit code"),
        validators=[Optional(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class MembershipForm(TranslatedForm):
    """Put a reviewer in a desk with a role, change the role, or take them out."""

    desk = SelectField(_l("Desk"), validators=[InputRequired()])
    role = SelectField(_l("Role at the desk"), validators=[Optional()])
    passphrase = PasswordField(_l("Your passphrase"), validators=[Optional(), Length(max=300)])
    code = StringField(
        _l("A new six-digit code"),
        validators=[Optional(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class DeskForm(TranslatedForm):
    """A desk: names and age recipients, one per line."""

    slug = StringField(
        _l("Short name (slug)"),
        validators=[InputRequired(), Length(min=2, max=64), Regexp(r"^[a-z0-9-]+$")],
    )
    name_th = StringField(_l("Name in Thai"), validators=[InputRequired(), Length(max=200)])
    name_en = StringField(_l("Name in English"), validators=[InputRequired(), Length(max=200)])
    recipients = TextAreaField(
        _l("Age recipients (age1…), one per line"), validators=[InputRequired()]
    )
    # Needed only to replace an existing desk's recipients (re-authentication).
    passphrase = PasswordField(_l("Your passphrase"), validators=[Optional(), Length(max=300)])
    code = StringField(
        _l("A new six-digit code"),
        validators=[Optional(), Length(max=12)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


class SettingsForm(TranslatedForm):
    """Instance settings an admin can change."""

    organisation = StringField(_l("Organisation name"), validators=[Length(max=200)])
    privacy_contact = TextAreaField(
        _l("Contact for personal data questions (address, e-mail or data protection officer)"),
        validators=[Length(max=1000)],
    )
    accept_files = BooleanField(_l("Accept files from sources"))
    upload_limit_mib = StrictIntegerField(
        _l("Upload limit per submission (MiB)"), validators=[NumberRange(1, 2048)]
    )
    min_message_length = StrictIntegerField(
        _l("Minimum length of a first message (characters)"), validators=[NumberRange(0, 5000)]
    )
    retention_days = StrictIntegerField(
        _l("Delete closed cases after (days, 0 = never)"), validators=[NumberRange(0, 36500)]
    )
    inactive_source_days = StrictIntegerField(
        _l("Delete codenames with no case left after no activity for (days, 0 = never)"),
        validators=[NumberRange(0, 36500)],
    )
    default_language = SelectField(
        _l("Default language"), choices=options([("th", "ไทย"), ("en", "English")])
    )
    statistics_k = StrictIntegerField(
        _l("Public statistics: smallest number shown (k, at least 5)"),
        validators=[Optional(), NumberRange(5, 1000)],
    )
    onion_address = StringField(
        _l("Onion address of the source interface (for the campaign kit)"),
        validators=[
            Optional(),
            Length(max=70),
            Regexp(r"^\s*[a-z2-7]{56}\.onion\s*$", flags=re.IGNORECASE),
        ],
    )
