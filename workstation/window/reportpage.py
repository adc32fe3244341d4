"""Read what was opened: the summary, each item, each report; print a report; the index page.

Risky files are listed with their warning and without any way to open them from here.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from workstation import names, task
from workstation.results import ItemResult
from workstation.window.texts import Translated
from workstation.window.toolkit import Gio, Gtk, Pango, PangoCairo

_PRINT_FONT = "Sans 11"


class ReportPage:
    """The "read and print" tab, filled by `show_opened`."""

    def __init__(self, t: Translated) -> None:
        self.t = t
        self.opened: task.Opened | None = None
        self.out: Path | None = None
        self.shown_text = ""
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10, margin=20)
        self.widget = box
        self.empty = t.label("win_no_report")
        box.pack_start(self.empty, False, False, 0)
        buttons = Gtk.Box(spacing=10)
        self.index_button = t.button("win_open_index")
        self.index_button.connect("clicked", lambda _b: self.open_index())
        self.print_button = t.button("win_print")
        self.print_button.connect("clicked", lambda _b: self.print_report())
        buttons.pack_start(self.index_button, False, False, 0)
        buttons.pack_start(self.print_button, False, False, 0)
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
        readable = [p for p in result.outputs if p.suffix == ".txt"]
        if result.ok and not result.risks and readable:
            button = self.t.button("win_read")
            path = readable[-1]  # a message's report-NNNN.txt, or a reply's text
            button.connect("clicked", lambda _b: self.read(path))
            box.pack_start(button, False, False, 0)
        return box

    def read(self, relative: Path) -> str:
        """Show one opened text file (a report, a reply) in the reading pane."""
        assert self.out is not None  # noqa: S101 (rows exist only once something opened)
        text = (self.out / relative).read_text(encoding="utf-8", errors="replace")
        self.show_text(text)
        return text

    def show_text(self, text: str) -> None:
        """Put text in the reading pane; it is also what Print prints."""
        self.shown_text = text
        self.view.get_buffer().set_text(text)

    def open_index(self) -> None:
        """Open index.html in the system's web browser (a local file: nothing goes online)."""
        if self.opened is not None:
            Gio.AppInfo.launch_default_for_uri(self.opened.index.as_uri(), None)

    def print_operation(self) -> Any:
        """Return a print operation for the text in the reading pane, laid out by Pango."""
        operation = Gtk.PrintOperation()
        operation.set_job_name("WE STRONG Drop")
        state: dict[str, Any] = {}

        def begin(op: Any, context: Any) -> None:
            layout = context.create_pango_layout()
            layout.set_font_description(Pango.FontDescription.from_string(_PRINT_FONT))
            layout.set_width(int(context.get_width() * Pango.SCALE))
            layout.set_wrap(Pango.WrapMode.WORD_CHAR)
            layout.set_text(self.shown_text, -1)
            page_height = context.get_height() * Pango.SCALE
            pages: list[list[Any]] = [[]]
            used = 0
            iterator = layout.get_iter()
            while True:
                line = iterator.get_line_readonly()
                top, bottom = iterator.get_line_yrange()
                if used and bottom - used > page_height:
                    pages.append([])
                    used = top
                pages[-1].append((line, iterator.get_baseline() - used))
                if not iterator.next_line():
                    break
            state["pages"] = pages
            op.set_n_pages(len(pages))

        def draw(_op: Any, context: Any, number: int) -> None:
            cairo = context.get_cairo_context()
            for line, baseline in state["pages"][number]:
                cairo.move_to(0, baseline / Pango.SCALE)
                PangoCairo.show_layout_line(cairo, line)

        operation.connect("begin-print", begin)
        operation.connect("draw-page", draw)
        return operation

    def print_report(self) -> None:
        """Print the reading pane through the system's print dialog (a USB printer)."""
        operation = self.print_operation()
        operation.run(Gtk.PrintOperationAction.PRINT_DIALOG, self.widget.get_toplevel())

    def export_pdf(self, path: Path) -> None:
        """Print the reading pane to a PDF file, without a dialog (what Print would send)."""
        operation = self.print_operation()
        operation.set_export_filename(str(path))
        operation.run(Gtk.PrintOperationAction.EXPORT, None)
