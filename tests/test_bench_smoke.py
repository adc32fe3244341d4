"""The benchmarks still run (tiny sizes): a bench that rots measures nothing.

Each bench runs as the docs say (`python -m bench.NAME` from the checkout), seeding and serving
for real, at sizes that take seconds. The workstation bench's run is in
tests/workstation/test_bench.py (it needs the `age` CLI).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# bench -> (tiny arguments, what its output must say)
TINY: dict[str, tuple[list[str], list[str]]] = {
    "crypto_throughput": (
        ["--mib", "1", "--runs", "1", "--kdf-runs", "1"],
        ["ratio", "codename derivation"],
    ),
    "source_upload": (["--mib", "1", "--runs", "1"], ["median of 1: ours", "bare"]),
    "source_messages": (["--seconds", "1", "--clients", "1"], ["1 client(s)", "errors none"]),
    "source_login": (
        ["--seconds", "1", "--count", "1", "--flood", "1", "--kdf-runs", "1"],
        ["(a) new source", "(b) one guess", "(c) flood", "1 sequential: median"],
    ),
    "reviewer_inbox": (
        ["--sources", "60", "--submissions", "200", "--requests", "1"],
        ["seeded 60 sources", "first page (60 cases)", "page 3 (60 cases)", "slowest page"],
    ),
    "reviewer_signin": (["--count", "1"], ["sign-in (GET /login + POST /login -> 303)"]),
    "reviewer_export": (
        ["--blobs", "2", "--blob-mib", "1", "--runs", "1"],
        ["run 1: export 2.0 MiB", "download 1 MiB", "highest worker RSS"],
    ),
}


def test_every_bench_has_a_tiny_run() -> None:
    benches = {p.stem for p in (ROOT / "bench").glob("[!_]*.py")}
    assert benches - {"workstation_open"} == set(TINY)


@pytest.mark.parametrize("name", sorted(TINY))
def test_bench_runs(name: str) -> None:
    args, expected = TINY[name]
    result = subprocess.run(
        [sys.executable, "-m", f"bench.{name}", *args],
        cwd=ROOT,  # the benches run from the checkout
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
    for text in expected:
        assert text in result.stdout, result.stdout[-3000:]
