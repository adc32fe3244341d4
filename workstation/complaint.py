"""The complaint report: a tip laid out in the order the commission asks a written complaint
to follow (decision 085), on A4, with Thai and English labels, to file a tip formally.

The accused (name, position, agency); the type of offence; what happened, with dates and
place; evidence or where it is; witnesses; whether it was reported elsewhere and the result.
Every field has its place whether or not the source filled it in: an empty one reads
"not given", so a reader can tell "not asked" from "not answered".
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from workstation import fields, report
from workstation.document import Document, Section
from workstation.results import ItemResult

__all__ = ["Document", "Section", "document", "html"]

TITLE = (
    "หนังสือกล่าวหาการทุจริต (ตามลำดับหัวข้อของสำนักงาน ป.ป.ช.) / "
    "Complaint of corruption (in the commission's order)"
)
_LABELS = {key: f"{thai} / {english}" for key, thai, english in fields.FIELDS}
# (section title, the fields it holds, in this order)
ORDER: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        "1. ผู้ถูกกล่าวหา / The accused",
        ("official_name", "official_position", "agency"),
    ),
    ("2. ประเภทของการกระทำความผิด / Type of offence", ("wrongdoing", "amount_baht")),
    (
        "3. ข้อเท็จจริงและพฤติการณ์ วัน เวลา สถานที่ / What happened, when and where",
        ("when_kind", "when_from", "when_to", "province", "district"),
    ),
    ("4. พยานหลักฐาน หรือแหล่งที่อยู่ของหลักฐาน / Evidence, or where it is", ("evidence_location",)),
    ("5. พยานบุคคล / Witnesses", ("witnesses",)),
    (
        "6. การแจ้งต่อหน่วยงานอื่นและผล / Reported elsewhere, and the result",
        ("reported_before", "reported_before_result"),
    ),
    (
        "7. ข้อมูลอื่นจากผู้แจ้ง / Other details from the source",
        ("risk", "wants_protection", "wants_contact"),
    ),
)
_FILES = "ไฟล์ที่ผู้แจ้งรายนี้ส่งมาในชุดไฟล์ส่งออกนี้ / Files this source sent, in this bundle"
_NO_FILES = "ไม่มี / none"
_RISKY = "⚠ อาจเป็นอันตราย ดู index.html / may be dangerous, see index.html"
_OFFICER = (
    ("ผู้รับเรื่อง (ชื่อ ตำแหน่ง) / Received by (name, position)", "…………………………………………"),
    ("ลงชื่อ / Signature", "…………………………………………"),
    ("วันที่ / Date", "…………………………………………"),
)
_STYLE = """
@page{size:A4;margin:18mm 16mm 18mm 16mm;
@bottom-right{content:"หน้า / page " counter(page) " / " counter(pages);font-size:9pt}}
body{font-family:"Noto Sans Thai","Sarabun","TH Sarabun New",Loma,Garuda,sans-serif;
margin:0;line-height:1.35;color:#000;font-size:10.5pt}
table.sheet{width:100%;border-collapse:collapse}
table.sheet>*>tr>td{padding:0}
p.last{margin:3mm 0 0}
.running{font-size:9pt;border-bottom:1px solid #000;padding-bottom:2mm;margin-bottom:4mm}
h1{font-size:15pt;margin:0 0 3mm}
h2{font-size:11.5pt;margin:4mm 0 1mm;break-after:avoid}
section{break-inside:avoid}
section.long{break-inside:auto}
section.new{break-before:page}
dl{margin:0}
.field{break-inside:avoid;border-left:2px solid #555;padding:0 0 0 3mm;margin:0 0 1.5mm}
dt{font-weight:bold;font-size:9.5pt}
dd{margin:0;white-space:pre-wrap;overflow-wrap:anywhere}
pre{white-space:pre-wrap;overflow-wrap:anywhere;border:1px solid #555;padding:2mm;margin:1mm 0;
font-family:inherit}
@media screen{body{max-width:62rem;margin:1.5rem auto;padding:0 1rem}}
"""


def files_of(message: ItemResult, results: Sequence[ItemResult]) -> list[ItemResult]:
    """Return the opened files of the message's source (the bundle cannot say which of a
    source's files came with which of its messages)."""
    return [
        r
        for r in results
        if r.ok and r.item is not None and r.item.kind == "file" and r.folder == message.folder
    ]


def layouts(message: ItemResult, out: Path, results: Sequence[ItemResult]) -> dict[str, Document]:
    """Return an opened message's printable layouts, "report" and "complaint" (what the
    window prints), its text read back from the output folder `out`."""
    if message.tip is None or not message.outputs:
        return {}
    tip = report.with_message(message.tip, out / message.outputs[0])
    return {
        "report": report.tip_document(tip),
        "complaint": document(tip, files_of(message, results)),
    }


def files_row(files: Sequence[ItemResult]) -> str:
    """List the source's opened files (the evidence it sent): name, size, a danger note."""
    lines = []
    for result in files:
        if result.outputs:
            note = f" {_RISKY}" if result.risks else ""
            lines.append(f"{result.outputs[0].as_posix()} ({result.size:,} B){note}")
    return "\n".join(lines) or _NO_FILES


def document(tip: report.Tip, files: Sequence[ItemResult] = ()) -> Document:
    """Return the complaint report of one tip (a message item) as a document; `files` are
    the files the same source sent that opened from this bundle."""
    given = tip.fields if isinstance(tip.fields, dict) else {}
    shown = dict(fields.rows(given))
    sections = []
    for title, keys in ORDER:
        rows = tuple((_LABELS[key], shown[_LABELS[key]]) for key in keys)
        if title.startswith("3."):
            message = report.message_or_pointer(tip)
            sections.append(Section(title, rows, text=message))
            continue
        if title.startswith("4."):
            rows += ((_FILES, files_row(files)),)
        if title.startswith("7."):
            rows += tuple((k, v) for k, v in shown.items() if k.startswith("ข้อมูลอื่น"))
        sections.append(Section(title, rows))
    sections.append(
        Section(
            "8. ที่มาของเรื่อง / Where this tip came from",
            tuple(report.about(tip)),
        )
    )
    sections.append(Section("9. สำหรับเจ้าหน้าที่ / For the officer", _OFFICER))
    header = (
        f"กรณี / Case: {tip.item.source} · "
        f"ส่งเมื่อ / Submitted: {fields.date_both_eras(tip.date) or 'ไม่ทราบ / unknown'} · "
        f"หน่วยงานผู้รับเรื่อง / Desk: {tip.item.desk}"
    )
    footer = "ข้อความของผู้แจ้งคงไว้ตามที่ส่งมาโดยไม่มีการแก้ไข / The source's words are as sent, unedited."
    return Document(TITLE, header, tuple(sections), footer)


def _section_html(section: Section) -> str:
    css = ["long"] if section.text is not None else []
    if section.new_page:
        css.append("new")
    parts = [f'<section class="{" ".join(css)}">\n<h2>{report.escape(section.title)}</h2>\n']
    if section.rows:
        # One field under another, label above value: a narrow label column would wrap
        # both, and a value is the source's text, often several lines long.
        cells = "".join(
            f'<div class="field"><dt>{report.escape(k)}</dt><dd>{report.escape(v)}</dd></div>\n'
            for k, v in section.rows
        )
        parts.append(f"<dl>\n{cells}</dl>\n")
    if section.text is not None:
        parts.append(f"<pre>{report.escape(section.text)}</pre>\n")
    parts.append("</section>\n")
    return "".join(parts)


def html(doc: Document) -> str:
    """Return the document as a printable A4 page; its header repeats on every page.

    The header is a table's <thead>, which browsers repeat on each printed page; not a CSS
    margin box, whose content would have to be the case's name inside a CSS string.
    """
    body = [
        '<table class="sheet">\n<thead><tr><td><div class="running">',
        report.escape(doc.header),
        "</div></td></tr></thead>\n<tbody><tr><td>\n",
        f"<h1>{report.escape(doc.title)}</h1>\n",
        *(_section_html(s) for s in doc.sections),
        f'<p class="last">{report.escape(doc.footer)}</p>\n',
        "</td></tr></tbody>\n</table>\n",
    ]
    return report.page(doc.title, body, _STYLE)
