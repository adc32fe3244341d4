"""The two-thread stream of backup and restore: order kept, errors reach the caller, nothing
left running, and no more than `depth` blocks in flight."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator

import pytest

from core.pipeline import BackgroundWriter, background


def _threads() -> set[str]:
    return {t.name for t in threading.enumerate()}


def test_writes_land_in_order() -> None:
    out = io.BytesIO()
    pieces = [bytes([i % 256]) * (i * 37 % 3000 + 1) for i in range(500)]
    with BackgroundWriter(out, block_size=4096) as writer:
        for piece in pieces:
            writer.write(piece)
        writer.write(bytearray(b"a bytearray is copied, not kept"))
    assert out.getvalue() == b"".join(pieces) + b"a bytearray is copied, not kept"
    assert "backup-writer" not in _threads()


def test_an_error_in_the_writing_thread_reaches_the_caller() -> None:
    class Full:
        def write(self, data: bytes) -> None:
            raise OSError(28, "No space left on device")

    def fill() -> None:
        with BackgroundWriter(Full(), 10) as writer:
            for _ in range(1000):
                writer.write(b"x" * 100)

    with pytest.raises(OSError, match="No space"):
        fill()
    assert "backup-writer" not in _threads()


def test_a_caller_that_fails_stops_the_writing_thread_with_its_own_error() -> None:
    def fail() -> None:
        with BackgroundWriter(io.BytesIO(), 10) as writer:
            writer.write(b"x" * 100)
            raise KeyError("the caller's")

    with pytest.raises(KeyError):
        fail()
    assert "backup-writer" not in _threads()


def test_the_writer_holds_at_most_depth_blocks() -> None:
    release = threading.Event()
    taken: list[bytes] = []

    class Slow:
        def write(self, data: bytes) -> None:
            release.wait()
            taken.append(data)

    writer = BackgroundWriter(Slow(), block_size=1, depth=3)
    done = threading.Event()

    def fill() -> None:
        for _ in range(10):
            writer.write(b"b")
        done.set()

    filler = threading.Thread(target=fill)
    filler.start()
    assert not done.wait(0.5)  # 3 queued + 1 being written: the fifth write waits
    assert writer._queue.qsize() == 3
    release.set()
    filler.join()
    writer.close()
    assert len(taken) == 10


def test_background_yields_in_order_and_raises_where_the_error_was() -> None:
    def produce() -> Iterator[bytes]:
        yield b"a"
        yield b"b"
        raise ValueError("chunk 2 fails authentication")

    got: list[bytes] = []
    with pytest.raises(ValueError, match="chunk 2"):
        got.extend(background(produce))
    assert got == [b"a", b"b"]
    assert "restore-reader" not in _threads()


def test_leaving_early_stops_the_producing_thread() -> None:
    produced: list[int] = []

    def endless() -> Iterator[bytes]:
        while True:
            produced.append(1)
            yield b"x"

    items = background(endless, depth=4)
    assert next(items) == b"x"
    items.close()
    assert "restore-reader" not in _threads()
    assert len(produced) <= 4 + 2  # it ran at most a queue's length ahead
