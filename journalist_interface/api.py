"""JSON API /api/v1 for scripts and the workstation side; described by openapi.json.

Bearer tokens come from the same passphrase + TOTP sign-in as the web; they are sessions of
kind "api" (revocable, idle and absolute expiry). No cookies are involved, so no CSRF token.
Access rules are the web's: a case outside the caller's desks is 404.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

from flask import Blueprint, current_app, g, jsonify, request, send_file
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import BadRequest, HTTPException, Unauthorized

from crypto.errors import BusyError, CryptoError
from crypto.header import read_header
from journalist_interface import cases, sessions, signin
from journalist_interface.context import blobs, config, now, reviewer, sign_in
from store import repository as repo
from store.cases import InboxFilter, inbox
from store.models import CaseStatus, Conclusion, Reply, Source, Submission
from webcommon.db import db, transaction

bp = Blueprint("api", __name__, url_prefix="/api/v1")
SPEC = Path(__file__).parent / "openapi.json"
MAX_REPLY_BYTES = 1024 * 1024
PUBLIC = {"api.token", "api.spec"}


@bp.errorhandler(HTTPException)
def _http_error(error: HTTPException) -> ResponseReturnValue:
    return jsonify(error=error.name.lower()), error.code or 500


@bp.errorhandler(BusyError)
def _busy(_error: BusyError) -> ResponseReturnValue:
    return jsonify(error="busy"), 503, {"Retry-After": "5"}


@bp.before_request
def _authenticate() -> None:
    if request.endpoint in PUBLIC:
        return
    header = request.headers.get("Authorization", "")
    value = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else None
    with transaction() as session:
        row = sessions.find(session, config(), value, now(), "api")
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
    with transaction() as session:
        try:
            value = sign_in(session, username, words, code, "api")
        except signin.SignInError:
            return jsonify(error="unauthorized"), 401
    return jsonify(token=value), 201


@bp.delete("/token")
def revoke() -> ResponseReturnValue:
    header = request.headers.get("Authorization", "").removeprefix("Bearer ").strip()
    with transaction() as session:
        sessions.end(session, header)
    return "", 204


def _case_json(source: Source, unread: int | None = None) -> dict[str, Any]:
    def day(value: Any) -> str | None:
        return value.isoformat() if value else None

    return {
        "id": source.id,
        "designation": source.designation,
        "desk": source.desk.slug if source.desk else None,
        "status": source.status.value,
        "conclusion": source.conclusion.value if source.conclusion else None,
        "external_reference": source.external_reference,
        "received_on": day(source.received_on),
        "last_activity_on": day(source.last_activity_on),
        "acknowledge_due_on": day(source.acknowledge_due_on),
        "acknowledged_on": day(source.acknowledged_on),
        "feedback_due_on": day(source.feedback_due_on),
        "assignee": source.assignee.username if source.assignee else None,
        "starred": source.starred,
        "unread": unread,
    }


def _page_arg(name: str, default: int, high: int) -> int:
    raw = request.args.get(name, str(default))
    if not raw.isdigit() or not 1 <= int(raw) <= high:
        raise BadRequest()
    return int(raw)


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
        page=_page_arg("page", 1, 100_000),
        per_page=_page_arg("per_page", 25, 100),
    )
    return jsonify(
        items=[_case_json(s, page.unread.get(s.id, 0)) for s in page.sources],
        page=page.page,
        pages=page.pages,
        total=page.total,
    )


@bp.get("/cases/<id:source_id>")
def get_case(source_id: int) -> ResponseReturnValue:
    return jsonify(_case_json(cases.case_for(db(), reviewer(), source_id)))


@bp.get("/cases/<id:source_id>/submissions")
def list_submissions(source_id: int) -> ResponseReturnValue:
    source = cases.case_for(db(), reviewer(), source_id)
    return jsonify(items=[_submission_json(s) for s in source.submissions])


def _submission_json(item: Submission) -> dict[str, Any]:
    return {
        "id": item.id,
        "kind": item.kind.value,
        "ciphertext_size": item.ciphertext_size,
        "created_on": item.created_on.isoformat(),
        "seen": item.seen,
    }


@bp.get("/cases/<id:source_id>/replies")
def list_replies(source_id: int) -> ResponseReturnValue:
    source = cases.case_for(db(), reviewer(), source_id)
    return jsonify(items=[_reply_json(r) for r in source.replies])


def _reply_json(reply: Reply) -> dict[str, Any]:
    return {
        "id": reply.id,
        "reviewer": reply.reviewer.username if reply.reviewer else None,
        "created_at": reply.created_at.isoformat(),
        "ciphertext_size": reply.ciphertext_size,
        "deleted_by_source": reply.deleted_by_source,
    }


def _send_blob(name: str, download_name: str) -> ResponseReturnValue:
    return send_file(
        blobs().path(name),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=download_name,
        conditional=True,
        etag=name,
        max_age=0,
    )


@bp.get("/cases/<id:source_id>/submissions/<id:item_id>/download")
def download_submission(source_id: int, item_id: int) -> ResponseReturnValue:
    source = cases.case_for(db(), reviewer(), source_id)
    item = cases.submission_for(db(), reviewer(), source, item_id)
    with transaction() as session:
        cases.mark_seen(session, reviewer(), [item])
        repo.audit(session, reviewer(), "download", source.designation, f"#{item.id} (api)")
    return _send_blob(item.blob_name, f"{item.id:04d}-{item.kind.value}.age")


@bp.get("/cases/<id:source_id>/replies/<id:reply_id>/download")
def download_reply(source_id: int, reply_id: int) -> ResponseReturnValue:
    source = cases.case_for(db(), reviewer(), source_id)
    reply = cases.reply_for(db(), source, reply_id)
    return _send_blob(reply.blob_name, f"{reply.id:04d}-reply.age")


@bp.post("/cases/<id:source_id>/replies")
def post_reply(source_id: int) -> ResponseReturnValue:
    """Store a reply the client already encrypted (age, to the source and the desk)."""
    source = cases.case_for(db(), reviewer(), source_id)
    if request.content_length is None or request.content_length > MAX_REPLY_BYTES:
        raise BadRequest()
    body = request.get_data(cache=False)
    if len(body) > MAX_REPLY_BYTES:
        raise BadRequest()
    desk_count = len(source.desk.recipients) if source.desk else 0
    _check_envelope(body, 1 + desk_count)
    with blobs().writer() as writer:
        writer.write(body)
        name = writer.commit()
    with transaction() as session:
        reply = cases.store_reply(session, source, reviewer(), name, len(body))
        session.flush()
        result = _reply_json(reply)
    return jsonify(result), 201


def _check_envelope(body: bytes, recipients: int) -> None:
    """Refuse what is not an age file with one X25519 stanza per expected recipient."""
    try:
        header = read_header(io.BytesIO(body))
    except CryptoError:
        raise BadRequest() from None
    if len(header.stanzas) != recipients or any(s.type != "X25519" for s in header.stanzas):
        raise BadRequest()


@bp.put("/cases/<id:source_id>/status")
def set_status(source_id: int) -> ResponseReturnValue:
    source = cases.case_for(db(), reviewer(), source_id)
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
    with transaction() as session:
        try:
            cases.change_status(
                session, source, reviewer(), status, now().date(), conclusion, reference
            )
        except cases.WorkflowError as exc:
            session.rollback()
            return jsonify(error="conflict", detail=str(exc)), 409
    return jsonify(_case_json(source))


def spec_document() -> dict[str, Any]:
    """Return the OpenAPI document (for tests)."""
    document: dict[str, Any] = json.loads(SPEC.read_text("utf-8"))
    return document
