"""Printable reports of a tip (plain text and HTML) and the index page of an opened bundle.

Labels are in Thai and English on every page, whatever `--lang` says: the printout may be
attached to a formal complaint read by either. Every value is escaped (HTML) or stripped of
terminal control characters (text): tips are written by strangers, and an officer's browser
or terminal must not run or obey anything in them. Pages load nothing and run nothing
(a Content-Security-Policy of `default-src 'none'`).
"""

from __future__ import annotations

import dataclasses
import html
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from workstation import fields
from workstation.bundle import Item
from workstation.document import Document, Section
from workstation.results import ItemResult
from workstation.strings import MESSAGES

TITLE = "รายงานเบาะแสการทุจริต / Corruption tip report"
REPORT_LIMIT = 4 * 1024 * 1024  # bytes of message a printed report holds
_AS_SENT = "ข้อความข้างต้นคือสิ่งที่ผู้แจ้งส่งมาโดยไม่มีการแก้ไข / Text above is as the source sent it."
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")
_KIND = {
    "message": "ข้อความและข้อมูลที่แจ้ง / Message and details",
    "file": "ไฟล์ / File",
    "reply": "ข้อความตอบกลับของหน่วยงานผู้รับเรื่อง / Desk's reply",
    "identity": "ข้อมูลระบุตัวตนที่ผู้แจ้งให้ไว้ / Identity given by the source",
}
_LANGUAGE = {"th": "ไทย / Thai", "en": "อังกฤษ / English"}
_STYLE = """
body{font-family:"Noto Sans Thai","Sarabun","TH Sarabun New",Loma,Garuda,sans-serif;
max-width:62rem;margin:1.5rem auto;padding:0 1rem;line-height:1.6;color:#111}
h1{font-size:1.5rem}h2{font-size:1.2rem;margin-top:2rem;border-bottom:1px solid #999}
table{border-collapse:collapse;width:100%;margin:.5rem 0}
th,td{border:1px solid #999;padding:.3rem .5rem;text-align:left;vertical-align:top;
overflow-wrap:anywhere}
th{background:#eee}
td.n{white-space:nowrap}
.fields th{width:38%}
pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #999;padding:.5rem;
font-family:inherit}
.warn{background:#fff3cd;border:1px solid #b80;padding:.5rem}
.bad{color:#a00;font-weight:bold}
@media print{body{margin:0;max-width:none}}
"""


def plain(text: str) -> str:
    """Remove characters a terminal could obey (escape sequences), keep newlines and tabs."""
    return _CONTROLS.sub("\ufffd", text)


def escape(text: object) -> str:
    """Return text safe inside HTML (also inside a quoted attribute), controls replaced."""
    return html.escape(plain(str(text)), quote=True)


def page(title: str, body: Iterable[str], style: str = _STYLE) -> str:
    """Return a whole HTML page that loads nothing and runs nothing."""
    return "".join(
        [
            '<!DOCTYPE html>\n<html lang="th">\n<head>\n<meta charset="utf-8">\n',
            '<meta http-equiv="Content-Security-Policy" '
            "content=\"default-src 'none'; style-src 'unsafe-inline'\">\n",
            '<meta name="referrer" content="no-referrer">\n',
            f"<title>{escape(title)}</title>\n<style>{style}</style>\n</head>\n<body>\n",
            *body,
            "</body>\n</html>\n",
        ]
    )


def _table(rows: Sequence[tuple[str, str]], css: str = "fields") -> str:
    cells = "".join(f"<tr><th>{escape(k)}</th><td>{escape(v)}</td></tr>\n" for k, v in rows)
    return f'<table class="{css}">\n{cells}</table>\n'


@dataclass(frozen=True)
class Tip:
    """What a report shows: the item, its encrypted header's fields, the message text."""

    item: Item
    date: str
    language: str
    fields: object
    message: str | None  # None when too long to print: the officer reads message-NNNN.txt
    message_file: str
    bundle_name: str
    opened_on: str


def with_message(tip: Tip, message_file: Path) -> Tip:
    """Return `tip` with its message read back from the opened file (None when too long)."""
    with open(message_file, "rb") as f:
        start = f.read(REPORT_LIMIT + 1)
    text = None if len(start) > REPORT_LIMIT else start.decode("utf-8", "replace")
    return dataclasses.replace(tip, message=text)


def about(tip: Tip) -> list[tuple[str, str]]:
    """Return where the tip came from: source, desk, dates, bundle item."""
    return [
        ("ผู้แจ้ง (ชื่อเรียก) / Source (designation)", tip.item.source),
        ("หน่วยงานผู้รับเรื่อง / Desk", tip.item.desk),
        ("วันที่ส่ง / Date submitted", fields.date_both_eras(tip.date)),
        ("ภาษาที่ผู้แจ้งใช้ / Source's language", _LANGUAGE.get(tip.language, tip.language)),
        ("รายการในชุดไฟล์ส่งออก / Bundle item", f"{tip.bundle_name}: {tip.item.path}"),
        ("เปิดเมื่อ / Opened on", tip.opened_on),
    ]


def message_or_pointer(tip: Tip) -> str:
    """Return the message, or where to read it when it is too long to print."""
    if tip.message is None:
        return (
            f"(ข้อความยาวเกินกว่าจะพิมพ์ในรายงาน ดูไฟล์ / too long to print here, see) {tip.message_file}"
        )
    return tip.message or "(ไม่มีข้อความ / no message)"


def tip_text(tip: Tip) -> str:
    """Return the plain-text report of one tip."""
    lines = [TITLE, "=" * 40, ""]
    for label, value in about(tip):
        lines.append(f"{label}: {value}")
    lines += ["", "ข้อมูลที่แจ้ง / Details reported", "-" * 40]
    for label, value in fields.rows(tip.fields):
        lines.append(f"{label}:")
        lines += [f"    {line}" for line in value.splitlines() or [""]]
    lines += ["", "ข้อความ / Message", "-" * 40, message_or_pointer(tip), ""]
    lines.append(_AS_SENT)
    return plain("\n".join(lines)) + "\n"


def tip_document(tip: Tip) -> Document:
    """Return the report of one tip as a document (what the window prints)."""
    return Document(
        TITLE,
        f"ผู้แจ้ง / Source: {tip.item.source} · วันที่ส่ง / Submitted: {fields.date_both_eras(tip.date)}",
        (
            Section("", tuple(about(tip))),
            Section("ข้อมูลที่แจ้ง / Details reported", tuple(fields.rows(tip.fields))),
            Section("ข้อความ / Message", text=message_or_pointer(tip)),
        ),
        _AS_SENT,
    )


def tip_html(tip: Tip) -> str:
    """Return the printable HTML report of one tip."""
    return page(
        f"{TITLE}: {tip.item.source}",
        [
            f"<h1>{escape(TITLE)}</h1>\n",
            _table(about(tip)),
            "<h2>ข้อมูลที่แจ้ง / Details reported</h2>\n",
            _table(fields.rows(tip.fields)),
            "<h2>ข้อความ / Message</h2>\n",
            f"<pre>{escape(message_or_pointer(tip))}</pre>\n",
            f"<p>{_AS_SENT}</p>\n",
        ],
    )


def _both(key: str, detail: str = "") -> str:
    english, thai = MESSAGES[key]
    return f"{thai} / {english}".format(detail=detail)


def _link(path: Path, text: str) -> str:
    return f'<a href="{escape(quote(path.as_posix()))}">{escape(text)}</a>'


def _item_row(result: ItemResult) -> str:
    item = result.item
    kind = _KIND.get(item.kind, item.kind) if item else ""
    if not result.ok:
        what = f'<span class="bad">{escape(_both(result.reason, result.detail))}</span>'
        return (
            f"<tr><td>{escape(item.number if item else '')}</td><td>{escape(kind)}</td>"
            f'<td colspan="3">{what}</td></tr>\n'
        )
    links = []
    for path in result.outputs:
        # A risky file is not linked: one click in a browser should never run it.
        links.append(escape(path.name) if result.risks else _link(path, path.name))
    notes = [f'<span class="bad">⚠ {escape(_both(r))}</span>' for r in sorted(result.risks)]
    if result.cleaned is not None:
        # The cleaned copy has the same content type: linked only when the original is.
        cleaned = result.cleaned.name
        shown = escape(cleaned) if result.risks else _link(result.cleaned, cleaned)
        notes.append("ล้างข้อมูลแฝงแล้ว / cleaned: " + shown)
    elif result.clean_problem:
        notes.append(f"ยังไม่ได้ล้างข้อมูลแฝง / not cleaned: {escape(result.clean_problem)}")
    if result.original_name:
        notes.append(f"ชื่อเดิม / original name: {escape(result.original_name)}")
    if result.content_type:
        notes.append(f"ประเภทที่แจ้ง / declared type: {escape(result.content_type)}")
    return (
        f'<tr><td class="n">{escape(item.number if item else "")}</td><td>{escape(kind)}</td>'
        f'<td>{"<br>".join(links)}</td><td class="n">{escape(result.date)}</td>'
        f"<td>{result.size:,} B<br>{'<br>'.join(notes)}</td></tr>\n"
    )


def _identity_section(results: Sequence[ItemResult]) -> str:
    """List identity items apart from the cases (decision 096): withheld, or opened on request."""
    rows = []
    for r in results:
        source = r.item.source if r.item else ""
        if r.withheld:
            what = escape(_both("identity_withheld"))
        else:
            what = " ".join(_link(p, p.name) for p in r.outputs)
        rows.append(f"<tr><td>{escape(source)}</td><td>{what}</td></tr>\n")
    return (
        f'<h2 class="warn">{escape(_both("identity_heading"))}</h2>\n'
        "<table>\n<tr><th>ผู้แจ้ง / Source</th><th>ไฟล์ / Files</th></tr>\n"
        + "".join(rows)
        + "</table>\n"
    )


def index_html(
    bundle_name: str,
    created: str,
    instance: str,
    opened_on: str,
    results: Sequence[ItemResult],
    cleaning: str,
) -> str:
    """Return the index page of everything opened (and everything that failed)."""
    failed = [r for r in results if not r.ok]
    body = [
        f"<h1>{escape(instance or 'WE STRONG Drop')}: {escape(bundle_name)}</h1>\n",
        _table(
            [
                ("ชุดไฟล์ส่งออก / Bundle", bundle_name),
                ("ส่งออกเมื่อ / Exported on", created),
                ("เปิดเมื่อ / Opened on", opened_on),
                ("รายการ / Items", f"{len(results) - len(failed)} / {len(results)}"),
                ("ข้อมูลแฝง / Metadata", cleaning),
            ]
        ),
        '<p class="warn">ไฟล์ที่มีเครื่องหมาย ⚠ อาจเป็นอันตราย จึงไม่มีลิงก์ให้คลิก '
        "เปิดเฉพาะเมื่อจำเป็นและบนเครื่องนี้เท่านั้น / Files marked ⚠ may be dangerous and are "
        "not linked: open them only if you must, and only on this offline machine.</p>\n",
    ]
    if failed:
        heading = _both("summary_failed", str(len(failed)))
        body.append(f'<h2 class="bad">{escape(heading)}</h2>\n')
        body.append(_table([(r.label, _both(r.reason, r.detail)) for r in failed], css="failed"))
    folders: dict[str, list[ItemResult]] = {}
    identity = [r for r in results if r.ok and r.item is not None and r.item.kind == "identity"]
    for result in results:
        if result.item is not None and result not in identity:
            folders.setdefault(result.folder, []).append(result)
    for folder, items in folders.items():
        source = items[0].item.source if items[0].item else folder
        body.append(
            f"<h2>ผู้แจ้ง / Source: {escape(source)} "
            f"({_link(Path(folder), folder + '/')})</h2>\n<table>\n"
            "<tr><th>#</th><th>ประเภท / Kind</th><th>ไฟล์ / Files</th>"
            "<th>วันที่ / Date</th><th>รายละเอียด / Details</th></tr>\n"
        )
        body.extend(_item_row(r) for r in items)
        body.append("</table>\n")
    if identity:
        body.append(_identity_section(identity))
    return page(f"WE STRONG Drop: {bundle_name}", body)
