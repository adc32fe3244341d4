"""Sign-in, sign-out and the reviewer's own passphrase."""

from __future__ import annotations

from flask import (
    Blueprint,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue

from crypto import passphrase as passphrases
from crypto.errors import PassphraseMismatchError
from journalist_interface import sessions, signin
from journalist_interface.context import config, hasher, reviewer, sign_in
from journalist_interface.forms import ActionForm, SignInForm
from store import repository as repo
from webcommon.db import transaction

bp = Blueprint("auth", __name__)


def _cookie(response: ResponseReturnValue, value: str) -> None:
    response.set_cookie(  # type: ignore[union-attr]
        sessions.COOKIE,
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
    with transaction() as db:
        try:
            token = sign_in(
                db,
                form.username.data or "",
                form.passphrase.data or "",
                form.token.data or "",
                "web",
            )
        except signin.SignInError as failed:
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
    with transaction() as db:
        sessions.end(db, request.cookies.get(sessions.COOKIE))
        repo.audit(db, reviewer(), "logout")
    response = make_response(redirect(url_for("auth.login"), code=303))
    response.delete_cookie(sessions.COOKIE, httponly=True, samesite="Strict")
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
        passphrases.verify(reviewer().passphrase_hash, current, hasher())
    except PassphraseMismatchError:
        return render_template("reviewer/account.html", form=form, wrong=True), 401
    new = passphrases.generate()
    with transaction() as db:
        me = reviewer()
        me.passphrase_hash = passphrases.hash_passphrase(new, hasher())
        sessions.end_all(db, me.id)
        repo.audit(db, me, "passphrase_changed")
    g.pop("reviewer", None)
    response = make_response(render_template("reviewer/new_passphrase.html", passphrase=new))
    response.delete_cookie(sessions.COOKIE, httponly=True, samesite="Strict")
    return response
