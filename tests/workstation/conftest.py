"""Fixtures for the workstation: a desk key, bundles built with the real crypto, the CLI."""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

from crypto.keys import Identity
from tests.workstation import bundles, installed
from tests.workstation.support import Desk, Run
from workstation import cli, keys


@pytest.fixture
def desk(tmp_path: Path) -> Desk:
    identity = Identity.generate()
    key_file = tmp_path / "desk-key.txt"
    key_file.write_text(f"# test desk\n{identity.encode()}\n")
    keys.pin_server(tmp_path, str(bundles.SIGNER.verify_key))  # as at set-up
    return Desk(identity, key_file)


@pytest.fixture
def run() -> Callable[..., Run]:
    """Run `python -m workstation ARGS` in this process, capturing its output."""

    def _run(*args: str | os.PathLike[str], online: Sequence[str] = ()) -> Run:
        out, err = io.StringIO(), io.StringIO()
        status = cli.run([str(a) for a in args], out, err, lambda: list(online))
        return Run(status, out.getvalue(), err.getvalue())

    return _run


@pytest.fixture(scope="session")
def installed_python(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Path:
    """The Python of a fresh venv, outside the checkout, with the workstation's wheels installed."""
    return installed.install(request.config.rootpath, tmp_path_factory.mktemp("installed"))
