"""Print, as JSON, every text the running window shows, read from its AT-SPI tree.

Run with a Python that has Debian's python3-gi, on the window's D-Bus session:
`python atspi_texts.py APPLICATION`. What a screen reader reads is what an officer sees, so
finding a label here proves it is on screen (only objects in the SHOWING state count).
"""

from __future__ import annotations

import json
import sys
from typing import Any

import gi

gi.require_version("Atspi", "2.0")
from gi.repository import Atspi  # noqa: E402


def _texts(node: Any, found: list[str], depth: int = 0) -> None:
    if depth > 60:
        return
    states = node.get_state_set()
    if not states.contains(Atspi.StateType.SHOWING):
        return
    name = node.get_name()
    if name:
        found.append(name)
    text = node.get_text_iface()
    if text is not None:
        content = text.get_text(0, text.get_character_count())
        if content and content != name:
            found.append(content)
    for index in range(node.get_child_count()):
        child = node.get_child_at_index(index)
        if child is not None:
            _texts(child, found, depth + 1)


def main() -> int:
    """Print the texts of the application named on the command line."""
    desktop = Atspi.get_desktop(0)
    for index in range(desktop.get_child_count()):
        app = desktop.get_child_at_index(index)
        if app is not None and app.get_name() == sys.argv[1]:
            found: list[str] = []
            for child in range(app.get_child_count()):
                _texts(app.get_child_at_index(child), found)
            print(json.dumps(found, ensure_ascii=False))
            return 0
    print(json.dumps(None))
    return 1


if __name__ == "__main__":
    sys.exit(main())
