"""Read what was opened: the summary, each item, each report; print a report; the index page.

Risky files are listed with their warning and without any way to open them from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workstation import complaint, names, task
from workstation.document import Document, text_document
from workstation.results import ItemResult
from workstation.window import printing
from workstation.window.texts import Translated
from workstation.window.toolkit import Gio, Gtk


class ReportPage:
    """The "read and print" tab, filled by `show_opened`."""

    def __init__(self, t: Translated) -> None:
        self.t = t
        self.opened: task.Opened | None = None
        self.out: Path | None = None
        self.shown_text = ""
        self.documents: dict[str, Document] = {}  # the layouts of the report being read
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10, margin=20)
        self.widget = box
        self.empty = t.label("win_no_report")
        box.pack_start(self.empty, False, False, 0)
        buttons = Gtk.Box(spacing=10)
        self.index_button = t.button("win_open_index")
        self.index_button.connect("clicked", lambda _b: self.open_index())
        self.print_button = t.button("win_print")
        self.print_button.connect("clicked", lambda _b: self.print_report())
        self.complaint_button = t.button("win_print_complaint")
        self.complaint_button.connect("clicked", lambda _b: self.print_report("complaint"))
        buttons.pack_start(self.index_button, False, False, 0)
        buttons.pack_start(self.print_button, False, False, 0)
        buttons.pack_start(self.complaint_button, False, False, 0)
        box.pack_start(buttons, False, False, 0)
        panes = Gtk.Paned(orientation=Gtk.Orientation.HORIZONTAL)
        self.items = Gtk.ListBox()
        self.items.set_selection_mode(Gtk.SelectionMode.NONE)
        left = Gtk.ScrolledWindow()
        left.set_size_request(380, -1)
        left.add(self.items)
        self.view = Gtk.TextView(editable=False, cursor_visible=False)
        self.view.set_wrap_mode(Gtk.WrapMode.WORD_CHAR)
        self.view.set_left_margin(12)
        right = Gtk.ScrolledWindow()
        right.add(self.view)
        panes.pack1(left, False, False)
        panes.pack2(right, True, False)
        box.pack_start(panes, True, True, 0)

    def show(self) -> None:
        """Show the page; the buttons only once something was opened."""
        self.widget.show_all()
        self.empty.set_visible(self.opened is None)
        self.index_button.set_sensitive(self.opened is not None)
        self.print_button.set_sensitive(self.opened is not None)
        self.complaint_button.set_sensitive("complaint" in self.documents)

    def show_opened(self, opened: task.Opened) -> None:
        """List every item of an opened bundle and show the summary."""
        self.opened = opened
        self.out = opened.index.parent
        for row in self.items.get_children():
            self.items.remove(row)
        for result in opened.results:
            self.items.add(self._row(result))
        self.show_text("\n".join(opened.lines).strip() + "\n")
        self.show()

    def _row(self, result: ItemResult) -> Any:
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=2, margin=6)
        name = result.outputs[0].as_posix() if result.outputs else names.printable(result.label)
        box.pack_start(Gtk.Label(label=name, xalign=0.0, wrap=True), False, False, 0)
        if not result.ok:
            reason = self.t(result.reason, detail=result.detail)
            box.pack_start(
                self.t.label("win_failed_item", css="problem", detail=reason), False, False, 0
            )
        elif result.withheld:  # identity details the officer did not ask to open
            box.pack_start(self.t.label("identity_withheld", css="problem"), False, False, 0)
        elif result.risks:
            why = ", ".join(self.t(k) for k in sorted(result.risks))
            box.pack_start(self.t.label("win_risky", css="problem", detail=why), False, False, 0)
        readable = [
            p for p in result.outputs if p.suffix == ".txt" and not p.name.startswith("complaint-")
        ]
        if result.ok and not result.risks and readable:
            button = self.t.button("win_read")
            path = readable[-1]  # a message's report-NNNN.txt, or a reply's text
            button.connect("clicked", lambda _b: self.read(path, result))
            box.pack_start(button, False, False, 0)
        return box

    def read(self, relative: Path, result: ItemResult | None = None) -> str:
        """Show one opened text file (a report, a reply) in the reading pane; Print then
        prints the layouts of the message `result` (made now, from the opened files)."""
        assert self.out is not None  # noqa: S101 (rows exist only once something opened)
        text = (self.out / relative).read_text(encoding="utf-8", errors="replace")
        documents = {}
        if result is not None and self.opened is not None:
            documents = complaint.layouts(result, self.out, self.opened.results)
        self.show_text(text, documents)
        return text

    def show_text(self, text: str, documents: dict[str, Document] | None = None) -> None:
        """Put text in the reading pane; without `documents`, it is what Print prints."""
        self.shown_text = text
        self.documents = documents or {}
        self.view.get_buffer().set_text(text)
        self.complaint_button.set_sensitive("complaint" in self.documents)

    def open_index(self) -> None:
        """Open index.html in the system's web browser (a local file: nothing goes online)."""
        if self.opened is not None:
            Gio.AppInfo.launch_default_for_uri(self.opened.index.as_uri(), None)

    def printable(self, layout: str = "report") -> Document:
        """Return what Print prints: the report (or complaint report) of the item being read,
        else the text in the reading pane (the summary, a reply)."""
        if layout in self.documents:
            return self.documents[layout]
        return text_document("WE STRONG Drop", self.shown_text)

    def print_report(self, layout: str = "report") -> None:
        """Print the report's layout through the system's print dialog (a USB printer)."""
        printing.print_dialog(self.printable(layout), self.widget.get_toplevel())

    def export_pdf(self, path: Path, layout: str = "report") -> None:
        """Print to a PDF file, without a dialog (what Print would send)."""
        printing.export_pdf(self.printable(layout), path)
