"""Strict integer parsing for every query and form value both apps read.

Python's `int()` accepts Thai and other Unicode digits, spaces and underscores, and
`str.isdigit()` says yes to "²", which `int()` then refuses: a 500. A page number of twenty
digits overflows the database's OFFSET. Every view, form and the API parse through here:
ASCII digits only, a bounded length, a range; anything else is "not given" (None) and the
caller decides whether that means the default or a 400.
"""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_babel import lazy_gettext as _l
from wtforms import IntegerField

_DIGITS = re.compile(r"-?[0-9]{1,12}", re.ASCII)
MAX_ID = 2**31 - 1  # the id columns' range (the URL converter uses it too)
MAX_PAGE = 100_000


def strict_int(value: object, low: int = 0, high: int = MAX_ID) -> int | None:
    """Return `value` as an int in [low, high], or None for anything else."""
    if not isinstance(value, str) or not _DIGITS.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def arg_int(name: str, low: int = 1, high: int = MAX_ID) -> int | None:
    """Return the query argument `name` parsed strictly, or None if absent or bad."""
    return strict_int(request.args.get(name), low, high)


def page_arg(name: str = "page") -> int:
    """Return a page number from the query (1 when it is absent or not a sane number)."""
    return arg_int(name, 1, MAX_PAGE) or 1


class StrictIntegerField(IntegerField):  # type: ignore[misc]
    """An IntegerField that accepts ASCII digits only (no "๓", " 3", "1_0", "²")."""

    data: Any

    def process_formdata(self, valuelist: list[Any]) -> None:
        """Parse the submitted value strictly; a bad one is a form error, not a crash."""
        if not valuelist:
            return
        self.data = strict_int(valuelist[0], -(10**12), 10**12)
        if self.data is None:
            raise ValueError(str(_l("Please enter a whole number.")))
