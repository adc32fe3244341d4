"""SVG to PNG with Debian's headless Chromium, offline (decision 063).

Chromium shapes Thai text correctly (cairosvg draws glyphs without shaping, so tone marks and
vowels collide). The SVG is ours, self-contained (no external references), written with an HTML
wrapper to a private temporary folder and opened from file://; Chromium runs with networking
features off and a throwaway profile, and the folder is deleted afterwards. Nothing in it is
what a source wrote.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",  # may run as root in tests; the input is our own SVG
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--hide-scrollbars",
    "--default-background-color=ffffffff",
]


class RenderError(Exception):
    """Chromium is missing or did not produce an image."""


def chromium() -> str | None:
    """Return the path of Chromium, or None when it is not installed."""
    return shutil.which("chromium")


def svg_to_png(svg: str, width: int, height: int, timeout: float = 60) -> bytes:
    """Return a PNG of width x height pixels of the SVG drawn to fill it."""
    binary = chromium()
    if binary is None:
        raise RenderError("chromium is not installed")
    with tempfile.TemporaryDirectory(prefix="westrong-png-") as folder:
        root = Path(folder)
        (root / "image.svg").write_text(svg, encoding="utf-8")
        (root / "page.html").write_text(
            '<!doctype html><html><body style="margin:0">'
            f'<img src="image.svg" width="{width}" height="{height}" alt=""></body></html>',
            encoding="utf-8",
        )
        out = root / "out.png"
        command = [
            binary,
            *FLAGS,
            f"--user-data-dir={root / 'profile'}",
            f"--window-size={width},{height}",
            f"--screenshot={out}",
            (root / "page.html").as_uri(),
        ]
        done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)  # noqa: S603
        if not out.is_file():
            raise RenderError(f"chromium exited {done.returncode} without an image")
        return out.read_bytes()
