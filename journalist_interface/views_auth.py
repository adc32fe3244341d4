"""Sign-in, sign-out and the reviewer's own passphrase."""

from __future__ import annotations

import datetime as dt

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from core import accounts, desks, digest
from core.audit import Action, record
from core.errors import Invalid, NotFound
from journalist_interface import sessions, signin
from journalist_interface.context import config, gated, hasher, reviewer, sign_in
from journalist_interface.forms import ROLE_LABELS, ActionForm, SignInForm
from webcommon.cookies import cookie_names
from webcommon.db import db

bp = Blueprint("auth", __name__)


def _cookie(response: ResponseReturnValue, value: str) -> None:
    response.set_cookie(  # type: ignore[union-attr]
        cookie_names().session,
        value,
        httponly=True,
        samesite="Strict",
        secure=config().secure_cookies,
    )


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = SignInForm()
    if not form.validate_on_submit():
        return render_template("reviewer/login.html", form=form), (
            400 if request.method == "POST" else 200
        )
    try:
        token = sign_in(
            db(), form.username.data or "", form.passphrase.data or "", form.token.data or "", "web"
        )
    except signin.SignInError as failed:  # the failure count and audit record still commit
        return render_template(
            "reviewer/login.html", form=form, failed=True, locked_until=failed.locked_until
        ), 401
    response = make_response(redirect(url_for("cases.inbox"), code=303))
    _cookie(response, token)
    return response


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        return redirect(url_for("cases.inbox"), code=303)
    sessions.end(db(), request.cookies.get(cookie_names().session))
    record(db(), reviewer(), Action.LOGOUT)
    response = make_response(redirect(url_for("auth.login"), code=303))
    response.delete_cookie(
        cookie_names().session, httponly=True, samesite="Strict", secure=config().secure_cookies
    )
    return response


@bp.route("/account", methods=["GET", "POST"])
def account() -> ResponseReturnValue:
    """Get a new passphrase (generated), after typing the current one; ends every session."""
    form = SignInForm(username=reviewer().username)
    if request.method == "GET":
        return render_template("reviewer/account.html", form=form)
    current = request.form.get("passphrase", "")
    if not ActionForm().validate_on_submit():
        return render_template("reviewer/account.html", form=form), 400
    try:
        new = gated(lambda: accounts.change_own_passphrase(db(), hasher(), reviewer(), current))
    except Invalid:
        return render_template("reviewer/account.html", form=form, wrong=True), 401
    g.pop("reviewer", None)
    response = make_response(
        render_template("reviewer/new_passphrase.html", passphrase=new.passphrase)
    )
    response.delete_cookie(
        cookie_names().session, httponly=True, samesite="Strict", secure=config().secure_cookies
    )
    return response


@bp.post("/account/digest")
def account_digest() -> ResponseReturnValue:
    """Give, change or remove the address of the daily digest (decision 080)."""
    if not ActionForm().validate_on_submit():
        abort(400)
    me = reviewer()
    if request.form.get("clear"):
        digest.clear_address(db(), me, me)
        flash("digest-cleared")
        return redirect(url_for("auth.account"), code=303)
    today = dt.datetime.now(dt.UTC).date()
    try:
        digest.set_address(
            db(), me, me, request.form.get("email", ""), request.form.get("language", ""), today
        )
    except Invalid:
        form = SignInForm(username=me.username)
        return render_template("reviewer/account.html", form=form, bad_email=True), 400
    flash("digest-saved")
    return redirect(url_for("auth.account"), code=303)


@bp.get("/notices")
def notices() -> ResponseReturnValue:
    """A desk's recipients changed (old and new fingerprints), or an admin from outside the
    desk gave someone access to it: shown until acknowledged."""
    pending = desks.notices_for(db(), reviewer())
    if not pending:
        return redirect(url_for("cases.inbox"), code=303)
    return render_template(
        "reviewer/notices.html",
        keys=[n for n in pending if not n.member_change],
        members=[n for n in pending if n.member_change],
        role_labels=ROLE_LABELS,
        form=ActionForm(),
    )


@bp.post("/notices/<id:notice_id>/acknowledge")
def acknowledge_notice(notice_id: int) -> ResponseReturnValue:
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        desks.acknowledge(db(), reviewer(), notice_id)
    except NotFound:
        abort(404)
    return redirect(url_for("auth.notices"), code=303)
