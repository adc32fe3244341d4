"""Opening a bundle holds a few chunks in memory, whatever the size of its items."""

from __future__ import annotations

import hashlib
import io
import tracemalloc
from collections.abc import Callable
from pathlib import Path

from crypto import age
from crypto.inner import InnerWriter
from tests.workstation import bundles
from tests.workstation.bundles import BundleItem
from tests.workstation.support import Desk, Run

SIZE = 48 * 1024 * 1024


def test_open_peak_memory_is_flat(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    sealed = io.BytesIO()
    writer = InnerWriter(
        age.encryptor(sealed, desk.recipients),
        {"kind": "file", "date": "2026-11-20", "filename": "big.bin"},
    )
    piece = bytes(64 * 1024)
    for _ in range(SIZE // len(piece)):
        writer.write(piece)
    writer.close()
    data = sealed.getvalue()
    entry = bundles.item("file", "big", 1, b"", desk.recipients).entry
    entry.update(size=len(data), sha256=hashlib.sha256(data).hexdigest())
    bundle = bundles.write_bundle(tmp_path / "b.zip", [BundleItem(entry, data)])
    del data, sealed
    out = tmp_path / "o"
    tracemalloc.start()
    result = run("open", bundle, "-i", desk.key_file, "-o", out, "--no-clean")
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert result.status == 0, result.err
    assert (out / "big" / "files" / "big.bin").stat().st_size == SIZE
    assert peak < 4 * 1024 * 1024, peak
