"""Print a document (the report, the complaint report, the summary) through GTK's print
dialog on A4, laid out like its HTML page: the running header and "page n / N" on every page,
numbered section headings kept with what follows, labels in bold above their values.

Pango draws it, so Thai is shaped and broken between words as on screen (decision 086).
Imports only the document model and GTK: the test runs it under Debian's Python.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from workstation.document import Document
from workstation.window.toolkit import Gtk, Pango, PangoCairo

_FONT = "Sans"
_SIZES = {"title": 14, "heading": 12, "label": 9.5, "value": 10.5, "header": 8.5}
_INDENT = 12.0  # points: values sit under their label, a little in
_GAP = {"title": 8.0, "heading": 3.0, "label": 0.0, "value": 5.0}
_BAND = 32.0  # points at the top of each page for the running header (two lines at most)
_FOOT = 16.0  # points at the bottom for "page n / N"


@dataclass(frozen=True)
class _Line:
    line: Any  # a Pango.LayoutLine
    x: float
    height: float  # points
    baseline: float  # from the line's top, points
    keep: bool  # a heading or label: never the last line of a page
    gap: float  # space after the line (the block's last line), points


def _layout(context: Any, text: str, size: float, bold: bool, width: float) -> Any:
    layout = context.create_pango_layout()
    font = Pango.FontDescription.from_string(f"{_FONT} {'Bold ' if bold else ''}{size}")
    layout.set_font_description(font)
    layout.set_width(int(width * Pango.SCALE))
    layout.set_wrap(Pango.WrapMode.WORD_CHAR)
    layout.set_text(text, -1)
    return layout


def _lines(context: Any, doc: Document, width: float) -> list[_Line]:
    blocks: list[tuple[str, str]] = [("title", doc.title)]
    for section in doc.sections:
        if section.title:
            blocks.append(("heading", section.title))
        for label, value in section.rows:
            blocks += [("label", label), ("value", value)]
        if section.text is not None:
            blocks.append(("value", section.text))
    if doc.footer:
        blocks.append(("value", doc.footer))
    out: list[_Line] = []
    for kind, text in blocks:
        x = _INDENT if kind == "value" else 0.0
        layout = _layout(context, text or " ", _SIZES[kind], kind != "value", width - x)
        lines = []
        iterator = layout.get_iter()
        while True:
            top, bottom = iterator.get_line_yrange()
            lines.append(
                _Line(
                    iterator.get_line_readonly(),
                    x,
                    (bottom - top) / Pango.SCALE,
                    (iterator.get_baseline() - top) / Pango.SCALE,
                    kind != "value",
                    0.0,
                )
            )
            if not iterator.next_line():
                break
        last = lines[-1]
        lines[-1] = _Line(last.line, last.x, last.height, last.baseline, last.keep, _GAP[kind])
        out += lines
    return out


def paginate(lines: list[_Line], page_height: float) -> list[list[tuple[_Line, float]]]:
    """Place lines on pages below the header band; return each page's (line, top) pairs."""
    pages: list[list[tuple[_Line, float]]] = [[]]
    y = _BAND
    for index, line in enumerate(lines):
        need = line.height
        if line.keep and index + 1 < len(lines):
            need += line.gap + lines[index + 1].height  # keep a heading with its next line
        if pages[-1] and y + need > page_height:
            pages.append([])
            y = _BAND
        pages[-1].append((line, y))
        y += line.height + line.gap
    return pages


def operation(doc: Document) -> Any:
    """Return a print operation for `doc` on A4 (the officer may change it in the dialog)."""
    op = Gtk.PrintOperation()
    op.set_job_name(f"WE STRONG Drop: {doc.header}"[:200])
    setup = Gtk.PageSetup()
    setup.set_paper_size(Gtk.PaperSize.new(Gtk.PAPER_NAME_A4))
    for side in ("top", "bottom", "left", "right"):
        getattr(setup, f"set_{side}_margin")(16.0, Gtk.Unit.MM)
    op.set_default_page_setup(setup)
    op.set_unit(Gtk.Unit.POINTS)
    state: dict[str, Any] = {}

    def begin(_op: Any, context: Any) -> None:
        lines = _lines(context, doc, context.get_width())
        state["pages"] = paginate(lines, context.get_height() - _FOOT)
        op.set_n_pages(len(state["pages"]))

    def draw(_op: Any, context: Any, number: int) -> None:
        cairo = context.get_cairo_context()
        width = context.get_width()
        total = len(state["pages"])
        counter = f"หน้า / page {number + 1} / {total}"
        corner = _layout(context, counter, _SIZES["header"], False, width)
        corner.set_alignment(Pango.Alignment.RIGHT)
        header = _layout(context, doc.header, _SIZES["header"], False, width)
        cairo.move_to(0, 0)
        PangoCairo.show_layout(cairo, header)
        cairo.move_to(0, context.get_height() - _FOOT + 4)
        PangoCairo.show_layout(cairo, corner)
        cairo.set_line_width(0.6)
        cairo.move_to(0, _BAND - 6)
        cairo.line_to(width, _BAND - 6)
        cairo.stroke()
        for line, top in state["pages"][number]:
            cairo.move_to(line.x, top + line.baseline)
            PangoCairo.show_layout_line(cairo, line.line)

    op.connect("begin-print", begin)
    op.connect("draw-page", draw)
    return op


def print_dialog(doc: Document, parent: Any) -> None:
    """Print `doc` through the system's print dialog (a USB printer, or to a file)."""
    operation(doc).run(Gtk.PrintOperationAction.PRINT_DIALOG, parent)


def export_pdf(doc: Document, path: Path) -> None:
    """Print `doc` to a PDF file without a dialog: exactly what the printer would get."""
    op = operation(doc)
    op.set_export_filename(str(path))
    op.run(Gtk.PrintOperationAction.EXPORT, None)
