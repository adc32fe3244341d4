"""The organisation's name and logo (instance settings) on every page of both apps."""

from __future__ import annotations

import base64

from flask import Flask, Response, abort

from webcommon.settings import current

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_LOGO_BYTES = 256 * 1024


def is_png(data: bytes) -> bool:
    """Say whether bytes start like a PNG (the only logo format accepted)."""
    return data.startswith(PNG_MAGIC) and len(data) <= MAX_LOGO_BYTES


def logo() -> Response:
    """Serve the logo from the settings (same origin, so the strict CSP allows it)."""
    encoded = current().logo_png
    if not encoded:
        abort(404)
    return Response(base64.b64decode(encoded), mimetype="image/png")


def init_branding(app: Flask) -> None:
    """Add /logo.png and the organisation name to templates."""
    app.add_url_rule("/logo.png", "logo", logo)

    @app.context_processor
    def branding() -> dict[str, object]:
        settings = current()
        return {"organisation": settings.organisation, "has_logo": bool(settings.logo_png)}
