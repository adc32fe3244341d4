"""`workstation verify`: hashes only, no key; one line per bad item."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from crypto.keys import Identity
from tests.workstation import bundles
from tests.workstation.support import Desk, Run


@pytest.fixture(autouse=True)
def _pinned(desk: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Run in the desk key's folder, where set-up pinned the server key (verify's default)."""
    monkeypatch.chdir(desk.key_file.parent)


def _items() -> list[bundles.BundleItem]:
    recipients = [Identity.generate().recipient]  # verify never needs this key
    return [
        bundles.item("message", "brave otter", n, b"x" * n * 1000, recipients) for n in range(1, 5)
    ]


def test_an_intact_bundle(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run("verify", bundles.write_bundle(tmp_path / "b.zip", _items()), "--lang", "en")
    assert result.status == 0
    assert "4 of 4 items are intact." in result.out
    assert "The bundle is intact" in result.out
    assert result.err == ""


def test_each_damaged_item_is_one_line(tmp_path: Path, run: Callable[..., Run]) -> None:
    items = _items()
    assert items[0].data is not None
    assert items[1].data is not None
    items[0].data = items[0].data[:-1] + bytes([items[0].data[-1] ^ 1])
    items[1].data = items[1].data[:-10]
    items[2].data = None
    result = run("verify", bundles.write_bundle(tmp_path / "b.zip", items), "--lang", "en")
    assert result.status == 1
    lines = result.err.splitlines()
    assert len(lines) == 3
    assert "0001-message.age: corrupt: its checksum (SHA-256)" in lines[0]
    assert "0002-message.age: truncated" in lines[1]
    assert "0003-message.age: listed in the bundle but not in it" in lines[2]
    assert "1 of 4 items are intact." in result.out


def test_verify_in_thai(tmp_path: Path, run: Callable[..., Run]) -> None:
    result = run("verify", bundles.write_bundle(tmp_path / "b.zip", _items()))
    assert "ไฟล์สมบูรณ์ 4 จาก 4 รายการ" in result.out
