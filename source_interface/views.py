"""The source interface's routes. Route names are a contract (issue: source interface)."""

from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError, validate_csrf
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from crypto import codename as codenames
from crypto.codename import Language
from crypto.gate import Gate
from crypto.source_identity import KdfParams, SourceIdentity, derive
from source_interface import auth, tips
from source_interface.forms import (
    CodenameLanguageForm,
    CreateForm,
    LoginForm,
    LogoutForm,
    ReplyDeleteForm,
    TipForm,
)
from source_interface.statuses import EXPLANATIONS
from store import repository as repo
from store.models import Desk, Reply
from webcommon import uploads
from webcommon.app import current_blobs, current_config
from webcommon.db import db, transaction
from webcommon.i18n import current_language
from webcommon.settings import current as current_settings

bp = Blueprint("source", __name__)


_config = current_config
_blobs = current_blobs


def _derive(codename: str) -> SourceIdentity:
    gate: Gate = current_app.extensions["westrong_gate"]
    config = _config()
    params = KdfParams(config.kdf_ops, config.kdf_mem)
    return gate.run(lambda: derive(codename, config.pepper, params))


def _desks() -> list[Desk]:
    return [d for d in repo.desks(db()) if d.recipients]


def _desk_choices(desks: list[Desk]) -> list[tuple[str, str]]:
    lang = current_language()
    return [(d.slug, d.name_th if lang == "th" else d.name_en) for d in desks]


def _signed_in() -> auth.SignedIn:
    """Return the signed-in source or stop with a redirect (login, or 'session ended')."""
    if "signed_in" not in g:
        with transaction() as session:
            g.signed_in = auth.current(session, _config())
    if g.signed_in is None:
        target = "source.session_ended" if auth.has_cookie() else "source.login"
        response = redirect(url_for(target), code=303)
        auth.clear_cookie(response)
        abort(response)
    signed: auth.SignedIn = g.signed_in
    return signed


@bp.get("/")
def index() -> str:
    return render_template("source/index.html", desks=_desks())


@bp.get("/corruption")
def corruption() -> str:
    return render_template("source/corruption.html")


@bp.get("/generate")
def choose_words() -> str:
    return render_template("source/generate.html", form=CodenameLanguageForm())


@bp.post("/generate")
def generate() -> str | tuple[str, int]:
    form = CodenameLanguageForm()
    if not form.validate_on_submit():
        return render_template("source/generate.html", form=form), 400
    name = codenames.generate(Language(form.words.data))
    create = CreateForm(codename=name, proof=auth.codename_proof(_config().source_secret_key, name))
    return render_template("source/codename.html", codename=name, form=create)


@bp.post("/create")
def create() -> ResponseReturnValue:
    form = CreateForm()
    secret = _config().source_secret_key
    if not form.validate_on_submit() or not auth.proof_matches(
        secret, form.codename.data or "", form.proof.data or ""
    ):
        return render_template("source/generate.html", form=CodenameLanguageForm(), error=True), 400
    identity = _derive(form.codename.data or "")
    with transaction() as session:
        auth.purge_expired(session)
        repo.purge_pending_sources(session, repo.today())
        if repo.source_by_lookup_id(session, identity.lookup_id) is not None:
            abort(409)  # a fresh 90-bit codename colliding: practically impossible
        designation = codenames.designation()
        while repo.designation_taken(session, designation):
            designation = codenames.designation()
        source = repo.add_source(
            session,
            identity.lookup_id,
            str(identity.reply_identity.recipient),
            designation,
        )
        token = auth.start(session, _config(), source, identity.reply_identity)
    response = redirect(url_for("source.lookup"), code=303)
    auth.set_cookie(response, token)
    return response


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if not form.validate_on_submit():
        status = 400 if request.method == "POST" else 200
        return render_template("source/login.html", form=form), status
    identity = _derive(form.codename.data or "")
    with transaction() as session:
        source = repo.source_by_lookup_id(session, identity.lookup_id)
        if source is None:
            # One message whether or not the codename ever existed.
            return render_template("source/login.html", form=form, wrong=True), 401
        source.last_activity_on = repo.today()
        token = auth.start(session, _config(), source, identity.reply_identity)
    response = redirect(url_for("source.lookup"), code=303)
    auth.set_cookie(response, token)
    return response


def _render_lookup(form: TipForm, status: int = 200, **extra: Any) -> tuple[str, int]:
    extra.setdefault("settings", current_settings())
    signed = _signed_in()
    source = signed.source
    replies = []
    for reply in source.replies:
        if not reply.deleted_by_source:
            text = tips.read_text(_blobs(), reply.blob_name, signed.reply_identity)
            replies.append((reply, text))
    status_words = EXPLANATIONS[source.status] if not source.pending else None
    return render_template(
        "source/lookup.html",
        form=form,
        source=source,
        replies=replies,
        status_words=status_words,
        reply_form=ReplyDeleteForm(),
        logout_form=LogoutForm(),
        **extra,
    ), status


@bp.get("/lookup")
def lookup() -> tuple[str, int]:
    signed = _signed_in()
    form = TipForm(desks=_desk_choices(_desks()))
    if signed.source.desk is not None:
        form.desk.data = signed.source.desk.slug
    return _render_lookup(form)


@bp.post("/submit")
def submit() -> tuple[str, int]:
    signed = _signed_in()
    desks = {d.slug: d for d in _desks()}
    checked: list[bool] = []

    def check_csrf(fields: MultiDict[str, str]) -> None:
        if not checked:
            try:
                validate_csrf(fields.get("csrf_token"))
            except ValidationError as exc:
                raise CSRFError(str(exc)) from None
            checked.append(True)

    rules = current_settings()

    def open_sink(part: uploads.FilePart) -> uploads.FileSink:
        check_csrf(part.fields)
        if not rules.accept_files:
            raise uploads.FormOrderError("this dropbox does not accept files")
        desk = desks.get(part.fields.get("desk", ""))
        if desk is None:
            raise uploads.FormOrderError("choose a desk before the files")
        return tips.EncryptingSink(_blobs(), part, tips.recipients(desk))

    # This view enforces the upload limit itself, after reading the text fields, so that an
    # over-limit upload still gives the source back what they typed.
    request.max_content_length = 1 << 62
    # The operator's configured limit is a ceiling; admins may set a lower one.
    limit = min(_config().max_upload_bytes, rules.upload_limit_mib * 1024 * 1024)
    reader = uploads.LimitedReader(request.stream, limit)
    try:
        fields, files = uploads.parse(reader, request.content_type or "", open_sink)
    except uploads.UploadTooLarge as exc:
        _drain(limit)
        form = TipForm(formdata=exc.fields, desks=_desk_choices(list(desks.values())))
        return _render_lookup(form, 413, too_large=True)
    check_csrf(fields)
    form = TipForm(formdata=fields, desks=_desk_choices(list(desks.values())))
    names = [f.blob_name for f in files]
    if form.email.data:
        tips.discard(_blobs(), names)  # a bot: it sees success, nothing is kept
        return render_template("source/submitted.html"), 200
    valid = form.validate()
    message = (form.msg.data or "").strip()
    fields_given = form.structured() if valid else {}
    if valid and not (message or fields_given or files):
        form.msg.errors = [*form.msg.errors, _("Please write a message or attach a file.")]
        valid = False
    first = signed.source.pending
    if valid and first and len(message) < rules.min_message_length:
        form.msg.errors = [
            *form.msg.errors,
            _(
                "Please describe what happened in at least %(n)s characters.",
                n=rules.min_message_length,
            ),
        ]
        valid = False
    if not valid:
        tips.discard(_blobs(), names)
        return _render_lookup(form, 400, files_dropped=bool(files))
    desk = desks[form.desk.data]
    try:
        message_blob = None
        if message or fields_given:
            message_blob = tips.store_message(
                _blobs(), tips.recipients(desk), message, fields_given, current_language()
            )
            names.append(message_blob[0])
        with transaction() as session:
            tips.record(session, signed.source, desk, message_blob, files)
    except BaseException:
        tips.discard(_blobs(), names)
        raise
    return render_template("source/submitted.html"), 200


def _drain(limit: int) -> None:
    """Read and drop the rest of an over-limit body, so the browser gets to show our page."""
    length = request.content_length or 0
    if length > 2 * limit:
        return  # not worth the wait; the connection is closed instead
    while request.stream.read(64 * 1024):
        pass


@bp.post("/replies/<id:reply_id>/delete")
def delete_reply(reply_id: int) -> ResponseReturnValue:
    signed = _signed_in()
    if not ReplyDeleteForm().validate_on_submit():
        abort(400)
    with transaction() as session:
        reply = session.scalar(
            select(Reply).where(Reply.id == reply_id, Reply.source_id == signed.source.id)
        )
        if reply is None:
            abort(404)
        reply.deleted_by_source = True
    return redirect(url_for("source.lookup"), code=303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not LogoutForm().validate_on_submit():
        abort(400)
    with transaction() as session:
        auth.end(session)
    response = make_response(render_template("source/logged_out.html"))
    auth.clear_cookie(response)
    return response


@bp.get("/session-ended")
def session_ended() -> str:
    return render_template("source/session_ended.html")
