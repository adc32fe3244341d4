"""Desk metrics (ISO 37002 §9.1.2): a page and a CSV per desk and month, for the desk's own
members only (auditors too); and the desk's audit log, for its auditors and supervisors.
Numbers and audit references only: no designation or other case detail is on them."""

from __future__ import annotations

import csv
import datetime as dt
import io

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _

from core import desk_audit, memberships, metrics
from core.errors import NotFound
from core.statistics import month_bounds, month_key
from journalist_interface.context import reviewer
from store.models import Desk
from webcommon.charts import Bar, bars
from webcommon.db import db
from webcommon.i18n import current_language
from webcommon.labels import OUTCOME_LABELS
from webcommon.params import arg_int, page_arg

bp = Blueprint("metrics", __name__)


def _chosen() -> tuple[Desk, str, metrics.Metrics]:
    me = reviewer()
    mine = sorted(memberships.roles_of(me))
    desk_id = arg_int("desk") or (mine[0] if mine else 0)
    if desk_id not in mine:
        abort(404)  # another desk's numbers: as if it did not exist
    today = dt.datetime.now(dt.UTC).date()
    month = request.args.get("month") or month_key(today)
    try:
        if month_bounds(month)[0] > today:
            abort(404)
    except NotFound:
        abort(404)
    desk = db().get(Desk, desk_id)
    assert desk is not None  # noqa: S101 (one of the reviewer's desks)
    return desk, month, metrics.desk_month(db(), desk_id, month, today)


def _rows(m: metrics.Metrics) -> list[tuple[str, str, float | int | None]]:
    """(key, label, value) of every figure, in the order the page and the CSV show them."""
    rows: list[tuple[str, str, float | int | None]] = [
        ("received", _("Reports received"), m.received),
        ("acknowledged_within_7_days_pct", _("Acknowledged within 7 days (%)"),
         m.acknowledged_in_time),
        ("feedback_within_3_months_pct", _("First feedback within 3 months (%)"),
         m.feedback_in_time),
        ("median_days_to_acknowledge", _("Median days to acknowledge"), m.median_acknowledge),
        ("median_days_to_feedback", _("Median days to first feedback"), m.median_feedback),
        ("median_days_to_close", _("Median days to close"), m.median_close),
    ]  # fmt: skip
    for key, value in m.shares.items():
        rows.append((f"{key}_pct", _("%(outcome)s (%%)", outcome=OUTCOME_LABELS[key]), value))
    rows.append(("open_now", _("Open now"), m.open_now))
    rows.append(("overdue_now", _("Overdue now"), m.overdue_now))
    return rows


@bp.get("/metrics")
def page() -> ResponseReturnValue:
    desk, month, m = _chosen()
    name = desk.name_th if current_language() == "th" else desk.name_en
    shares = [Bar(str(OUTCOME_LABELS[k]), v, "—") for k, v in m.shares.items()]
    timeliness = [
        Bar(_("Acknowledged within 7 days (%)"), m.acknowledged_in_time, "—"),
        Bar(_("First feedback within 3 months (%)"), m.feedback_in_time, "—"),
    ]
    return render_template(
        "reviewer/metrics.html",
        desk=desk,
        desk_name=name,
        month=month,
        rows=_rows(m),
        desks=reviewer().desks,
        reads_audit=memberships.reads_audit(reviewer(), desk.id),
        charts=[
            bars(_("On time, %(month)s", month=month), timeliness),
            bars(_("Outcomes so far (%% of reports received), %(month)s", month=month), shares),
        ],
    )


@bp.get("/metrics.csv")
def export() -> ResponseReturnValue:
    desk, month, m = _chosen()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["desk", "month", "metric", "value"])
    for key, _label, value in _rows(m):
        writer.writerow([desk.slug, month, key, "" if value is None else value])
    response = Response(out.getvalue(), mimetype="text/csv; charset=utf-8")
    name = f"metrics-{desk.slug}-{month}.csv"
    response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


AUDIT_PAGE = 100


@bp.get("/desks/<id:desk_id>/audit")
def audit(desk_id: int) -> ResponseReturnValue:
    page = page_arg()
    events = desk_audit.events(db(), reviewer(), desk_id, page, AUDIT_PAGE)
    desk = db().get(Desk, desk_id)
    assert desk is not None  # noqa: S101 (core answered NotFound otherwise)
    name = desk.name_th if current_language() == "th" else desk.name_en
    return render_template(
        "reviewer/desk_audit.html", events=events, desk=desk, desk_name=name, page=page
    )
