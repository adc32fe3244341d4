"""The published statistics of a month, shaped for a page, a CSV file and SVG charts (the
figures are the stored ones: nothing here computes or reads cases)."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _

from core import desks as desk_cases
from core import statistics
from core.regions import BY_KEY
from webcommon.charts import Bar, bars
from webcommon.db import db
from webcommon.i18n import current_language
from webcommon.labels import TABLE_TITLES, column_label, suppressed_note
from webcommon.places import BY_CODE


@dataclass(frozen=True)
class Shown:
    """One number as a reader sees it: the number, or the words that stand for it."""

    value: int | float | None
    text: str


def shown(value: object, k: int) -> Shown:
    """Return a published value for display."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = value if not float(value).is_integer() else int(value)
        return Shown(number, str(number) if isinstance(number, int) else f"{number:.1f}")
    return Shown(None, suppressed_note(value, k))


def desk_names() -> dict[str, str]:
    """Return desk slug → name in the reader's language."""
    th = current_language() == "th"
    return {
        d.slug: (d.name_th if th else d.name_en) for d in desk_cases.listed(db(), active_only=False)
    }


def month_view(body: dict[str, Any]) -> dict[str, Any]:
    """Return what a statistics page shows of one month."""
    k = int(body["k"])
    names = desk_names()
    tables = []
    for name, grid in body["tables"].items():
        columns = [column_label(name, c) for c in statistics.COLUMNS[name]]
        rows = [
            (names.get(slug, slug), [shown(v, k) for v in grid[i]])
            for i, slug in enumerate(body["desks"])
        ]
        totals = [shown(v, k) for v in grid[-1]]
        tables.append(
            {
                "name": name,
                "title": str(TABLE_TITLES[name]),
                "columns": columns,
                "rows": rows,
                "totals": totals,
                "chart": chart(body, name),
            }
        )
    th = current_language() == "th"
    provinces = [
        {
            "region": BY_KEY[r["region"]].name_th if th else BY_KEY[r["region"]].name_en,
            "provinces": [
                (BY_CODE[p["code"]].name_th if th else BY_CODE[p["code"]].name_en, p["count"])
                for p in r["provinces"]
            ],
            "rest": r["rest"],
        }
        for r in body["provinces"]
    ]
    medians = [
        (
            names.get(m["desk"], m["desk"]),
            shown(m["acknowledge_days"], k),
            shown(m["feedback_days"], k),
        )
        for m in body["medians"]
    ]
    return {"k": k, "tables": tables, "provinces": provinces, "medians": medians}


def chart(body: dict[str, Any], name: str, standalone: bool = False) -> str:
    """Return the SVG chart of one table's column totals (all desks together)."""
    k = int(body["k"])
    grid = body["tables"][name]
    items = []
    for j, key in enumerate(statistics.COLUMNS[name]):
        value = shown(grid[-1][j], k)
        items.append(Bar(column_label(name, key), value.value, value.text))
    title = f"{TABLE_TITLES[name]} · {body['month']}"
    return str(bars(title, items, standalone))


def csv_text(body: dict[str, Any]) -> str:
    """Return a month's figures as CSV: one line per number (table, desk, column, value)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    k = int(body["k"])
    writer.writerow(["month", "table", "desk", "column", "value"])
    for name, grid in body["tables"].items():
        columns = [*statistics.COLUMNS[name], "total"]
        for i, slug in enumerate([*body["desks"], "all"]):
            for j, column in enumerate(columns):
                writer.writerow([body["month"], name, slug, column, _csv(grid[i][j], k)])
    for region in body["provinces"]:
        for p in region["provinces"]:
            writer.writerow([body["month"], "province", "all", p["code"], p["count"]])
        writer.writerow([body["month"], "province", "all", f"other:{region['region']}",
                         region["rest"]])  # fmt: skip
    for m in body["medians"]:
        for key in ("acknowledge_days", "feedback_days"):
            writer.writerow([body["month"], f"median_{key}", m["desk"], "", _csv(m[key], k)])
    if not body["published"]:
        writer.writerow([body["month"], "", "", "", _("withheld")])
    return out.getvalue()


def _csv(value: object, k: int) -> str:
    if value == "small":
        return f"<{k}"
    if value == "withheld":
        return "withheld"
    return str(value)
