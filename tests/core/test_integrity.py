"""`manage.py check` finds orphans on either side and stale temporary files, repairs them
with --repair, and prints counts, never names."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy import select, update

from store.models import Submission
from tests.factories import World

ROOT = Path(__file__).resolve().parents[2]


def check(world: World, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", "check", "--grace-hours", "0", *args],
        cwd=ROOT,
        env={**os.environ, **world.config.env},
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_check_finds_and_repairs_both_sides_and_names_nothing(world: World) -> None:
    assert check(world).returncode == 0
    with world.blobs.writer() as writer:  # a blob whose row never committed
        writer.write(b"orphan")
        orphan = writer.commit()
    (world.config.store_root / "tmp" / ("ab" * 16 + ".part")).write_bytes(b"cut short")
    with world.session() as s, s.begin():
        items = s.scalars(select(Submission)).all()
        gone, unhashed = items[0], items[1]
        gone_name, unhashed_id = gone.blob_name, unhashed.id
        s.execute(
            update(Submission).where(Submission.id == unhashed_id).values(ciphertext_sha256=None)
        )
    world.blobs.path(gone_name).unlink()

    found = check(world)
    assert found.returncode == 1
    assert "orphan blobs (no row) found: 1" in found.stdout
    assert "rows whose blob is missing found: 1" in found.stdout
    assert "stale temporary files found: 1" in found.stdout
    assert "rows without a recorded hash found: 1" in found.stdout
    for name in (orphan, gone_name, "ab" * 16):
        assert name[:32] not in found.stdout + found.stderr

    repaired = check(world, "--repair")
    assert repaired.returncode == 0
    assert not world.blobs.exists(orphan)
    assert check(world).returncode == 0
    assert check(world, "--deep").returncode == 0
    with world.session() as s:
        assert s.scalar(select(Submission).where(Submission.blob_name == gone_name)) is None
        fixed = s.get(Submission, unhashed_id)
        assert fixed is not None
        assert fixed.ciphertext_sha256 == world.blobs.sha256(fixed.blob_name)
