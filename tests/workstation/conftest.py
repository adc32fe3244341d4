"""Fixtures for the workstation: a desk key, bundles built with the real crypto, the CLI."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pytest

from crypto.keys import Identity, Recipient
from tests.workstation import installed
from workstation import cli


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


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    identity = Identity.generate()
    key_file = tmp_path / "desk-key.txt"
    key_file.write_text(f"# test desk\n{identity.encode()}\n")
    return Desk(identity, key_file)


@pytest.fixture
def run() -> Callable[..., Run]:
    """Run `python -m workstation ARGS` in this process, capturing its output."""

    def _run(*args: str | os.PathLike[str], online: Sequence[str] = ()) -> Run:
        out, err = io.StringIO(), io.StringIO()
        status = cli.run([str(a) for a in args], out, err, lambda: list(online))
        return Run(status, out.getvalue(), err.getvalue())

    return _run


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


@pytest.fixture(scope="session")
def installed_python(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The Python of a fresh venv, outside the checkout, with the workstation's wheels installed."""
    return installed.install(request.config.rootpath, tmp_path_factory.mktemp("installed"))
