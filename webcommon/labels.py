"""Names of the statistics' rows and columns in the reader's language (both apps show them)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core.regions import BY_KEY
from core.statistics import UNLABELLED
from webcommon.i18n import current_language

CATEGORY_LABELS = {
    "bribery": _l("Bribery"),
    "procurement_fraud": _l("Procurement fraud"),
    "embezzlement": _l("Embezzlement"),
    "abuse_of_authority": _l("Abuse of authority"),
    "unusual_wealth": _l("Unusual wealth"),
    "conflict_of_interest": _l("Conflict of interest"),
    "patronage": _l("Patronage"),
    "other": _l("Other"),
}
OUTCOME_LABELS = {
    "referred": _l("Referred"),
    "substantiated": _l("Substantiated"),
    "unsubstantiated": _l("Unsubstantiated"),
    "out_of_scope": _l("Out of scope"),
    "closed_other": _l("Closed: insufficient information or no finding"),
    "open": _l("Still open"),
    "insufficient_information": _l("Insufficient information"),
}
TABLE_TITLES = {
    "category": _l("Reports received by category"),
    "region": _l("Reports received by region"),
    "outcome": _l("Reports received by outcome so far"),
}


def column_label(table: str, key: str) -> str:
    """Return the reader's name of one column of a statistics table."""
    if key == UNLABELLED:
        return str(_("Not labelled"))
    if table == "category":
        return str(CATEGORY_LABELS.get(key, key))
    if table == "outcome":
        return str(OUTCOME_LABELS.get(key, key))
    region = BY_KEY.get(key)
    if region is None:
        return key
    return region.name_th if current_language() == "th" else region.name_en


def suppressed_note(value: object, k: int) -> str:
    """Return the words for a number that is not published."""
    if value == "small":
        return str(_("fewer than %(k)s", k=k))
    return str(_("withheld"))
