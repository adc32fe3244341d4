"""The inbox and the case page: read, download, export, reply, move along the workflow.
Each view parses the request, calls one use case, and renders."""

from __future__ import annotations

import datetime as dt
import functools

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    send_file,
    stream_with_context,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_babel import force_locale

from core import cases, export, integrity, memberships, replies
from core.errors import WorkflowError
from core.inbox import InboxFilter, search_words
from core.inbox import inbox as inbox_query
from core.workflow import APPROVED_MOVES, TRANSITIONS, acknowledgement_late, feedback_late
from journalist_interface.context import blobs, reviewer, signer
from journalist_interface.forms import (
    CATEGORIES,
    CONCLUSION_LABELS,
    STATUS_LABELS,
    ActionForm,
    AssignForm,
    AuthorshipForm,
    LabelsForm,
    ReplyForm,
    StatusForm,
    options,
)
from store.models import Case, CaseStatus, Conclusion, Reply, Reviewer, Submission
from webcommon.db import db
from webcommon.i18n import current_language
from webcommon.params import arg_int, page_arg
from webcommon.places import BY_CODE, PROVINCES

bp = Blueprint("cases", __name__)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


PROVINCE_NAMES = {p.code: (p.name_th, p.name_en) for p in PROVINCES}


@functools.cache
def _category_names() -> dict[str, list[str]]:
    """Each category's label in Thai and in English, what a search word is matched against.
    Once per process: force_locale reloads the catalogs, which cost more than the search."""
    names: dict[str, list[str]] = {code: [] for code in CATEGORIES}
    for language in ("th", "en"):
        with force_locale(language):
            for code, label in CATEGORIES.items():
                names[code].append(str(label))
    return names


@bp.get("/")
def inbox() -> ResponseReturnValue:
    me = reviewer()
    mine = cases.desk_ids(me)
    desk = arg_int("desk")
    status = request.args.get("status", "")
    assignee = request.args.get("assignee", "")
    f = InboxFilter(
        desk_ids=[desk] if desk in mine else mine,
        status=CaseStatus(status) if status in set(CaseStatus) else None,
        assignee_id=me.id if assignee == "me" else arg_int("assignee"),
        unassigned=assignee == "none",
        overdue=request.args.get("overdue") == "1",
        starred=request.args.get("starred") == "1",
        awaiting_approval=request.args.get("awaiting") == "1",
        sort=request.args.get("sort", "activity"),
        search=search_words(
            request.args.get("q", ""),
            _category_names(),
            PROVINCE_NAMES,
        ),
    )
    page = inbox_query(db(), f, _today(), page=page_arg())
    return render_template(
        "reviewer/inbox.html",
        page=page,
        today=_today(),
        acknowledgement_late=acknowledgement_late,
        feedback_late=feedback_late,
        desks=[d for d in me.desks if d.id in mine],
        statuses=STATUS_LABELS,
        args=request.args,
    )


def _case(case_id: int) -> Case:
    return cases.case_for(db(), reviewer(), case_id)


@bp.get("/cases/<id:case_id>")
def case(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    cases.record_view(db(), reviewer(), found)
    status_form = StatusForm()
    status_form.status.choices = options(
        [(s.value, STATUS_LABELS[s]) for s in TRANSITIONS[found.status]]
    )
    assign = AssignForm()
    assign.assignee.choices = options(
        [("", "—")] + [(str(r.id), r.username) for r in cases.assignable(db(), found)]
    )
    assign.assignee.data = str(found.assignee_id or "")
    labels = LabelsForm(
        category=found.category or "",
        province=found.province or "",
        file_number=found.file_number or "",
    )
    decides = memberships.decides(db(), reviewer(), found.desk_id)
    return render_template(
        "reviewer/case.html",
        case=found,
        today=_today(),
        statuses=STATUS_LABELS,
        status_form=status_form,
        assign_form=assign,
        labels_form=labels,
        reply_form=ReplyForm(),
        action=ActionForm(),
        authorship_form=AuthorshipForm(formdata=None),
        categories=CATEGORIES,
        province=BY_CODE.get(found.province or ""),
        decides=decides,
        needs_approval=[s.value for s in APPROVED_MOVES] if not decides else [],
        conclusions=CONCLUSION_LABELS,
    )


def _back(found: Case) -> ResponseReturnValue:
    return redirect(url_for("cases.case", case_id=found.id), code=303)


@bp.get("/cases/<id:case_id>/submissions/<id:item_id>/download")
def download(case_id: int, item_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    item = cases.submission_for(db(), found, item_id)
    # Never answer 200 with bytes that are not the stored ciphertext (size and SHA-256).
    integrity.verify(blobs(), item.blob_name, item.ciphertext_size, item.ciphertext_sha256)
    cases.record_download(db(), reviewer(), found, item)
    name = f"{export.slug(found.designation)}-{item.id:04d}-{item.kind}.age"
    return send_file(
        blobs().path(item.blob_name),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=name,
        conditional=True,  # HTTP Range and If-None-Match
        etag=item.blob_name,  # a blob never changes: its name is a strong validator
        max_age=0,
    )


@bp.post("/cases/<id:case_id>/export")
def export_bundle(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    items = export.export_case(db(), reviewer(), found, request.form.get("which") == "unread")
    name = f"westrong-{export.slug(found.designation)}-{_today().isoformat()}.zip"
    keys = export.authorship_keys(found)
    body = stream_with_context(export.stream(blobs(), items, "WE STRONG Drop", signer(), keys))
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/cases/<id:case_id>/reply")
def reply(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("reply-empty")
        return _back(found)
    replies.send(db(), blobs(), found, reviewer(), form.message.data or "", current_language())
    flash("reply-sent")
    return _back(found)


@bp.post("/cases/<id:case_id>/status")
def status(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    form = StatusForm()
    form.status.choices = options([(s.value, s.value) for s in CaseStatus])
    if not form.validate_on_submit():
        abort(400)
    conclusion = Conclusion(form.conclusion.data) if form.conclusion.data else None
    reference = form.external_reference.data or ""
    new = CaseStatus(form.status.data)
    try:
        done = cases.change_status(db(), found, reviewer(), new, _today(), conclusion, reference)
    except WorkflowError:
        flash("status-refused")
        return _back(found)
    flash("status-changed" if done else "status-proposed")
    return _back(found)


@bp.post("/cases/<id:case_id>/approval/<any(approve, return):what>")
def approval(case_id: int, what: str) -> ResponseReturnValue:
    """A supervisor approves or sends back a proposed conclusion or closure (the proposer
    may withdraw it); core refuses anyone else."""
    found = _case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        if what == "approve":
            cases.approve(db(), found, reviewer(), _today())
        else:
            cases.send_back(db(), found, reviewer())
    except WorkflowError:
        flash("status-refused")
        return _back(found)
    flash("status-changed" if what == "approve" else "proposal-returned")
    return _back(found)


@bp.post("/cases/<id:case_id>/assign")
def assign(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    form = AssignForm()
    allowed = {str(r.id): r for r in cases.assignable(db(), found)}
    form.assignee.choices = options([("", "—")] + [(k, r.username) for k, r in allowed.items()])
    if not form.validate_on_submit():
        abort(400)
    chosen: Reviewer | None = allowed.get(form.assignee.data or "")
    if chosen is not None and not form.no_conflict.data:
        flash("conflict-unconfirmed")
        return _back(found)
    cases.assign(db(), found, reviewer(), chosen)
    return _back(found)


@bp.post("/cases/<id:case_id>/labels")
def labels(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    form = LabelsForm()
    if not form.validate_on_submit():
        abort(400)
    cases.set_labels(
        db(), found, reviewer(), form.category.data, form.province.data, form.file_number.data or ""
    )
    return _back(found)


@bp.post("/cases/<id:case_id>/star")
def star(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    cases.toggle_star(found)
    return _back(found)


@bp.route("/cases/<id:case_id>/delete", methods=["GET", "POST"])
def delete_case(case_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template("reviewer/confirm_delete.html", form=form, what="case", case=found)
    cases.delete_case(db(), blobs(), reviewer(), found)
    flash("case-deleted")
    return redirect(url_for("cases.inbox"), code=303)


def _confirm_then_delete(found: Case, item: Submission | Reply, what: str) -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template(
            "reviewer/confirm_delete.html", form=form, what=what, case=found, item=item
        )
    cases.delete_item(db(), blobs(), reviewer(), item)
    return _back(found)


@bp.route("/cases/<id:case_id>/submissions/<id:item_id>/delete", methods=["GET", "POST"])
def delete_submission(case_id: int, item_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    return _confirm_then_delete(found, cases.submission_for(db(), found, item_id), "submission")


@bp.route("/cases/<id:case_id>/replies/<id:reply_id>/delete", methods=["GET", "POST"])
def delete_reply(case_id: int, reply_id: int) -> ResponseReturnValue:
    found = _case(case_id)
    return _confirm_then_delete(found, cases.reply_for(db(), found, reply_id), "reply")
