"""A printable document as data: a running header, then sections of labelled rows and text.

The HTML pages (for the browser and Chromium) and the window's Print (Pango, through the
system print dialog) both draw from this, so what prints from the window has the layout of
the HTML report, not the plain text of the reading pane (decision 086).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Section:
    """One numbered part of a document: labelled values, then free text (the message)."""

    title: str
    rows: tuple[tuple[str, str], ...] = ()
    text: str | None = None
    new_page: bool = False  # start this section on a fresh page


@dataclass(frozen=True)
class Document:
    """A whole document; `header` repeats at the top of every printed page."""

    title: str
    header: str
    sections: tuple[Section, ...] = field(default_factory=tuple)
    footer: str = ""

    def plain(self) -> str:
        """Return the document as plain text (the .txt next to the .html)."""
        lines = [self.title, "=" * 40, self.header, ""]
        for section in self.sections:
            lines += [section.title, "-" * 40]
            for label, value in section.rows:
                lines.append(f"{label}:")
                lines += [f"    {line}" for line in value.splitlines() or [""]]
            if section.text is not None:
                lines.append(section.text)
            lines.append("")
        if self.footer:
            lines.append(self.footer)
        return "\n".join(lines) + "\n"


def text_document(title: str, text: str) -> Document:
    """Wrap free text (the summary) as a document of one section."""
    return Document(title, title, (Section("", text=text),))
