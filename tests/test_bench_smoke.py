"""The benchmarks still run (tiny sizes): a bench that rots measures nothing."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_crypto_throughput_bench_runs() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.crypto_throughput",
            "--mib",
            "1",
            "--runs",
            "1",
            "--kdf-runs",
            "1",
        ],
        cwd=ROOT,  # the benches run from the checkout
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert "ratio" in result.stdout
    assert "codename derivation" in result.stdout


def test_backup_restore_bench_runs() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bench.backup_restore", "--sources", "20", "--mib", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    assert "ratio" in result.stdout
    assert "peak RSS" in result.stdout
