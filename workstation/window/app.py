"""The window: three tabs (key, open, report), a language switch, the offline warning."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

from workstation import network, task
from workstation.strings import LANGUAGES, language_from_env
from workstation.window.keypage import KeyPage
from workstation.window.openpage import OpenPage
from workstation.window.reportpage import ReportPage
from workstation.window.texts import Translated
from workstation.window.toolkit import GLib, Gtk, style

APPLICATION = "westrong-workstation"
_NETWORK_CHECK_MS = 3000


class Window:
    """The workstation's main window. `interfaces` lists the network interfaces that are up."""

    def __init__(
        self,
        language: str,
        home: Path | None = None,
        interfaces: Callable[[], list[str]] = network.interfaces_up,
    ) -> None:
        self.language = language
        self.interfaces = interfaces
        self.t = Translated(language)
        home = home or Path.home()
        self.window = Gtk.Window()
        self.window.set_default_size(1100, 980)
        self.window.connect("destroy", lambda _w: Gtk.main_quit())
        self.t.bind(self.window.set_title, "win_title")
        outer = Gtk.Box(orientation=Gtk.Orientation.VERTICAL)
        top = Gtk.Box(spacing=10, margin=12)
        top.pack_start(self.t.label("win_title", css="title"), True, True, 0)
        self.language_button = self.t.button("win_switch_language")
        self.language_button.connect("clicked", lambda _b: self.switch_language())
        top.pack_end(self.language_button, False, False, 0)
        outer.pack_start(top, False, False, 0)
        self.banner = Gtk.Box(margin=0)
        self.banner.get_style_context().add_class("warning-banner")
        self.banner_label = self.t.label("network_up", detail="")
        self.banner.pack_start(self.banner_label, True, True, 0)
        outer.pack_start(self.banner, False, False, 0)
        self.notebook = Gtk.Notebook()
        self.keys = KeyPage(self.t, home)
        self.report = ReportPage(self.t)
        self.opener = OpenPage(self.t, home, self.interfaces, self._opened)
        for page, key in (
            (self.keys, "win_tab_key"),
            (self.opener, "win_tab_open"),
            (self.report, "win_tab_report"),
        ):
            tab = Gtk.Label()
            self.t.bind(tab.set_text, key)
            scroller = Gtk.ScrolledWindow()
            scroller.add(page.widget)
            self.notebook.append_page(scroller, tab)
        outer.pack_start(self.notebook, True, True, 0)
        self.window.add(outer)

    def show(self) -> None:
        """Show the window and start watching the network."""
        self.window.show_all()
        for page in (self.keys, self.opener, self.report):
            page.show()
        self.check_network()
        GLib.timeout_add(_NETWORK_CHECK_MS, self.check_network)

    def check_network(self) -> bool:
        """Show the red banner while an interface other than loopback is up."""
        up = self.interfaces()
        if up:
            self.t.bind(self.banner_label.set_text, "network_up", detail=", ".join(up))
        self.banner.set_visible(bool(up))
        self.opener.refresh_network()
        return True  # keep the timer

    def switch_language(self) -> None:
        """Switch between Thai and English."""
        self.language = LANGUAGES[1] if self.language == LANGUAGES[0] else LANGUAGES[0]
        self.t.switch(self.language)

    def show_page(self, index: int) -> None:
        """Bring a tab to the front (0 key, 1 open, 2 report)."""
        self.notebook.set_current_page(index)

    def _opened(self, opened: task.Opened) -> None:
        self.report.show_opened(opened)
        self.show_page(2)


def main(language: str) -> int:
    """Run the window until it is closed."""
    GLib.set_prgname(APPLICATION)
    style()
    window = Window(language)
    window.show()
    Gtk.main()
    return 0


def run() -> None:
    """GUI script `westrong-workstation-window`: the window in $WESTRONG_LANG (Thai by default)."""
    sys.exit(main(language_from_env()))
