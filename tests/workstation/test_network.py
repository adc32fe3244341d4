"""The offline check: interfaces other than loopback that are up, warned about on `open`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.workstation import bundles
from tests.workstation.support import Desk, Run
from workstation import network


def _interface(root: Path, name: str, flags: str) -> None:
    (root / name).mkdir()
    (root / name / "flags").write_text(flags + "\n")


def test_only_up_non_loopback_interfaces_count(tmp_path: Path) -> None:
    _interface(tmp_path, "lo", "0x9")  # up, loopback
    _interface(tmp_path, "eth0", "0x1003")  # up
    _interface(tmp_path, "wlan0", "0x1002")  # down
    _interface(tmp_path, "odd", "not hex")
    assert network.interfaces_up(tmp_path) == ["eth0"]
    assert network.interfaces_up(tmp_path / "missing") == []


def test_open_warns_when_online(tmp_path: Path, desk: Desk, run: Callable[..., Run]) -> None:
    item = bundles.item("message", "quiet heron", 1, b"hello", desk.recipients)
    bundle = bundles.write_bundle(tmp_path / "b.zip", [item])
    args = ("open", bundle, "-i", desk.key_file, "--no-clean", "--no-progress", "--lang", "en")
    online = run(*args, "-o", tmp_path / "a", online=["wlan0"])
    assert online.status == 0
    assert "connected to a network (wlan0)" in online.err
    offline = run(*args, "-o", tmp_path / "b")
    assert offline.status == 0
    assert offline.err == ""
