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
from werkzeug.datastructures import MultiDict
from wtforms import ValidationError

from config import SourceConfig
from core import desks as desk_cases
from core import sources, tips
from core.errors import NotFound
from core.workflow import EXPLANATIONS
from crypto import codename as codenames
from crypto.codename import Language
from crypto.gate import Gate
from crypto.source_identity import KdfParams, SourceIdentity, derive
from source_interface import auth
from source_interface.forms import (
    CodenameLanguageForm,
    CreateForm,
    LoginForm,
    LogoutForm,
    ReplyDeleteForm,
    TipForm,
)
from source_interface.sinks import EncryptingSink
from store.models import Desk, SubmissionKind
from webcommon import uploads
from webcommon.app import current_blobs, current_config
from webcommon.db import db
from webcommon.i18n import current_language
from webcommon.settings import current as current_settings

bp = Blueprint("source", __name__)
_blobs = current_blobs


def _config() -> SourceConfig:
    config = current_config()
    assert isinstance(config, SourceConfig)  # noqa: S101 (the source app holds only its own)
    return config


def _derive(codename: str) -> SourceIdentity:
    gate: Gate = current_app.extensions["westrong_gate"]
    config = _config()
    params = KdfParams(config.kdf_ops, config.kdf_mem)
    return gate.run(lambda: derive(codename, config.pepper, params))


def _desks() -> list[Desk]:
    return desk_cases.receiving(db())


def _desk_choices(desks: list[Desk]) -> list[tuple[str, str]]:
    lang = current_language()
    return [(d.slug, d.name_th if lang == "th" else d.name_en) for d in desks]


def _signed_in() -> auth.SignedIn:
    """Return the signed-in source or stop with a redirect (login, or 'session ended')."""
    if "signed_in" not in g:
        g.signed_in = auth.current(db(), _config())
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
    create = CreateForm(codename=name, proof=auth.codename_proof(_config().secret_key, name))
    return render_template("source/codename.html", codename=name, form=create)


@bp.post("/create")
def create() -> ResponseReturnValue:
    form = CreateForm()
    secret = _config().secret_key
    if not form.validate_on_submit() or not auth.proof_matches(
        secret, form.codename.data or "", form.proof.data or ""
    ):
        return render_template("source/generate.html", form=CodenameLanguageForm(), error=True), 400
    identity = _derive(form.codename.data or "")
    session = db()
    auth.purge_expired(session)
    sources.purge_pending(session, tips.today())
    source = sources.create(session, identity)
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
    try:
        source = sources.sign_in(db(), identity)
    except NotFound:
        # One message whether or not the codename ever existed.
        return render_template("source/login.html", form=form, wrong=True), 401
    token = auth.start(db(), _config(), source, identity.reply_identity)
    response = redirect(url_for("source.lookup"), code=303)
    auth.set_cookie(response, token)
    return response


def _render_lookup(form: TipForm, status: int = 200, **extra: Any) -> tuple[str, int]:
    extra.setdefault("settings", current_settings())
    signed = _signed_in()
    return render_template(
        "source/lookup.html",
        form=form,
        cases=sources.cases_of(signed.source, _blobs(), signed.reply_identity),
        explanations=EXPLANATIONS,
        reply_form=ReplyDeleteForm(),
        logout_form=LogoutForm(),
        **extra,
    ), status


@bp.get("/lookup")
def lookup() -> tuple[str, int]:
    signed = _signed_in()
    form = TipForm(desks=_desk_choices(_desks()))
    if len(signed.source.cases) == 1:
        form.desk.data = signed.source.cases[0].desk.slug  # most sources report once
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
        return EncryptingSink(_blobs(), part, tips.recipients(desk))

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
    chosen = desks.get(form.desk.data or "")
    first = chosen is not None and tips.case_at(signed.source, chosen) is None
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
    stored = [tips.StoredBlob(SubmissionKind.FILE, f.blob_name, f.ciphertext_size) for f in files]
    try:
        if message or fields_given:
            to = tips.recipients(desk)
            lang = current_language()
            stored.insert(0, tips.store_message(_blobs(), to, message, fields_given, lang))
    except BaseException:
        tips.discard(_blobs(), names)
        raise
    tips.file_tip(db(), _blobs(), signed.source, desk, stored)
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
    sources.hide_reply(db(), signed.source, reply_id)
    return redirect(url_for("source.lookup"), code=303)


@bp.post("/logout")
def logout() -> ResponseReturnValue:
    if not LogoutForm().validate_on_submit():
        abort(400)
    auth.end(db())
    response = make_response(render_template("source/logged_out.html"))
    auth.clear_cookie(response)
    return response


@bp.get("/session-ended")
def session_ended() -> str:
    return render_template("source/session_ended.html")
