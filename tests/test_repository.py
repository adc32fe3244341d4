"""The repository as committed: no merge leftovers in any tracked file."""

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_no_conflict_markers_in_tracked_files() -> None:
    found = subprocess.run(
        ["git", "grep", "-n", "-I", "-E", "^(<<<<<<< |>>>>>>> |=======$)", "--", "."],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    assert found == ""
