"""The source's forms. Field names are a contract (docs/FORMAT.md §3); labels are translated."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length, Optional

from webcommon.dates import parse_day
from webcommon.forms import TranslatedForm, TranslatedPlainForm
from webcommon.i18n import current_language
from webcommon.places import province_choices


def options(pairs: list[tuple[str, Any]]) -> list[SelectChoice]:
    """Return select/radio options from (value, label) pairs."""
    return [SelectChoice(value, label) for value, label in pairs]


WRONGDOING = [
    ("bribery", _l("Bribery (asking for or giving money or favours)")),
    ("procurement_fraud", _l("Procurement fraud (rigged bids, inflated prices)")),
    ("embezzlement", _l("Embezzlement (taking public money or property)")),
    ("abuse_of_authority", _l("Abuse of authority")),
    ("unusual_wealth", _l("Unusual wealth")),
    ("conflict_of_interest", _l("Conflict of interest")),
    ("patronage", _l("Patronage (jobs or promotions for friends or family)")),
    ("other", _l("Something else")),
]
WHEN = [
    ("unknown", _l("I am not sure")),
    ("date", _l("On one date")),
    ("range", _l("Between two dates")),
    ("ongoing", _l("It is still going on")),
]
YES_NO = [("no", _l("No")), ("yes", _l("Yes"))]
RISK = [
    ("unsure", _l("I am not sure")),
    ("low", _l("Low")),
    ("medium", _l("Medium")),
    ("high", _l("High: I fear for my job, my place at school or my safety")),
]
MAX_TEXT = 4000
MAX_MESSAGE = 200_000
MAX_AMOUNT = Decimal(10) ** 13


class _Checkboxes(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class CodenameLanguageForm(TranslatedForm):
    """Choose the words of a new codename."""

    words = RadioField(
        _l("Words"),
        choices=options([("th", _l("Thai words")), ("en", _l("English words"))]),
        default="th",
        validators=[InputRequired()],
    )


class CreateForm(TranslatedForm):
    """Confirm a generated codename (the proof shows the server generated it)."""

    codename = HiddenField(validators=[InputRequired(), Length(max=500)])
    proof = HiddenField(validators=[InputRequired(), Length(max=128)])


class LoginForm(TranslatedForm):
    """Come back with a codename."""

    codename = StringField(
        _l("Your codename"),
        validators=[InputRequired(), Length(max=500)],
        render_kw={"autocomplete": "off", "autocapitalize": "none", "spellcheck": "false"},
    )


class ReplyDeleteForm(TranslatedForm):
    """Acknowledge (delete) a reply: only the CSRF token."""


class SignChallengeForm(TranslatedForm):
    """A desk's challenge to sign with one case's authorship key (decision 095)."""

    desk = SelectField(_l("The report you sent to"), validators=[InputRequired()])
    challenge = StringField(
        _l("The challenge the organisation gave you"),
        validators=[InputRequired(), Length(max=100)],
    )


class IdentityForm(TranslatedForm):
    """Identity or contact details, given by the source's choice (decision 096)."""

    desk = SelectField(_l("Give them to"), validators=[InputRequired()])
    details = TextAreaField(
        _l("Your name and how to contact you"),
        validators=[InputRequired(), Length(max=MAX_TEXT)],
    )
    understood = BooleanField(
        _l("I understand that the organisation will be able to know who I am."),
        validators=[InputRequired()],
    )


class LogoutForm(TranslatedForm):
    """Log out: only the CSRF token."""


class TipForm(TranslatedPlainForm):
    """A tip: the desk, the optional structured fields and the message (files stream apart).

    A plain WTForms form: the submit route parses the multipart body itself (so files are
    encrypted as they arrive) and checks the CSRF token from it.
    """

    desk = SelectField(_l("Who should receive your report?"), validators=[InputRequired()])
    agency = StringField(_l("Agency or ministry"), validators=[Optional(), Length(max=300)])
    official_position = StringField(
        _l("Position of the official"), validators=[Optional(), Length(max=300)]
    )
    official_name = StringField(
        _l("Name of the official (optional)"), validators=[Optional(), Length(max=300)]
    )
    province = SelectField(_l("Province"), validators=[Optional()])
    district = StringField(_l("District"), validators=[Optional(), Length(max=200)])
    wrongdoing = _Checkboxes(_l("What kind of wrongdoing?"), choices=options(WRONGDOING))
    when_kind = RadioField(_l("When did it happen?"), choices=options(WHEN), default="unknown")
    when_from = StringField(_l("Date (or first date)"), validators=[Optional()])
    when_to = StringField(_l("Last date"), validators=[Optional()])
    amount_baht = StringField(_l("Amount involved, in baht"), validators=[Optional()])
    evidence_location = TextAreaField(
        _l("Where can evidence be found?"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    witnesses = TextAreaField(
        _l("Who else knows or saw it?"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    reported_before = RadioField(
        _l("Have you reported this anywhere before?"), choices=options(YES_NO), default="no"
    )
    reported_before_result = TextAreaField(
        _l("Where, and what happened?"), validators=[Optional(), Length(max=MAX_TEXT)]
    )
    risk = RadioField(
        _l("How much risk do you face if you are found out?"),
        choices=options(RISK),
        default="unsure",
    )
    wants_protection = BooleanField(_l("I would like to ask about witness protection"))
    wants_contact = BooleanField(_l("I am willing to answer questions through this site"))
    msg = TextAreaField(
        _l("Tell us what happened"), validators=[Optional(), Length(max=MAX_MESSAGE)]
    )
    # A honeypot: hidden from people by CSS and from screen readers; bots fill it in.
    email = StringField(_l("Leave this field empty"))

    def __init__(self, *args: Any, desks: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.desk.choices = options(desks)
        self.province.choices = options([("", "—"), *province_choices(current_language())])

    def _date(self, field: StringField) -> dt.date | None:
        if not field.data:
            return None
        try:
            day = parse_day(field.data)
        except ValueError:
            field.errors.append(
                _l("Please give the date as year-month-day, e.g. 2026-03-31 (or 2569-03-31).")
            )
            return None
        if day > dt.date.today():
            field.errors.append(_l("This date is in the future."))
        field.data = day.isoformat()  # kept in one form (Common era), whatever was typed
        return day

    def validate(self, extra_validators: Any = None) -> bool:
        """Check each field, then the rules that tie fields together."""
        ok = super().validate(extra_validators)
        first, last = self._date(self.when_from), self._date(self.when_to)
        if self.when_kind.data in {"date", "range"} and first is None and not self.when_from.errors:
            self.when_from.errors.append(_l("Please give a date, or choose “I am not sure”."))
        if self.when_kind.data == "range" and first and last and last < first:
            self.when_to.errors.append(_l("The last date is before the first date."))
        if self.amount_baht.data:
            text = self.amount_baht.data.replace(",", "").replace("฿", "").strip()
            try:
                amount = Decimal(text)
            except InvalidOperation:
                amount = Decimal(-1)
            if not amount.is_finite() or not Decimal(0) <= amount < MAX_AMOUNT:
                self.amount_baht.errors.append(
                    _l("Please give the amount as a number, e.g. 150000.")
                )
        return ok and not any(field.errors for field in self)

    def structured(self) -> dict[str, Any]:
        """Return the filled-in structured fields (what goes into the encrypted header)."""
        out: dict[str, Any] = {}
        for name in STRUCTURED_FIELDS:
            value = self[name].data
            if name == "when_kind" and value == "unknown":
                continue
            if name in {"reported_before", "risk"} and value in {"no", "unsure"}:
                continue
            if value:
                out[name] = value.strip() if isinstance(value, str) else value
        return out


STRUCTURED_FIELDS = (
    "agency",
    "official_position",
    "official_name",
    "province",
    "district",
    "wrongdoing",
    "when_kind",
    "when_from",
    "when_to",
    "amount_baht",
    "evidence_location",
    "witnesses",
    "reported_before",
    "reported_before_result",
    "risk",
    "wants_protection",
    "wants_contact",
)
