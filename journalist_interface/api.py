"""JSON API /api/v1 for scripts and the workstation side; described by openapi.json.

Bearer tokens come from the same passphrase + TOTP sign-in as the web; they are sessions of
kind "api" (revocable, idle and absolute expiry). No cookies are involved, so no CSRF token.
Access rules are the web's: a case outside the caller's desks is 404.
"""

from __future__ import annotations

import base64
import binascii
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException, Unauthorized

from core import cases, integrity, replies
from core.errors import CoreError, Damaged, Invalid, NotAllowed, NotFound, WorkflowError
from core.inbox import InboxFilter, inbox
from crypto.errors import BusyError
from journalist_interface import sessions, signin
from journalist_interface.context import blobs, config, now, reviewer, sign_in
from store.models import Case, CaseStatus, Conclusion, Reply, Submission
from webcommon.db import db, mark_failed
from webcommon.params import MAX_PAGE, arg_int

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SPEC = Path(__file__).parent / "openapi.json"
MAX_REPLY_BYTES = replies.MAX_REPLY_BYTES
PUBLIC = {"api.token", "api.spec"}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    mark_failed()
    return jsonify(error=error.name.lower()), error.code or 500


@bp.errorhandler(CoreError)
def _core_error(error: CoreError) -> ResponseReturnValue:
    mark_failed()
    if isinstance(error, NotFound):
        return jsonify(error="not found"), 404
    if isinstance(error, WorkflowError):
        return jsonify(error="conflict", detail=str(error)), 409
    if isinstance(error, NotAllowed):
        return jsonify(error="forbidden", detail=str(error)), 403
    if isinstance(error, Damaged):
        return jsonify(error="stored file damaged"), 500
    return jsonify(error="bad request"), 400


@bp.errorhandler(BusyError)
def _busy(_error: BusyError) -> ResponseReturnValue:
    return jsonify(error="busy"), 503, {"Retry-After": "5"}


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC:
        return
    header = request.headers.get("Authorization", "")
    value = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
    row = sessions.find(db(), config(), value, now(), "api")
    if row is None:
        raise Unauthorized()
    g.reviewer = row.reviewer


def _json() -> dict[str, Any]:
    body = request.get_json(silent=True)
    if not isinstance(body, dict):
        raise BadRequest()
    return body


def _text(body: dict[str, Any], key: str, required: bool = True) -> str:
    value = body.get(key, "")
    if not isinstance(value, str) or (required and not value):
        raise BadRequest()
    return value


@bp.get("/openapi.json")
def spec() -> ResponseReturnValue:
    return current_app.response_class(SPEC.read_text("utf-8"), mimetype="application/json")


@bp.post("/token")
def token() -> ResponseReturnValue:
    body = _json()
    username, words, code = (_text(body, k) for k in ("username", "passphrase", "token"))
    try:
        value = sign_in(db(), username, words, code, "api")
    except signin.SignInError:
        return jsonify(error="unauthorized"), 401  # the failure count still commits
    return jsonify(token=value), 201


@bp.delete("/token")
def revoke() -> ResponseReturnValue:
    header = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    sessions.end(db(), header)
    return "", 204


def _case_json(case: Case, unread: int | None = None) -> dict[str, Any]:
    def day(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": case.id,
        "designation": case.designation,
        "desk": case.desk.slug,
        "status": case.status.value,
        "conclusion": case.conclusion.value if case.conclusion else None,
        "external_reference": case.external_reference,
        "received_on": day(case.received_on),
        "last_activity_on": day(case.last_activity_on),
        "acknowledge_due_on": day(case.acknowledge_due_on),
        "acknowledged_on": day(case.acknowledged_on),
        "feedback_due_on": day(case.feedback_due_on),
        "assignee": case.assignee.username if case.assignee else None,
        "starred": case.starred,
        "unread": unread,
        # The case's own reply key (decision 067); null for a case opened before cases had
        # one: the source's key is shared by their cases at every desk, so it is never shown.
        "reply_recipient": case.reply_recipient,
        # An officer's conclusion or closure waiting for a supervisor (decision 076).
        "proposed_status": case.proposed_status.value if case.proposed_status else None,
        "approved_by": case.approved_by,
        "authorship_key": case.authorship_key,
        "authorship_proven_on": day(case.authorship_proven_on),
    }


def _page_arg(name: str, default: int, high: int) -> int:
    if name not in request.args:
        return default
    value = arg_int(name, 1, high)
    if value is None:
        raise BadRequest()
    return value


@bp.get("/cases")
def list_cases() -> ResponseReturnValue:
    status = request.args.get("status")
    if status is not None and status not in {s.value for s in CaseStatus}:
        raise BadRequest()
    page = inbox(
        db(),
        InboxFilter(
            desk_ids=cases.desk_ids(reviewer()), status=CaseStatus(status) if status else None
        ),
        now().date(),
        page=_page_arg("page", 1, MAX_PAGE),
        per_page=_page_arg("per_page", 25, 100),
    )
    return jsonify(
        items=[_case_json(c, page.unread.get(c.id, 0)) for c in page.cases],
        page=page.page,
        pages=page.pages,
        total=page.total,
    )


def _case(case_id: int) -> Case:
    return cases.case_for(db(), reviewer(), case_id)


@bp.get("/cases/<id:case_id>")
def get_case(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    cases.record_view(db(), reviewer(), found)
    return jsonify(_case_json(found))


@bp.get("/cases/<id:case_id>/submissions")
def list_submissions(case_id: int) -> ResponseReturnValue:
    return jsonify(items=[_submission_json(s) for s in _case(case_id).submissions])


def _submission_json(item: Submission) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "ciphertext_size": item.ciphertext_size,
        "created_on": item.created_on.isoformat(),
        "seen": item.seen,
    }


@bp.get("/cases/<id:case_id>/replies")
def list_replies(case_id: int) -> ResponseReturnValue:
    return jsonify(items=[_reply_json(r) for r in _case(case_id).replies])


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "reviewer": reply.reviewer.username if reply.reviewer else None,
        "created_at": reply.created_at.isoformat(),
        "ciphertext_size": reply.ciphertext_size,
        "deleted_by_source": reply.deleted_by_source,
        "source_could_not_open": reply.source_could_not_open,
    }


def _send_blob(item: Submission | Reply, download_name: str) -> ResponseReturnValue:
    name = item.blob_name
    integrity.verify(blobs(), name, item.ciphertext_size, item.ciphertext_sha256)
    return send_file(
        blobs().path(name),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=download_name,
        conditional=True,
        etag=name,
        max_age=0,
    )


@bp.get("/cases/<id:case_id>/submissions/<id:item_id>/download")
def download_submission(case_id: int, item_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    item = cases.submission_for(db(), case, item_id)
    cases.record_download(db(), reviewer(), case, item)
    return _send_blob(item, f"{item.id:04d}-{item.kind.value}.age")


@bp.get("/cases/<id:case_id>/replies/<id:reply_id>/download")
def download_reply(case_id: int, reply_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    reply = cases.reply_for(db(), case, reply_id)
    cases.record_download(db(), reviewer(), case, reply)
    return _send_blob(reply, f"{reply.id:04d}-reply.age")


@bp.post("/cases/<id:case_id>/replies")
def post_reply(case_id: int) -> ResponseReturnValue:
    """Store a reply the client already encrypted, as its two copies (decision 067): JSON
    `{"source": base64 age to the case's reply_recipient, "desk": base64 age to the desk}`."""
    case = _case(case_id)
    if request.content_length is None or request.content_length > MAX_REPLY_BYTES:
        raise BadRequest()
    if case.reply_recipient is None:
        raise BadRequest()  # an older case: its source's key is not given out (see _case_json)
    body = _json()
    try:
        source, desk = (base64.b64decode(_text(body, k), validate=True) for k in ("source", "desk"))
        reply = replies.accept_encrypted(db(), blobs(), case, reviewer(), source, desk)
    except (Invalid, binascii.Error):
        raise BadRequest() from None
    return jsonify(_reply_json(reply)), 201


@bp.put("/cases/<id:case_id>/status")
def set_status(case_id: int) -> ResponseReturnValue:
    case = _case(case_id)
    body = _json()
    try:
        status = CaseStatus(_text(body, "status"))
        raw = body.get("conclusion")
        conclusion = Conclusion(raw) if raw else None
    except ValueError:
        raise BadRequest() from None
    reference = body.get("external_reference") or ""
    if not isinstance(reference, str):
        raise BadRequest()
    cases.change_status(db(), case, reviewer(), status, now().date(), conclusion, reference)
    return jsonify(_case_json(case))


def spec_document() -> dict[str, Any]:
    """Return the OpenAPI document (for tests)."""
    document: dict[str, Any] = json.loads(SPEC.read_text("utf-8"))
    return document
