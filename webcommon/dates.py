"""Dates and times as Thai and English readers expect them.

Thai pages show the day in the Thai form with a Buddhist-era year (3 ธ.ค. 2569), English pages
in English (3 Dec 2026); times are Thailand time (UTC+7, no daylight saving). Month names come
from CLDR through Babel; Babel formats only the Gregorian calendar, so the Buddhist era is the
Gregorian year + 543, which is exact for every date since 1941 (docs/decisions/070).
"""

from __future__ import annotations

import datetime as dt
import re

from babel.dates import format_date

BUDDHIST_ERA_OFFSET = 543
THAILAND_TIME = dt.timezone(dt.timedelta(hours=7), "ICT")
# A year this large is a Buddhist-era year: พ.ศ. 2400 is ค.ศ. 1857, long before any report.
_FIRST_BUDDHIST_YEAR = 2400
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_THAI = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")


def format_day(day: dt.date | dt.datetime, language: str) -> str:
    """Return the day as "3 ธ.ค. 2569" (Thai) or "3 Dec 2026" (English)."""
    if isinstance(day, dt.datetime):
        day = in_thailand(day).date()
    if language == "th":
        return f"{format_date(day, 'd MMM', locale='th')} {day.year + BUDDHIST_ERA_OFFSET}"
    return format_date(day, "d MMM y", locale="en")


def format_clock(moment: dt.datetime, language: str) -> str:
    """Return the time of day in Thailand as "14:05 น." (Thai) or "14:05" (English)."""
    text = in_thailand(moment).strftime("%H:%M")
    return f"{text} น." if language == "th" else text


def format_moment(moment: dt.datetime, language: str) -> str:
    """Return day and time in Thailand: "3 ธ.ค. 2569 14:05 น." or "3 Dec 2026, 14:05"."""
    separator = " " if language == "th" else ", "
    return f"{format_day(moment, language)}{separator}{format_clock(moment, language)}"


def in_thailand(moment: dt.datetime) -> dt.datetime:
    """Return the moment in Thailand time; a naive value is taken as UTC (how we store it)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(THAILAND_TIME)


def parse_day(text: str) -> dt.date:
    """Read a day typed as year-month-day or day/month/year, in either era.

    Thai people write the Buddhist-era year (2569) as often as the Common-era one (2026): a
    year from 2400 on is taken as Buddhist era. Raises ValueError for anything else.
    """
    text = text.strip()
    if match := _ISO.match(text):
        year, month, day = (int(part) for part in match.groups())
    elif match := _THAI.match(text):
        day, month, year = (int(part) for part in match.groups())
    else:
        raise ValueError(f"not a date: {text!r}")
    if year >= _FIRST_BUDDHIST_YEAR:
        year -= BUDDHIST_ERA_OFFSET
    return dt.date(year, month, day)
