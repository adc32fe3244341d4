"""GTK 3 for the window, loaded in one place (PyGObject ships no type hints: all is Any here).

GTK draws text with Pango, which shapes Thai (vowels and tone marks stacked correctly) and
breaks Thai lines between words with libthai (decision 020).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import gi

gi.require_version("Gtk", "3.0")
gi.require_version("Gdk", "3.0")
gi.require_version("Pango", "1.0")
gi.require_version("PangoCairo", "1.0")

from gi.repository import Gdk, Gio, GLib, Gtk, Pango, PangoCairo  # noqa: E402

__all__ = ["CSS", "GLib", "Gdk", "Gio", "Gtk", "Pango", "PangoCairo", "in_background", "style"]

CSS = b"""
window, label, button, entry, checkbutton, textview { font-size: 15pt; }
.title { font-size: 22pt; font-weight: bold; }
.big { font-size: 20pt; font-family: monospace; }
.warning-banner { background-color: #b00020; color: #ffffff; padding: 12px; }
.warning-banner label { color: #ffffff; font-weight: bold; }
.problem { color: #b00020; font-weight: bold; }
"""


def style() -> None:
    """Apply the window's large, readable type to the whole application."""
    provider = Gtk.CssProvider()
    provider.load_from_data(CSS)
    screen = Gdk.Screen.get_default()
    Gtk.StyleContext.add_provider_for_screen(
        screen, provider, Gtk.STYLE_PROVIDER_PRIORITY_APPLICATION
    )


def in_background(
    work: Callable[[], Any],
    done: Callable[[Any], None],
    failed: Callable[[BaseException], None],
) -> threading.Thread:
    """Run `work` on a thread, then `done(result)` or `failed(exception)` on GTK's thread."""

    def run() -> None:
        try:
            result = work()
        except BaseException as exc:  # handed to the window, which shows it
            GLib.idle_add(_once(failed, exc))
        else:
            GLib.idle_add(_once(done, result))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def _once(function: Callable[[Any], None], value: Any) -> Callable[[], bool]:
    def call() -> bool:
        function(value)
        return False  # an idle callback that returns False runs once

    return call
