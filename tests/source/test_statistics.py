"""The public statistics through the real source app: closed months only, Thai and English,
the same stored numbers as HTML, CSV, JSON and SVG; small numbers never shown."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re

from flask.testing import FlaskClient

from tests.factories import Instance, add_labelled_cases

TODAY = dt.datetime.now(dt.UTC).date()
LAST_MONTH_DAY = TODAY.replace(day=1) - dt.timedelta(days=1)
LAST = LAST_MONTH_DAY.isoformat()[:7]


def _populate(instance: Instance) -> None:
    with instance.session() as s, s.begin():
        add_labelled_cases(s, instance.blobs, "nacc", 30, LAST_MONTH_DAY, acknowledge_after=3)
        add_labelled_cases(s, instance.blobs, "nacc", 4, LAST_MONTH_DAY, category="patronage")
        add_labelled_cases(s, instance.blobs, "nacc", 2, TODAY)  # the current month


def test_nothing_to_show_before_a_month_has_ended(client: FlaskClient) -> None:
    page = client.get("/statistics").get_data(as_text=True)
    assert "ยังไม่มีข้อมูล" in page or "nothing to show" in page


def test_the_last_closed_month_in_thai_and_english(instance: Instance, client: FlaskClient) -> None:
    _populate(instance)
    page = client.get("/statistics").get_data(as_text=True)
    assert f'<strong aria-current="page">{LAST}</strong>' in page
    assert "<svg" in page
    assert "<table>" in page
    assert "น้อยกว่า 10" in page  # patronage: 4
    assert ">30<" in page  # bribery at the one desk
    assert ">4<" not in page
    assert ">2<" not in page
    current = TODAY.isoformat()[:7]
    assert client.get(f"/statistics/{current}").status_code == 404  # never the open month
    assert client.get("/statistics/1999-01").status_code == 404
    assert client.get("/statistics/nonsense").status_code == 404
    client.get("/language/en")
    english = client.get(f"/statistics/{LAST}").get_data(as_text=True)
    assert "fewer than 10" in english
    assert "Bribery" in english


def test_csv_json_and_svg_hold_the_same_numbers(instance: Instance, client: FlaskClient) -> None:
    _populate(instance)
    body = client.get(f"/statistics/{LAST}.json").get_json()
    rows = list(
        csv.DictReader(io.StringIO(client.get(f"/statistics/{LAST}.csv").get_data(as_text=True)))
    )
    grid = body["tables"]["category"]
    bribery = next(
        r for r in rows if (r["table"], r["desk"], r["column"]) == ("category", "nacc", "bribery")
    )
    assert bribery["value"] == str(grid[0][0]) == "30"
    patronage = next(
        r for r in rows if (r["table"], r["desk"], r["column"]) == ("category", "nacc", "patronage")
    )
    assert patronage["value"] == "<10"
    for row in rows:
        value = row["value"]
        assert (
            not value.isdigit()
            or int(value) >= 10
            or (int(value) == 0 and False)
            or int(value) >= 10
        )
    svg = client.get(f"/statistics/{LAST}/category.svg")
    assert svg.mimetype == "image/svg+xml"
    text = svg.get_data(as_text=True)
    assert text.startswith("<?xml")
    assert ">30<" in text
    assert re.search(r"<title[^>]*>", text)
    # Stored: a later relabelling does not change the published month.
    with instance.session() as s, s.begin():
        from sqlalchemy import update

        from store.models import Case

        s.execute(update(Case).values(category="embezzlement"))
    assert client.get(f"/statistics/{LAST}.json").get_json() == body
