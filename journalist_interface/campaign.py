"""The campaign kit: an A4 poster and a square social-media image (SVG), drawn from the
instance settings in Thai or English, with the onion address in full and as a QR code."""

from __future__ import annotations

import textwrap

import qrcode
from flask_babel import force_locale
from flask_babel import gettext as _
from markupsafe import escape

from core.settings import Settings

FONT = "Noto Sans Thai, Noto Sans, Tahoma, Leelawadee UI, Thonburi, sans-serif"
MONO = "DejaVu Sans Mono, Noto Sans Mono, monospace"
ACCENT = "#0b5d56"
# (width, height) in the SVG's units: millimetres for the A4 poster, pixels for the square.
SIZES = {"poster": (210, 297), "square": (1080, 1080)}
PIXELS = {"poster": (1240, 1754), "square": (1080, 1080)}  # PNG: A4 at 150 dpi; 1080 square


def onion_url(address: str) -> str:
    """Return the address Tor Browser opens (http: onion services are end-to-end encrypted)."""
    address = address.strip().removeprefix("http://").rstrip("/")
    return f"http://{address}"


def _qr(data: str, x: float, y: float, size: float) -> str:
    """Return the QR code as one SVG path of its dark modules (quiet zone included)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4)
    code.add_data(data)
    code.make(fit=True)
    matrix = code.get_matrix()
    cell = size / len(matrix)
    path = "".join(
        f"M{x + c * cell:.3f},{y + r * cell:.3f}h{cell:.3f}v{cell:.3f}h{-cell:.3f}z"
        for r, row in enumerate(matrix)
        for c, dark in enumerate(row)
        if dark
    )
    return (
        f'<rect x="{x}" y="{y}" width="{size}" height="{size}" fill="#ffffff"/>'
        f'<path d="{path}" fill="#000000"/>'
    )


def _lines(text: str, width: int) -> list[str]:
    return textwrap.wrap(text, width=width, break_long_words=False) or [""]


def _text(
    x: float, y: float, size: float, text: str, width: int, **attrs: str
) -> tuple[str, float]:
    extra = "".join(f' {k.replace("_", "-")}="{escape(v)}"' for k, v in attrs.items())
    out, line = [], y
    for part in _lines(text, width):
        out.append(f'<text x="{x}" y="{line:.2f}" font-size="{size}"{extra}>{escape(part)}</text>')
        line += size * 1.45
    return "".join(out), line


def texts(settings: Settings, language: str) -> dict[str, object]:
    """Return the kit's words in a language."""
    with force_locale(language):
        return {
            "title": _("Report corruption safely"),
            "lead": _(
                "Tell anti-corruption officers what you have seen, "
                "without telling them who you are."
            ),
            "address": _("Open this address in Tor Browser:"),
            "tor": _(
                "Get Tor Browser from torproject.org (Android: Google Play or F-Droid). "
                "On iPhone, use Onion Browser from the App Store."
            ),
            "rules_title": _("Three rules for reporting safely"),
            "rules": [
                _(
                    "Use Tor Browser with its security level set to “Safest”. "
                    "This site works without JavaScript."
                ),
                _("Do not use a work computer, a work phone or your workplace's network."),
                _("Do not tell anyone that you have reported."),
            ],
            "no_address": _("(the onion address is not set yet: an admin sets it in the settings)"),
        }  # fmt: skip


def _logo(settings: Settings, x: float, y: float, size: float) -> str:
    if not settings.logo_png:
        return ""
    return (
        f'<image x="{x}" y="{y}" width="{size}" height="{size}" '
        f'href="data:image/png;base64,{settings.logo_png}"/>'
    )


def svg(kind: str, settings: Settings, language: str) -> str:
    """Return the poster ("poster", A4) or the square image ("square") as an SVG file."""
    words = texts(settings, language)
    width, height = SIZES[kind]
    unit = width / 210  # poster text sizes are in millimetres; the square scales them
    address = settings.onion_address.strip()
    url = onion_url(address) if address else ""
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n',
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" ',
        f'width="{width}{"mm" if kind == "poster" else ""}" '
        f'height="{height}{"mm" if kind == "poster" else ""}" font-family="{FONT}" '
        f'fill="#1c2430" lang="{language}">',
        f"<title>{escape(str(words['title']))}</title>",
        f'<rect width="{width}" height="{height}" fill="#fbfaf7"/>',
        f'<rect width="{width}" height="{14 * unit}" fill="{ACCENT}"/>',
    ]
    margin = 14 * unit
    parts.append(_logo(settings, margin, 20 * unit, 22 * unit))
    name_x = margin + (26 * unit if settings.logo_png else 0)
    block, y = _text(name_x, 34 * unit, 7 * unit, settings.organisation, 40, font_weight="bold")
    parts.append(block)
    block, y = _text(margin, max(y, 46 * unit) + 6 * unit, 10 * unit, str(words["title"]), 30,
                     font_weight="bold", fill=ACCENT)  # fmt: skip
    parts.append(block)
    square = kind == "square"
    if not square:
        block, y = _text(margin, y + 2 * unit, 6 * unit, str(words["lead"]), 52)
        parts.append(block)
    qr_size = (48 if square else 70) * unit
    if url:
        parts.append(_qr(url, (width - qr_size) / 2, y + 2 * unit, qr_size))
        y += qr_size + 10 * unit
        block, y = _text(margin, y, 5 * unit, str(words["address"]), 70)
        parts.append(block)
        half = len(address) // 2 + 1 if len(address) > 40 else len(address)
        for piece in (address[:half], address[half:]):
            if piece:
                parts.append(
                    f'<text x="{margin}" y="{y:.2f}" font-size="{6.2 * unit}" '
                    f'font-family="{MONO}" font-weight="bold">{escape(piece)}</text>'
                )
                y += 8 * unit
    else:
        block, y = _text(margin, y + 6 * unit, 5 * unit, str(words["no_address"]), 70)
        parts.append(block)
    if not square:
        block, y = _text(margin, y + 4 * unit, 5 * unit, str(words["tor"]), 70)
        parts.append(block)
    block, y = _text(margin, y + 5 * unit, 6.5 * unit, str(words["rules_title"]), 50,
                     font_weight="bold", fill=ACCENT)  # fmt: skip
    parts.append(block)
    rules = words["rules"]
    assert isinstance(rules, list)  # noqa: S101
    for n, rule in enumerate(rules, 1):
        size = 4.4 * unit if square else 5 * unit
        block, y = _text(margin, y, size, f"{n}. {rule}", 76 if square else 70)
        parts.append(block)
    parts.append("</svg>\n")
    return "".join(parts)
