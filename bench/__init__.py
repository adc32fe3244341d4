"""Benchmarks, run from the checkout as `python -m bench.NAME` (figures in docs/PERFORMANCE.md)."""
