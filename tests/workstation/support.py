"""Helpers for the workstation tests: a desk's key, a command's result, what a run wrote."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crypto.keys import Identity, Recipient


@dataclass(frozen=True)
class Desk:
    """A desk's identity, saved as a plain age identity file (as age-keygen writes one)."""

    identity: Identity
    key_file: Path

    @property
    def recipients(self) -> list[Recipient]:
        return [self.identity.recipient]


@dataclass(frozen=True)
class Run:
    """What a command printed and returned."""

    status: int
    out: str
    err: str


def files_under(root: Path) -> dict[str, bytes]:
    """Return every regular file under root by its relative path (POSIX separators)."""
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*"))
        if p.is_file()
    }


def partials_under(root: Path) -> list[Path]:
    """Return leftovers of interrupted writes (there must never be any after a run)."""
    return [p for p in root.rglob("*") if p.name.startswith(".partial-")]
