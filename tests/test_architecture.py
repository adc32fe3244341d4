"""The dependency rules (import-linter contracts in pyproject.toml) hold, and they bite."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ["crypto", "store", "webcommon", "source_interface", "journalist_interface"]
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
