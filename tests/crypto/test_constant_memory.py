"""Streaming holds about one chunk in memory, whatever the size (tracemalloc peak)."""

import io
import tracemalloc
from pathlib import Path

from crypto import age
from crypto.keys import Identity

SIZE = 48 * 1024 * 1024
IDENTITY = Identity.generate()


class Zeros(io.RawIOBase):
    """A readable stream of SIZE zero bytes that holds none of them."""

    def __init__(self) -> None:
        self.left = SIZE

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        n = min(len(buffer), self.left)
        buffer[:n] = bytes(n)
        self.left -= n
        return n


class Sink:
    """Count what is written, keep none of it."""

    def __init__(self) -> None:
        self.size = 0

    def write(self, data: bytes) -> int:
        self.size += len(data)
        return len(data)


def test_encrypt_peak_memory_is_flat() -> None:
    tracemalloc.start()
    sink = Sink()
    age.encrypt(io.BufferedReader(Zeros()), sink, [IDENTITY.recipient])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sink.size > SIZE
    assert peak < 2 * 1024 * 1024, peak


def test_encryptor_and_decrypt_peak_memory_is_flat(tmp_path: Path) -> None:
    path = tmp_path / "big.age"
    with open(path, "wb") as out:
        writer = age.encryptor(out, [IDENTITY.recipient])
        piece = bytes(100_000)
        tracemalloc.start()
        for _ in range(SIZE // len(piece)):
            writer.write(piece)
        writer.close()
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 2 * 1024 * 1024, peak
    sink = Sink()
    tracemalloc.start()
    with open(path, "rb") as src:
        age.decrypt(src, sink, [IDENTITY])
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert sink.size == SIZE // len(piece) * len(piece)
    assert peak < 2 * 1024 * 1024, peak
