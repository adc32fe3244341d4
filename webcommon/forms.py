"""Form bases whose built-in WTForms messages come from our own catalogs (Thai and English).

WTForms ships no Thai catalog, so its own messages ("This field is required.", "Not a valid
choice."…) would stay English on Thai pages. Every form of both apps derives from these
bases; their messages are listed below so that extraction puts them in our catalogs and the
completeness test (tests/test_i18n.py) holds them to a translation.
"""

from __future__ import annotations

from typing import Any

import wtforms
from flask_babel import get_translations
from flask_wtf import FlaskForm


class _Catalog:
    """What WTForms asks for translations: our catalog for the request's language."""

    def gettext(self, string: str) -> str:
        """Translate one message (WTForms formats it afterwards)."""
        return str(get_translations().gettext(string))

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        """Translate a message with a plural form (WTForms formats it afterwards)."""
        return str(get_translations().ngettext(singular, plural, n))


_CATALOG = _Catalog()


class TranslatedForm(FlaskForm):  # type: ignore[misc]
    """A Flask-WTF form (CSRF) whose WTForms messages are in the page's language."""

    class Meta(FlaskForm.Meta):  # type: ignore[misc]
        def get_translations(self, form: Any) -> _Catalog:
            return _CATALOG


class TranslatedPlainForm(wtforms.Form):  # type: ignore[misc]
    """A plain WTForms form (no CSRF of its own) with the same translated messages."""

    class Meta(wtforms.Form.Meta):  # type: ignore[misc]
        def get_translations(self, form: Any) -> _Catalog:
            return _CATALOG


def _(text: str) -> str:
    """Mark a WTForms message for extraction (it is translated when WTForms asks)."""
    return text


def ngettext(singular: str, plural: str, n: int) -> str:
    """Mark a WTForms message with a plural for extraction."""
    return singular if n == 1 else plural


# WTForms' own messages that our validators and fields can show (wtforms.pot, 3.x).
BUILT_IN = (
    _("This field is required."),
    _("Invalid input."),
    _("Not a valid choice."),
    _("Invalid Choice: could not coerce."),
    _("Invalid choice(s): one or more data inputs could not be coerced."),
    _("Not a valid integer value."),
    _("Number must be at least %(min)s."),
    _("Number must be at most %(max)s."),
    _("Number must be between %(min)s and %(max)s."),
    _("Field must be between %(min)d and %(max)d characters long."),
    ngettext(
        "Field must be at least %(min)d character long.",
        "Field must be at least %(min)d characters long.",
        2,
    ),
    ngettext(
        "Field cannot be longer than %(max)d character.",
        "Field cannot be longer than %(max)d characters.",
        2,
    ),
    ngettext(
        "Field must be exactly %(max)d character long.",
        "Field must be exactly %(max)d characters long.",
        2,
    ),
    ngettext(
        "'%(value)s' is not a valid choice for this field.",
        "'%(value)s' are not valid choices for this field.",
        2,
    ),
)
