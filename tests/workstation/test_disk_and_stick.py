"""A full disk and a removed USB stick while a bundle opens (issue 14): each gets a clear Thai
and English message and loses nothing — no half-written file under any name, every file that
was written complete, the bundle untouched. Through the command line and through the code the
window's Open button runs (workstation.window.opening, which needs no display).

The full disk is a real tmpfs of a few hundred KiB (needs root to mount). The removed stick is
the bundle vanishing from its path while items are being opened, as it does once a pulled
stick is unmounted (new opens then fail; a read on a dead device fails with EIO, which gets
the same message).
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.tools import IN_CI
from tests.workstation import bundles
from tests.workstation.support import Desk, Run, files_under, partials_under
from workstation import keys
from workstation.errors import WorkstationError
from workstation.strings import Texts
from workstation.window.opening import WindowProgress, run_open

TH, EN = Texts("th"), Texts("en")


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 256 KiB filesystem (tmpfs), unmounted after the test, on failure too."""
    if os.geteuid() != 0:
        if IN_CI:
            pytest.fail("mounting a small tmpfs needs root (make test runs as root)")
        pytest.skip("mounting a small tmpfs needs root (make test runs as root)")
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k,mode=0700", "tmpfs", mount],
                   check=True)  # fmt: skip
    try:
        yield mount
    finally:
        subprocess.run(["umount", mount], check=True)


def _fill(disk: Path) -> None:
    """Fill the disk to the last block."""
    with open(disk / "filler", "wb", buffering=0) as filler:
        try:
            while True:
                filler.write(b"\0" * 4096)
        except OSError:
            pass


def _bundle(tmp_path: Path, desk: Desk, big: int) -> tuple[Path, bytes, bytes]:
    message = "ผู้ใหญ่บ้านรับเงินทอนจากผู้รับเหมา\n".encode() * 10
    document = os.urandom(big)
    items = [
        bundles.item("message", "brave otter", 1, message, desk.recipients),
        bundles.item("file", "brave otter", 2, document, desk.recipients, filename="scan.pdf"),
    ]
    return bundles.write_bundle(tmp_path / "export.zip", items), message, document


@pytest.mark.parametrize("language", ["th", "en"])
def test_a_full_disk_fails_the_item_that_does_not_fit_and_keeps_the_rest(
    tmp_path: Path, desk: Desk, run: Callable[..., Run], small_disk: Path, language: str
) -> None:
    bundle, message, _ = _bundle(tmp_path, desk, 600 * 1024)
    before = bundle.read_bytes()
    out = small_disk / "opened"
    result = run("open", bundle, "--identity", desk.key_file, "--out", out, "--no-progress",
                 "--lang", language)  # fmt: skip
    assert result.status == 1
    texts = Texts(language)
    assert texts("disk_full", detail="No space left on device") in result.err
    assert ("พื้นที่ดิสก์เต็ม" if language == "th" else "the disk is full") in result.err
    opened = files_under(out)
    assert opened["brave-otter/message-0001.txt"] == message  # what fitted is complete
    assert not any(name.startswith("brave-otter/files/") for name in opened)
    assert "index.html" in opened
    assert partials_under(small_disk) == []
    assert bundle.read_bytes() == before


def test_a_disk_full_to_the_last_block_stops_with_one_message(
    tmp_path: Path, desk: Desk, run: Callable[..., Run], small_disk: Path
) -> None:
    bundle, _, _ = _bundle(tmp_path, desk, 64 * 1024)
    out = small_disk / "opened"
    out.mkdir()
    _fill(small_disk)
    result = run("open", bundle, "--identity", desk.key_file, "--out", out, "--no-progress")
    assert result.status == 2
    assert TH("out_disk_full", detail="No space left on device") in result.err
    assert partials_under(small_disk) == []
    assert [p for p in out.rglob("*") if p.is_file()] == []  # nothing at all, not even half


def test_the_windows_open_says_the_disk_is_full(
    tmp_path: Path, desk: Desk, small_disk: Path
) -> None:
    bundle, _, _ = _bundle(tmp_path, desk, 64 * 1024)
    out = small_disk / "opened"
    out.mkdir()
    _fill(small_disk)
    progress = WindowProgress(1, threading.Event())
    with pytest.raises(WorkstationError) as raised:
        run_open(bundle, desk.key_file, "", keys.pin_path(tmp_path), out, progress, EN)
    assert raised.value.reason == "out_disk_full"
    assert "The disk is full" in EN(raised.value.reason, detail=raised.value.detail)
    assert "พื้นที่ดิสก์เต็ม" in TH(raised.value.reason, detail=raised.value.detail)
    assert partials_under(small_disk) == []


class _PullStick(WindowProgress):
    """The officer pulls the stick out once the first item is written."""

    def __init__(self, bundle: Path, after: int) -> None:
        super().__init__(1, threading.Event())
        self.bundle = bundle
        self.after = after

    def __call__(self, count: int) -> None:
        super().__call__(count)
        if self.done >= self.after and self.bundle.exists():
            self.bundle.unlink()


def _files(tmp_path: Path, desk: Desk, count: int, size: int) -> tuple[Path, list[bytes], int]:
    """Return the bundle on the "stick", each file's content, and the first item's size."""
    contents = [os.urandom(size) for _ in range(count)]
    items = [
        bundles.item("file", "calm lotus", n, data, desk.recipients, filename=f"photo-{n}.jpg")
        for n, data in enumerate(contents, 1)
    ]
    bundle = bundles.write_bundle(tmp_path / "stick" / "export.zip", items)
    return bundle, contents, int(items[0].entry["size"])


def test_a_stick_pulled_out_in_the_window_keeps_what_opened(tmp_path: Path, desk: Desk) -> None:
    (tmp_path / "stick").mkdir()
    bundle, contents, first = _files(tmp_path, desk, 4, 300_000)
    progress = _PullStick(bundle, 2 * first)  # hashed and decrypted: the first item is done
    out = tmp_path / "opened"
    opened = run_open(bundle, desk.key_file, "", keys.pin_path(tmp_path), out, progress, TH)
    assert not bundle.exists()
    reasons = [r.reason for r in opened.results]
    assert reasons[0] == ""
    assert reasons[-1] == "bundle_gone"
    assert set(reasons) <= {"", "bundle_gone"}
    written = files_under(out)
    for number, (result, data) in enumerate(zip(opened.results, contents, strict=True), 1):
        name = f"calm-lotus/files/photo-{number}.jpg"
        assert (written.get(name) == data) if result.ok else (name not in written)
    gone = next(r for r in opened.results if not r.ok)
    assert "USB ถูกถอดออกหรือไม่" in TH(gone.reason, detail=gone.detail)
    assert "was the USB stick removed?" in EN(gone.reason, detail=gone.detail)
    assert partials_under(tmp_path) == []


def test_a_stick_pulled_out_during_open_on_the_command_line(
    tmp_path: Path, desk: Desk, run: Callable[..., Run]
) -> None:
    (tmp_path / "stick").mkdir()
    bundle, contents, _ = _files(tmp_path, desk, 8, 6 * 1024 * 1024)
    out = tmp_path / "opened"
    done: list[Run] = []
    opening = threading.Thread(target=lambda: done.append(
        run("open", bundle, "--identity", desk.key_file, "--out", out, "--no-progress",
            "--lang", "en")))  # fmt: skip
    opening.start()
    first = out / "calm-lotus" / "files" / "photo-1.jpg"
    deadline = time.monotonic() + 60
    while not first.exists() and opening.is_alive() and time.monotonic() < deadline:
        time.sleep(0.002)
    bundle.unlink()  # the stick is gone
    opening.join(120)
    (result,) = done
    assert result.status == 1
    assert "was the USB stick removed?" in result.err
    written = files_under(out)
    assert written["calm-lotus/files/photo-1.jpg"] == contents[0]
    assert "calm-lotus/files/photo-8.jpg" not in written
    for number, data in enumerate(contents, 1):
        name = f"calm-lotus/files/photo-{number}.jpg"
        assert written.get(name, data) == data  # what is there is whole
    assert partials_under(tmp_path) == []
