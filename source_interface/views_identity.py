"""Giving identity or contact details by choice (decision 096): a separate, marked item."""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from core import identity
from source_interface.forms import IdentityForm, options
from source_interface.views import case_choices, require_source
from webcommon.app import current_blobs
from webcommon.db import db
from webcommon.i18n import current_language

bp = Blueprint("identity", __name__)


@bp.route("/identity", methods=["GET", "POST"])
def give() -> ResponseReturnValue:
    signed = require_source()
    form = IdentityForm()
    form.desk.choices = options(case_choices(signed))
    if request.method == "GET":
        return render_template("source/identity.html", form=form, sent="sent" in request.args)
    if not form.validate_on_submit():
        return render_template("source/identity.html", form=form), 400
    case = next(c for c in signed.source.cases if c.desk.slug == form.desk.data)
    identity.disclose(db(), current_blobs(), case, form.details.data or "", current_language())
    # Post/Redirect/Get: a reload never sends the details twice.
    return redirect(url_for("identity.give", sent=1), code=303)
