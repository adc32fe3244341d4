"""The inbox and the case page: read, download, export, reply, move along the workflow."""

from __future__ import annotations

import datetime as dt

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

from journalist_interface import cases, export
from journalist_interface.context import blobs, reviewer
from journalist_interface.forms import (
    CATEGORIES,
    STATUS_LABELS,
    ActionForm,
    AssignForm,
    LabelsForm,
    ReplyForm,
    StatusForm,
    options,
)
from store import repository as repo
from store.cases import InboxFilter
from store.cases import inbox as inbox_query
from store.models import CaseStatus, Conclusion, Reply, Reviewer, Source, Submission
from webcommon.db import db, transaction
from webcommon.i18n import current_language
from webcommon.places import BY_CODE

bp = Blueprint("cases", __name__)


def _today() -> dt.date:
    return dt.datetime.now(dt.UTC).date()


def _int(name: str) -> int | None:
    value = request.args.get(name, "")
    return int(value) if value.isdigit() else None


@bp.get("/")
def inbox() -> ResponseReturnValue:
    me = reviewer()
    mine = cases.desk_ids(me)
    desk = _int("desk")
    status = request.args.get("status", "")
    assignee = request.args.get("assignee", "")
    f = InboxFilter(
        desk_ids=[desk] if desk in mine else mine,
        status=CaseStatus(status) if status in set(CaseStatus) else None,
        assignee_id=me.id if assignee == "me" else (int(assignee) if assignee.isdigit() else None),
        unassigned=assignee == "none",
        overdue=request.args.get("overdue") == "1",
        starred=request.args.get("starred") == "1",
        sort=request.args.get("sort", "activity"),
    )
    page = inbox_query(db(), f, _today(), page=_int("page") or 1)
    return render_template(
        "reviewer/inbox.html",
        page=page,
        today=_today(),
        desks=me.desks,
        statuses=STATUS_LABELS,
        args=request.args,
    )


def _case(source_id: int) -> Source:
    return cases.case_for(db(), reviewer(), source_id)


@bp.get("/cases/<id:source_id>")
def case(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    status_form = StatusForm()
    status_form.status.choices = options(
        [(s.value, STATUS_LABELS[s]) for s in cases.TRANSITIONS[source.status]]
    )
    assign = AssignForm()
    assign.assignee.choices = options(
        [("", "—")] + [(str(r.id), r.username) for r in cases.reviewers_of(db(), source)]
    )
    assign.assignee.data = str(source.assignee_id or "")
    labels = LabelsForm(category=source.category or "", province=source.province or "")
    return render_template(
        "reviewer/case.html",
        source=source,
        today=_today(),
        statuses=STATUS_LABELS,
        status_form=status_form,
        assign_form=assign,
        labels_form=labels,
        reply_form=ReplyForm(),
        action=ActionForm(),
        categories=CATEGORIES,
        province=BY_CODE.get(source.province or ""),
    )


def _back(source: Source) -> ResponseReturnValue:
    return redirect(url_for("cases.case", source_id=source.id), code=303)


@bp.get("/cases/<id:source_id>/submissions/<id:item_id>/download")
def download(source_id: int, item_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    item = cases.submission_for(db(), reviewer(), source, item_id)
    with transaction() as session:
        me = reviewer()
        cases.mark_seen(session, me, [item])
        repo.audit(session, me, "download", source.designation, f"#{item.id}")
    name = f"{export.slug(source.designation)}-{item.id:04d}-{item.kind}.age"
    return send_file(
        blobs().path(item.blob_name),
        mimetype="application/octet-stream",
        as_attachment=True,
        download_name=name,
        conditional=True,  # HTTP Range and If-None-Match
        etag=item.blob_name,  # a blob never changes: its name is a strong validator
        max_age=0,
    )


@bp.post("/cases/<id:source_id>/export")
def export_bundle(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    unread_only = request.form.get("which") == "unread"
    items: list[Submission] = [s for s in source.submissions if not (unread_only and s.seen)]
    desk = source.desk.slug if source.desk else ""
    entries = [
        export.Item(source.designation, desk, s.kind.value, s.id, s.blob_name, s.created_on)
        for s in items
    ]
    if not unread_only:
        entries += [
            export.Item(source.designation, desk, "reply", r.id, r.blob_name, r.created_at.date())
            for r in source.replies
        ]
    with transaction() as session:
        me = reviewer()
        cases.mark_seen(session, me, items)
        repo.audit(session, me, "export", source.designation, f"{len(entries)} items")
    name = f"westrong-{export.slug(source.designation)}-{_today().isoformat()}.zip"
    body = stream_with_context(export.stream(blobs(), entries, "WE STRONG Drop"))
    return Response(
        body,
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@bp.post("/cases/<id:source_id>/reply")
def reply(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    form = ReplyForm()
    if not form.validate_on_submit():
        flash("reply-empty")
        return _back(source)
    with transaction() as session:
        me = reviewer()
        cases.send_reply(session, blobs(), source, me, form.message.data or "", current_language())
    flash("reply-sent")
    return _back(source)


@bp.post("/cases/<id:source_id>/status")
def status(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    form = StatusForm()
    form.status.choices = options([(s.value, s.value) for s in CaseStatus])
    if not form.validate_on_submit():
        abort(400)
    conclusion = Conclusion(form.conclusion.data) if form.conclusion.data else None
    with transaction() as session:
        try:
            cases.change_status(
                session,
                source,
                reviewer(),
                CaseStatus(form.status.data),
                _today(),
                conclusion,
                form.external_reference.data or "",
            )
        except cases.WorkflowError:
            session.rollback()
            flash("status-refused")
            return _back(source)
    flash("status-changed")
    return _back(source)


@bp.post("/cases/<id:source_id>/assign")
def assign(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    form = AssignForm()
    allowed = {str(r.id): r for r in cases.reviewers_of(db(), source)}
    form.assignee.choices = options([("", "—")] + [(k, r.username) for k, r in allowed.items()])
    if not form.validate_on_submit():
        abort(400)
    chosen: Reviewer | None = allowed.get(form.assignee.data or "")
    if chosen is not None and not form.no_conflict.data:
        flash("conflict-unconfirmed")
        return _back(source)
    with transaction() as session:
        source.assignee_id = chosen.id if chosen else None
        detail = f"to {chosen.username}; no conflict of interest confirmed" if chosen else "none"
        repo.audit(session, reviewer(), "assign", source.designation, detail)
    return _back(source)


@bp.post("/cases/<id:source_id>/labels")
def labels(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    form = LabelsForm()
    if not form.validate_on_submit():
        abort(400)
    with transaction() as session:
        source.category = form.category.data or None
        source.province = form.province.data or None
        repo.audit(session, reviewer(), "labels", source.designation)
    return _back(source)


@bp.post("/cases/<id:source_id>/star")
def star(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    with transaction():
        source.starred = not source.starred
    return _back(source)


@bp.route("/cases/<id:source_id>/delete", methods=["GET", "POST"])
def delete_case(source_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template(
            "reviewer/confirm_delete.html", form=form, what="case", source=source
        )
    with transaction() as session:
        cases.delete_source(session, blobs(), reviewer(), source)
    flash("case-deleted")
    return redirect(url_for("cases.inbox"), code=303)


def _confirm_then_delete(
    source: Source, item: Submission | Reply, what: str
) -> ResponseReturnValue:
    form = ActionForm()
    if request.method == "GET" or not form.validate_on_submit():
        return render_template(
            "reviewer/confirm_delete.html", form=form, what=what, source=source, item=item
        )
    with transaction() as session:
        cases.delete_item(session, blobs(), reviewer(), item)
    return _back(source)


@bp.route("/cases/<id:source_id>/submissions/<id:item_id>/delete", methods=["GET", "POST"])
def delete_submission(source_id: int, item_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    item = cases.submission_for(db(), reviewer(), source, item_id)
    return _confirm_then_delete(source, item, "submission")


@bp.route("/cases/<id:source_id>/replies/<id:reply_id>/delete", methods=["GET", "POST"])
def delete_reply(source_id: int, reply_id: int) -> ResponseReturnValue:
    source = _case(source_id)
    return _confirm_then_delete(source, cases.reply_for(db(), source, reply_id), "reply")
