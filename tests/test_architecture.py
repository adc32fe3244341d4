"""The dependency rules (import-linter contracts in pyproject.toml) hold, and they bite."""

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = [
    "crypto",
    "store",
    "core",
    "cli",
    "webcommon",
    "source_interface",
    "journalist_interface",
]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint(tree: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache", "--config", str(tree / "pyproject.toml")],
        cwd=tree,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(tree), "PATH": "/usr/bin:/bin"},
    )


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    copy = tmp_path_factory.mktemp("tree")
    for name in [*PACKAGES, "workstation"]:
        shutil.copytree(ROOT / name, copy / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ["config.py", "pyproject.toml"]:
        shutil.copy(ROOT / name, copy / name)
    return copy


def test_contracts_are_kept(tree: Path) -> None:
    result = lint(tree)
    assert result.returncode == 0, result.stdout
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(
    ("package", "statement"),
    [
        ("crypto", "import store"),
        ("crypto", "import config"),
        ("crypto", "import flask"),
        ("store", "import crypto"),
        ("store", "import flask"),
        ("source_interface", "import journalist_interface"),
        ("journalist_interface", "import source_interface"),
        ("webcommon", "import source_interface"),
        ("workstation", "import store"),
        ("workstation", "import config"),
        ("workstation", "import sqlalchemy"),
        ("core", "import flask"),
        ("core", "import werkzeug"),
        ("core", "import webcommon"),
        ("core", "import source_interface"),
        ("cli", "import journalist_interface"),
        ("cli", "import flask"),
        ("store", "import core"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(tree: Path, package: str, statement: str) -> None:
    rogue = tree / package / "rogue.py"
    rogue.write_text(statement + "\n")
    try:
        result = lint(tree)
    finally:
        rogue.unlink()
    assert result.returncode != 0, result.stdout
    assert "BROKEN" in result.stdout


# What writes rows: only core (and store's own repository). A view or a command that adds,
# deletes or commits would be a second implementation of a use case.
WRITES = re.compile(r"\b(session|db\(\)|s)\.(add|add_all|delete|commit|begin)\(")
# The two places that own a transaction: the request's and the command's.
TRANSACTION_OWNERS = {"webcommon/db.py", "cli/commands.py"}


@pytest.mark.parametrize(
    "package", ["source_interface", "journalist_interface", "cli", "webcommon"]
)
def test_interfaces_and_the_command_line_never_write_rows(package: str) -> None:
    offenders = []
    for path in sorted((ROOT / package).rglob("*.py")):
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            owner = str(path.relative_to(ROOT)) in TRANSACTION_OWNERS
            if WRITES.search(line) and not (owner and re.search(r"\.(commit|begin)\(", line)):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []
