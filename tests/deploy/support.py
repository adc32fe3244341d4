"""The source interface served as production serves it: our gunicorn configuration."""

from __future__ import annotations

from pathlib import Path

from bench._harness import Gunicorn
from tests.factories import InstanceConfigs

ROOT = Path(__file__).resolve().parents[2]


def source_server(configs: InstanceConfigs, log: Path, workers: int = 2) -> Gunicorn:
    """gunicorn with deploy/gunicorn/source.py in front of the instance's source app."""
    return Gunicorn(
        "source_interface.app:from_environment()",
        ["-c", str(ROOT / "deploy/gunicorn/source.py")],
        configs.env,
        log,
        workers=workers,
    )
