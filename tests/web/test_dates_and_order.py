"""Thai dates (Buddhist era) and Thai dictionary order, as a Thai reader expects them."""

from __future__ import annotations

import datetime as dt

import pytest

from webcommon.collation import sort_for, thai_key
from webcommon.dates import format_clock, format_day, format_moment, parse_day
from webcommon.places import PROVINCES, province_choices


def test_thai_days_have_thai_months_and_the_buddhist_era() -> None:
    assert format_day(dt.date(2026, 12, 3), "th") == "3 ธ.ค. 2569"
    assert format_day(dt.date(2027, 1, 1), "th") == "1 ม.ค. 2570"
    assert format_day(dt.date(2026, 12, 3), "en") == "3 Dec 2026"


def test_times_are_thailand_time() -> None:
    late = dt.datetime(2026, 12, 3, 20, 5, tzinfo=dt.UTC)  # 03:05 on the 4th in Bangkok
    assert format_moment(late, "th") == "4 ธ.ค. 2569 03:05 น."
    assert format_moment(late, "en") == "4 Dec 2026, 03:05"
    assert format_clock(dt.datetime(2026, 1, 1, 1, 30), "en") == "08:30"  # naive = UTC


@pytest.mark.parametrize(
    "typed", ["2026-03-31", "2569-03-31", "31/3/2026", "31/03/2569", " 2569-3-31 "]
)
def test_a_day_can_be_typed_in_either_era(typed: str) -> None:
    assert parse_day(typed) == dt.date(2026, 3, 31)


@pytest.mark.parametrize("typed", ["31.3.2569", "2569-02-30", "yesterday", "2569"])
def test_a_wrong_day_is_refused(typed: str) -> None:
    with pytest.raises(ValueError):  # noqa: PT011 - the message is for logs only
        parse_day(typed)


def test_leading_vowels_file_under_their_consonant() -> None:
    names = [p.name_th for p in PROVINCES]
    assert names == sorted(names, key=thai_key)
    assert names.index("ชุมพร") < names.index("เชียงใหม่") < names.index("ตรัง")
    assert names.index("เพชรบุรี") < names.index("แพร่") < names.index("ภูเก็ต")
    assert names[-1] == "อุบลราชธานี"
    # Letters first, tone marks only break ties; consonants before vowels.
    assert sort_for("th", ["ไก่", "เก้า", "กา", "ก่า", "กะ", "กก"]) == [
        "กก",
        "กะ",
        "กา",
        "ก่า",
        "เก้า",
        "ไก่",
    ]


def test_english_pages_list_provinces_by_english_name() -> None:
    english = [name for _code, name in province_choices("en")]
    assert english[:2] == ["Amnat Charoen", "Ang Thong"]
    assert english == sorted(english, key=str.casefold)
