"""The public statistics: /statistics (Thai and English, no script), CSV, JSON and SVG.

Figures are the stored ones of closed months (core.statistics); a first view of a closed
month computes and stores it, which is the only write these pages cause.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint, Response, abort, render_template
from flask.typing import ResponseReturnValue

from core import statistics
from webcommon.db import db
from webcommon.settings import current as current_settings
from webcommon.statistics_view import chart, csv_text, month_view

bp = Blueprint("statistics", __name__)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _month(month: str) -> dict[str, Any]:
    return statistics.get(db(), month, _today(), current_settings().statistics_k)


@bp.get("/statistics")
def index() -> ResponseReturnValue:
    months = statistics.months(db(), _today())
    if not months:
        return render_template("source/statistics.html", months=[], month=None)
    return month(months[0])


@bp.get("/statistics/<month>")
def month(month: str) -> ResponseReturnValue:
    body = _month(month)
    return render_template(
        "source/statistics.html",
        months=statistics.months(db(), _today()),
        month=month,
        body=body,
        view=month_view(body) if body["published"] else None,
    )


def _download(data: str, mimetype: str, name: str) -> Response:
    response = Response(data, mimetype=mimetype)
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@bp.get("/statistics/<month>.csv")
def month_csv(month: str) -> ResponseReturnValue:
    body = _month(month)
    return _download(csv_text(body), "text/csv; charset=utf-8", f"statistics-{month}.csv")


@bp.get("/statistics/<month>.json")
def month_json(month: str) -> ResponseReturnValue:
    body = _month(month)
    text = json.dumps(body, ensure_ascii=False, sort_keys=True, indent=1)
    return _download(text, "application/json", f"statistics-{month}.json")


@bp.get("/statistics/<month>/<any(category, region, outcome):table>.svg")
def month_chart(month: str, table: str) -> ResponseReturnValue:
    body = _month(month)
    if not body["published"]:
        abort(404)
    svg = chart(body, table, standalone=True)
    return _download(svg, "image/svg+xml", f"statistics-{month}-{table}.svg")
