"""Proof of authorship on the case page (decision 095): issue a challenge, check the
signature the person hands over. Each view calls one use case."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint, abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue
from flask_babel import force_locale
from flask_babel import gettext as _

from core import authorship, cases, replies
from journalist_interface.context import blobs, reviewer
from journalist_interface.forms import ActionForm, AuthorshipForm
from webcommon.db import db
from webcommon.i18n import current_language

bp = Blueprint("authorship", __name__)


def _back(case_id: int) -> ResponseReturnValue:
    return redirect(url_for("cases.case", case_id=case_id, _anchor="authorship"), code=303)


@bp.post("/cases/<id:case_id>/authorship/challenge")
def challenge(case_id: int) -> ResponseReturnValue:
    found = cases.case_for(db(), reviewer(), case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if found.authorship_key is None:
        flash("authorship-no-key")
        return _back(case_id)
    authorship.issue_challenge(db(), reviewer(), found)
    return _back(case_id)


def _reply_text(challenge: str) -> str:
    """The reply that carries a challenge, in Thai and English (the source may read either)."""
    parts = []
    for lang in ("th", "en"):
        with force_locale(lang):
            parts.append(
                _(
                    "If you want to prove that you made this report (for a reward or for "
                    'protection), sign this challenge on the page "Prove that you made a '
                    'report" and give us the signature: %(challenge)s. If you do not want '
                    "to, you need not do anything.",
                    challenge=challenge,
                )
            )
    return "\n\n".join(parts)


@bp.post("/cases/<id:case_id>/authorship/reply")
def reply(case_id: int) -> ResponseReturnValue:
    found = cases.case_for(db(), reviewer(), case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if found.authorship_key is None:
        flash("authorship-no-key")
        return _back(case_id)
    replies.send_authorship_challenge(
        db(), blobs(), reviewer(), found, _reply_text, current_language()
    )
    flash("reply-sent")
    return _back(case_id)


@bp.post("/cases/<id:case_id>/authorship/verify")
def verify(case_id: int) -> ResponseReturnValue:
    found = cases.case_for(db(), reviewer(), case_id)
    form = AuthorshipForm()
    if not form.validate_on_submit():
        flash("authorship-failed")
        return _back(case_id)
    today = dt.datetime.now(dt.UTC).date()
    if authorship.check_proof(db(), reviewer(), found, form.signature.data or "", today):
        flash("authorship-proven")
    else:
        flash("authorship-failed")
    return _back(case_id)
