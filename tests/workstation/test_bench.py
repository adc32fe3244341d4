"""The workstation bench still runs (tiny sizes): a bench that rots measures nothing."""

import subprocess
import sys
from pathlib import Path

from tests.tools import require_tool

ROOT = Path(__file__).resolve().parents[2]


def test_workstation_open_bench_runs() -> None:
    require_tool("age")
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.workstation_open",
            "--mib",
            "2",
            "--files",
            "2",
            "--runs",
            "1",
        ],
        cwd=ROOT,  # the benches run from the checkout
        capture_output=True,
        text=True,
        check=True,
        timeout=180,
    )
    assert "ratio" in result.stdout
    assert "peak RSS ours" in result.stdout
