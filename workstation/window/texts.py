"""Widgets whose text follows the chosen language: switching relabels every one of them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from workstation.strings import Texts
from workstation.window.toolkit import Gtk


class Translated:
    """Make labels and buttons from message keys, and relabel them all on a language switch."""

    def __init__(self, language: str) -> None:
        self.texts = Texts(language)
        self._widgets: list[tuple[Callable[[str], None], str, dict[str, object]]] = []

    def __call__(self, key: str, **values: object) -> str:
        """Return a message in the current language."""
        return self.texts(key, **values)

    def bind(self, setter: Callable[[str], None], key: str, **values: object) -> None:
        """Set a text now with `setter` and again after every language switch."""
        # One binding per widget and setter: the widget itself, not method equality, decides.
        owner = getattr(setter, "__self__", setter)
        name = getattr(setter, "__name__", "")
        self._widgets = [
            w
            for w in self._widgets
            if getattr(w[0], "__self__", w[0]) is not owner or getattr(w[0], "__name__", "") != name
        ]
        self._widgets.append((setter, key, values))
        setter(self.texts(key, **values))

    def label(self, key: str, css: str = "", **values: object) -> Any:
        """Return a left-aligned, wrapping label showing message `key`."""
        label = Gtk.Label(xalign=0.0)
        label.set_line_wrap(True)
        label.set_selectable(False)
        if css:
            label.get_style_context().add_class(css)
        self.bind(label.set_text, key, **values)
        return label

    def button(self, key: str, **values: object) -> Any:
        """Return a button showing message `key`."""
        button = Gtk.Button()
        self.bind(button.set_label, key, **values)
        return button

    def switch(self, language: str) -> None:
        """Change the language and relabel every bound widget."""
        self.texts = Texts(language)
        for setter, key, values in self._widgets:
            setter(self.texts(key, **values))
