"""The source interface's routes. Route names are a contract (issue: source interface)."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass
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
from core.settings import Settings
from core.workflow import EXPLANATIONS
from crypto import codename as codenames
from crypto.codename import Language
from crypto.gate import Gate
from crypto.keys import Recipient
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
from store.db import is_disk_full
from store.models import Desk, SubmissionKind
from webcommon import uploads
from webcommon.app import current_blobs, current_config
from webcommon.collation import thai_key
from webcommon.db import commit_now, db, mark_failed, on_disk_full
from webcommon.i18n import current_language
from webcommon.settings import current as current_settings

bp = Blueprint("source", __name__)
log = logging.getLogger(__name__)
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
    """Return the receiving desks in the reader's order (Thai dictionary order on Thai pages)."""
    found = desk_cases.receiving(db())
    if current_language() == "th":
        return sorted(found, key=lambda d: thai_key(d.name_th))
    return sorted(found, key=lambda d: d.name_en.casefold())


def _desk_choices(desks: list[Desk]) -> list[tuple[str, str]]:
    lang = current_language()
    return [(d.slug, d.name_th if lang == "th" else d.name_en) for d in desks]


def signed_in_or_none() -> auth.SignedIn | None:
    """Return the signed-in source of this request, if any (looked up once per request)."""
    if "signed_in" not in g:
        g.signed_in = auth.current(db(), _config()) if auth.has_cookie() else None
    signed: auth.SignedIn | None = g.signed_in
    return signed


def _signed_in() -> auth.SignedIn:
    """Return the signed-in source or stop with a redirect (login, or 'session ended')."""
    if signed_in_or_none() is None:
        target = "source.session_ended" if auth.has_cookie() else "source.login"
        response = redirect(url_for(target), code=303)
        auth.clear_cookie(response)
        abort(response)
    signed: auth.SignedIn = g.signed_in
    return signed


def require_source() -> auth.SignedIn:
    """Return the signed-in source or stop with a redirect (for the other source views)."""
    return _signed_in()


def case_choices(signed: auth.SignedIn) -> list[tuple[str, str]]:
    """Return the source's cases as (desk slug, desk name) choices: one case per desk."""
    lang = current_language()
    return [
        (c.desk.slug, c.desk.name_th if lang == "th" else c.desk.name_en)
        for c in signed.source.cases
    ]


@bp.get("/")
def index() -> str:
    return render_template(
        "source/index.html", desks=_desks(), onion_address=_config().onion_address
    )


@bp.get("/privacy")
def privacy() -> str:
    """The notice at collection the PDPA asks for (section 23), before anything is sent."""
    settings = current_settings()
    return render_template(
        "source/privacy.html",
        desks=_desks(),
        contact=settings.privacy_contact,
        retention_days=settings.retention_days,
        idle_minutes=_config().session_idle_minutes,
    )


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
        # formdata=None: these only carry a CSRF token; they must never parse this request's
        # body (on /submit it is a streamed upload, maybe one not to be read at all).
        reply_form=ReplyDeleteForm(formdata=None),
        **extra,
    ), status


@bp.get("/lookup")
def lookup() -> tuple[str, int]:
    signed = _signed_in()
    form = TipForm(desks=_desk_choices(_desks()))
    if len(signed.source.cases) == 1:
        form.desk.data = signed.source.cases[0].desk.slug  # most sources report once
    return _render_lookup(form)


@dataclass(frozen=True)
class _DeskToReport:
    """A receiving desk as the submit view knows it before the body: plain values only."""

    id: int
    recipients: tuple[Recipient, ...]
    designation: str  # the tip's, inside every item: its case's, or a fresh one


@dataclass(frozen=True)
class _BeforeTheBody:
    """What POST /submit reads from the database before the body, which may stream for
    minutes over Tor. The parser's callbacks use only these values, so the request holds no
    pooled connection while the body streams (decision 101)."""

    desks: Mapping[str, _DeskToReport]  # by slug
    choices: list[tuple[str, str]]  # the form's desks, in the reader's order
    rules: Settings


def _read_before_the_body(signed: auth.SignedIn) -> _BeforeTheBody:
    desks = _desks()
    known = _BeforeTheBody(
        # Every desk's designation, as the tip's desk is known only from the body. This only
        # reads: a fresh designation is stored only if this tip opens its case, so no desk
        # can tell where else the source reported.
        desks={
            d.slug: _DeskToReport(
                d.id,
                tuple(tips.recipients(d)),
                tips.designation_for(db(), signed.source, d),
            )
            for d in desks
        },
        choices=_desk_choices(desks),
        rules=current_settings(),
    )
    # Ends the transaction (keeping what signing in wrote: the session's later expiry) and
    # gives the connection back to the pool; the view's next use of db() begins a new one.
    commit_now()
    return known


@bp.post("/submit")
def submit() -> ResponseReturnValue:
    signed = _signed_in()
    known = _read_before_the_body(signed)
    rules = known.rules
    checked: list[bool] = []

    def check_csrf(fields: MultiDict[str, str]) -> None:
        if not checked:
            try:
                validate_csrf(fields.get("csrf_token"))
            except ValidationError as exc:
                raise CSRFError(str(exc)) from None
            checked.append(True)

    sink_desks: set[str] = set()

    def open_sink(part: uploads.FilePart) -> uploads.FileSink:
        # Called mid-stream: no database here, only what was read before the body.
        check_csrf(part.fields)
        if not rules.accept_files:
            raise uploads.FormOrderError("this dropbox does not accept files")
        slug = part.fields.get("desk", "")
        desk = known.desks.get(slug)
        if desk is None:
            raise uploads.FormOrderError("choose a desk before the files")
        sink_desks.add(slug)
        return EncryptingSink(_blobs(), part, desk.recipients, desk.designation)

    # This view enforces the upload limit itself, after reading the text fields, so that an
    # over-limit upload still gives the source back what they typed.
    request.max_content_length = 1 << 62
    # The operator's configured limit is a ceiling; admins may set a lower one.
    limit = min(_config().max_upload_bytes, rules.upload_limit_mib * 1024 * 1024)
    declared = request.content_length
    if declared is not None and declared > limit:
        # Said up front: answer at once, without waiting for (or reading) a byte of the body.
        form = TipForm(desks=known.choices)
        return _render_lookup(form, 413, refused_unread=True, limit_mib=-(-limit // (1024 * 1024)))
    reader = uploads.LimitedReader(request.stream, limit)
    try:
        fields, files = uploads.parse(reader, request.content_type or "", open_sink)
    except uploads.StorageFull as exc:
        return _give_back(exc.fields, known.choices)
    except uploads.UploadTooLarge as exc:
        _drain()
        form = TipForm(formdata=exc.fields, desks=known.choices)
        return _render_lookup(form, 413, too_large=True)
    check_csrf(fields)
    # The body may have taken minutes: see a case another tip of theirs opened meanwhile.
    db().expire(signed.source, ["cases"])
    # A full database disk shows up at commit: the same page, with the text given back.
    on_disk_full(lambda: _give_back(fields, known.choices, log_it=False))
    form = TipForm(formdata=fields, desks=known.choices)
    names = [f.blob_name for f in files]
    if form.email.data:
        tips.discard(_blobs(), names)  # a bot: it sees success, nothing is kept
        return redirect(url_for("source.submitted"), code=303)
    valid = form.validate()
    message = (form.msg.data or "").strip()
    fields_given = form.structured() if valid else {}
    if valid and not (message or fields_given or files):
        form.msg.errors = [*form.msg.errors, _("Please write a message or attach a file.")]
        valid = False
    slug = form.desk.data or ""
    chosen = known.desks.get(slug)
    if chosen is not None and sink_desks - {slug}:
        valid = False  # files encrypted to another desk than the one finally chosen
    desk = db().get(Desk, chosen.id) if chosen is not None else None
    first = desk is not None and tips.case_at(signed.source, desk) is None
    if valid and first and len(message) < rules.min_message_length:
        form.msg.errors = [
            *form.msg.errors,
            _(
                "Please describe what happened in at least %(n)s characters.",
                n=rules.min_message_length,
            ),
        ]
        valid = False
    if not valid or chosen is None or desk is None:
        tips.discard(_blobs(), names)
        return _render_lookup(form, 400, files_dropped=bool(files))
    stored = [
        tips.StoredBlob(SubmissionKind.FILE, f.blob_name, f.ciphertext_size, f.sha256 or None)
        for f in files
    ]
    try:
        if message or fields_given:
            lang = current_language()
            stored.insert(
                0,
                tips.store_message(
                    _blobs(), chosen.recipients, message, fields_given, lang, chosen.designation
                ),
            )
    except BaseException as exc:
        tips.discard(_blobs(), names)
        if is_disk_full(exc):
            return _give_back(fields, known.choices)
        raise
    tips.file_tip(
        db(), _blobs(), signed.source, desk, stored, chosen.designation, signed.reply_identity
    )
    # Post/Redirect/Get: a reload of the thank-you page never sends the tip again.
    return redirect(url_for("source.submitted"), code=303)


@bp.get("/submitted")
def submitted() -> str:
    _signed_in()
    return render_template("source/submitted.html")


def _give_back(
    fields: MultiDict[str, str], desks: list[tuple[str, str]], log_it: bool = True
) -> tuple[str, int]:
    """The disk is full: nothing was kept; show the form again with what the source typed
    (files cannot be given back: they must choose them again)."""
    mark_failed()
    if log_it:
        log.error("disk full: a tip could not be stored (free space on the store or database)")
    form = TipForm(formdata=fields, desks=desks)
    return _render_lookup(form, 507, disk_full=True)


# How much of an over-limit body (sent without a Content-Length: browsers always send one)
# is read and dropped before answering; past it the server closes the connection.
DRAIN_BYTES = 1024 * 1024


def _drain() -> None:
    """Read and drop a bounded part of the rest of an over-limit body, so that a client still
    sending gets to read our page; never read for as long as a client cares to send."""
    left = DRAIN_BYTES
    while left > 0 and (chunk := request.stream.read(min(64 * 1024, left))):
        left -= len(chunk)


@bp.post("/replies/<id:reply_id>/delete")
def delete_reply(reply_id: int) -> ResponseReturnValue:
    signed = _signed_in()
    if not ReplyDeleteForm().validate_on_submit():
        abort(400)
    sources.hide_reply(db(), _blobs(), signed.source, reply_id)
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
