"""Retention as reviewers see it: the cases deleted in the next 30 days, and holds."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from core import cases, retention
from core import settings as instance_settings
from journalist_interface.context import config, reviewer
from journalist_interface.forms import ActionForm, HoldForm
from webcommon.db import db

bp = Blueprint("retention", __name__)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


@bp.get("/retention")
def overview() -> ResponseReturnValue:
    rules = instance_settings.load(db(), config().max_upload_bytes, config().default_language)
    desks = cases.desk_ids(reviewer())
    return render_template(
        "reviewer/retention.html",
        rules=rules,
        upcoming=retention.upcoming(db(), desks, rules, _today()),
        held=retention.held(db(), desks),
        hold_form=HoldForm(),
        release_form=ActionForm(),
        notice_days=retention.NOTICE_DAYS,
    )


@bp.post("/cases/<id:case_id>/hold")
def hold(case_id: int) -> ResponseReturnValue:
    found = cases.case_for(db(), reviewer(), case_id)
    form = HoldForm()
    if not form.validate_on_submit():
        abort(400)
    retention.hold(db(), found, reviewer(), form.reason.data or "", _today())
    return redirect(url_for("retention.overview"), code=303)


@bp.post("/cases/<id:case_id>/release")
def release(case_id: int) -> ResponseReturnValue:
    found = cases.case_for(db(), reviewer(), case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    retention.release(db(), found, reviewer())
    return redirect(url_for("retention.overview"), code=303)
