"""Build the workstation's two wheels and install them offline into a fresh venv (test helper).

As docs/WORKSTATION.md tells IT staff: Debian's Python, a venv with --system-site-packages (so
that Debian's python3-gi is there for the window), the hash-locked dependencies from a folder
of wheels with --no-index, then westrong-crypto and westrong-workstation. Everything happens
in a temporary folder outside the checkout, from a copy of the sources.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

DEBIAN_PYTHON = "/usr/bin/python3"
WHEELHOUSE = Path(".venv/workstation-wheels")  # filled by `make workstation-wheels`
LOCK = Path("distributions/westrong-workstation/requirements.lock")
SOURCES = ("crypto", "workstation", "distributions")


def _missing(message: str) -> None:
    if os.environ.get("CI") == "true":
        pytest.fail(message)
    pytest.skip(message)


def _run(*command: str | os.PathLike[str], cwd: Path | None = None) -> str:
    env = {**os.environ, "PIP_CONFIG_FILE": os.devnull, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    env.pop("PYTHONPATH", None)
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, cwd=cwd, env=env, check=False
    )
    assert result.returncode == 0, f"{command}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


def build_wheels(checkout: Path, into: Path) -> list[Path]:
    """Build westrong-crypto and westrong-workstation from a clean copy of the sources."""
    copy = into / "src"
    for name in SOURCES:
        shutil.copytree(
            checkout / name,
            copy / name,
            ignore=shutil.ignore_patterns("__pycache__", "build", "*.egg-info"),
        )
    wheels = into / "wheels"
    distributions = copy / "distributions"
    _run(
        sys.executable, "-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index",
        "-w", wheels, distributions / "westrong-crypto", distributions / "westrong-workstation",
    )  # fmt: skip
    return sorted(wheels.glob("*.whl"))


def install(checkout: Path, into: Path) -> Path:
    """Return the Python of a fresh venv holding the installed workstation."""
    wheelhouse = checkout / WHEELHOUSE
    if not Path(DEBIAN_PYTHON).exists():
        _missing(f"{DEBIAN_PYTHON} is missing")
    if not any(wheelhouse.glob("pynacl-*.whl")):
        _missing(f"{wheelhouse} is empty: run `make workstation-wheels` (setup, online)")
    ours = build_wheels(checkout, into)
    venv = into / "venv"
    _run(DEBIAN_PYTHON, "-m", "venv", "--system-site-packages", venv)
    pip = venv / "bin" / "pip"
    _run(pip, "install", "--no-index", "--find-links", wheelhouse, "--require-hashes",
         "-r", checkout / LOCK)  # fmt: skip
    _run(pip, "install", "--no-index", "--no-deps", *ours)
    return venv / "bin" / "python"
