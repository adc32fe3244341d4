"""What opening each item gave: the files written, the risks seen, or why it failed."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.bundle import Item

if TYPE_CHECKING:  # report imports this module
    from workstation.report import Tip


@dataclass
class ItemResult:
    """One manifest entry after `open` (or `verify`): opened, or failed with a reason."""

    label: str  # the entry's path in the bundle; untrusted when the entry was rejected
    item: Item | None  # None for a manifest entry that failed validation
    reason: str = ""  # a message key (workstation.strings) when the item failed
    detail: str = ""
    outputs: list[Path] = field(default_factory=list)  # relative to the output folder
    original_name: str = ""  # a file's name as the source's browser sent it (untrusted)
    content_type: str = ""  # as declared by the browser (untrusted)
    date: str = ""  # from the encrypted header
    size: int = 0  # bytes of content written
    risks: set[str] = field(default_factory=set)
    cleaned: Path | None = None  # relative to the output folder
    clean_problem: str = ""
    # A message's header fields, without its text (read back from outputs[0] when a layout
    # is printed: a bundle's messages are never all held in memory).
    tip: Tip | None = None
    # An identity item (decision 096) left closed because the officer did not ask for it.
    withheld: bool = False

    @property
    def ok(self) -> bool:
        """Say whether the item opened."""
        return not self.reason

    @property
    def folder(self) -> str:
        """The source folder this item belongs to ("" for a rejected entry)."""
        return self.item.folder if self.item else ""
