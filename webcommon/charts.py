"""Server-rendered SVG charts: a few lines of SVG, no library, no script (decision 062).

A chart is horizontal bars (long Thai labels fit, and it narrows to a 360 px phone through its
viewBox). Every chart is drawn next to a table with the same numbers; the SVG has a title and
a description for screen readers, and a bar with no number says why in words.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup, escape

WIDTH = 480
BAR_TOP = 56
ROW = 34
LABEL_WIDTH = 190
FONT = "Noto Sans Thai, Noto Sans, Tahoma, Leelawadee UI, Thonburi, sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, its number (None when not published) and the words shown then."""

    label: str
    value: int | float | None
    note: str = ""


def chart_size(bars: int) -> tuple[int, int]:
    """Return the width and height (viewBox units) of a chart with this many bars."""
    return WIDTH, BAR_TOP + ROW * max(1, bars) + 16


def bars(title: str, items: list[Bar], standalone: bool = False) -> Markup:
    """Return an SVG bar chart (with an XML prologue when it is a file of its own)."""
    height = chart_size(len(items))[1]
    top = max([b.value for b in items if b.value is not None] or [1]) or 1
    span = WIDTH - LABEL_WIDTH - 110
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="100%" role="img" aria-labelledby="t d" font-family="{FONT}" font-size="15">',
        f'<title id="t">{escape(title)}</title>',
        '<desc id="d">' + escape("; ".join(f"{b.label}: {_said(b)}" for b in items)) + "</desc>",
        f'<rect width="{WIDTH}" height="{height}" fill="#fbfaf7"/>',
        f'<text x="8" y="28" font-size="18" font-weight="bold" fill="#0b5d56">'
        f"{escape(title)}</text>",
    ]
    for n, bar in enumerate(items):
        y = BAR_TOP + n * ROW
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 20}" text-anchor="end" fill="#1c2430">'
            f"{escape(_clip(bar.label))}</text>"
        )
        if bar.value is None:
            parts.append(
                f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="24" height="22" fill="none" '
                'stroke="#6b7280" stroke-dasharray="4 3"/>'
                f'<text x="{LABEL_WIDTH + 32}" y="{y + 21}" fill="#4b5563">'
                f"{escape(bar.note)}</text>"
            )
            continue
        width = max(2, round(span * bar.value / top))
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y + 5}" width="{width}" height="22" fill="#0b5d56"/>'
            f'<text x="{LABEL_WIDTH + width + 6}" y="{y + 21}" fill="#1c2430">'
            f"{escape(_number(bar.value))}</text>"
        )
    parts.append("</svg>")
    svg = "".join(parts)
    if standalone:
        svg = '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"
    return Markup(svg)  # noqa: S704 (every text in it was escaped above)


def _number(value: int | float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


def _said(bar: Bar) -> str:
    return bar.note if bar.value is None else _number(bar.value)


def _clip(label: str, limit: int = 24) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"
