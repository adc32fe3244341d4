"""Signing a desk's challenge to prove authorship of a case (decision 095). Nothing is
written: the signature is derived from the session's reply secret and shown once."""

from __future__ import annotations

from flask import Blueprint, render_template

from core import authorship
from crypto.errors import CryptoError
from source_interface.forms import SignChallengeForm, options
from source_interface.views import case_choices, require_source

bp = Blueprint("authorship", __name__)


@bp.route("/authorship", methods=["GET", "POST"])
def sign() -> tuple[str, int]:
    signed = require_source()
    form = SignChallengeForm()
    form.desk.choices = options(case_choices(signed))
    if not form.validate_on_submit():
        return render_template("source/authorship.html", form=form), 200 if not form.errors else 400
    case = next(c for c in signed.source.cases if c.desk.slug == form.desk.data)
    try:
        signature = authorship.sign(case, signed.reply_identity, form.challenge.data or "")
    except CryptoError:
        return render_template("source/authorship.html", form=form, bad_challenge=True), 400
    except LookupError:
        return render_template("source/authorship.html", form=form, no_key=True), 400
    return render_template("source/authorship.html", form=form, signature=signature), 200
