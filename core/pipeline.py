"""Run one side of a backup or restore stream in a second thread, as `tar | age` runs in two
processes: one core packs or unpacks the archive while the other encrypts or decrypts.

libsodium, hashing and file writes release the GIL, so the two halves overlap. A bounded queue
between them keeps memory flat (at most `depth` blocks in flight), and an error on either side
reaches the caller instead of leaving a thread waiting forever.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable, Generator, Iterator
from types import TracebackType
from typing import Protocol, Self

_END = object()
_POLL_SECONDS = 0.1


class _Sink(Protocol):
    def write(self, data: bytes, /) -> object: ...


class BackgroundWriter:
    """A writable whose writes are carried out, in order, by a second thread.

    Writes are handed over in batches of at least `block_size` bytes (tar's headers and
    padding are small), as the caller's own objects: this thread copies nothing.
    `close()` waits for every write to land and raises what the writing thread raised.
    """

    def __init__(self, sink: _Sink, block_size: int, depth: int = 8) -> None:
        self._sink = sink
        self._block_size = block_size
        self._pending: list[bytes] = []
        self._pending_size = 0
        self._queue: queue.Queue[object] = queue.Queue(maxsize=depth)
        self._error: BaseException | None = None
        self._closed = False
        self._thread = threading.Thread(target=self._run, name="backup-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while (batch := self._queue.get()) is not _END:
            if self._error is None:  # after a failure, only drain: the caller will raise
                try:
                    for data in batch:  # type: ignore[attr-defined]
                        self._sink.write(data)
                except BaseException as exc:
                    self._error = exc

    def _put(self, block: object) -> None:
        # Never blocks for good: the thread takes every block until _END, also after a failure.
        self._queue.put(block)

    def write(self, data: bytes | bytearray | memoryview) -> int:
        if self._error is not None:
            raise self._error
        self._pending.append(bytes(data))  # no copy of bytes: tarfile hands fresh ones
        self._pending_size += len(data)
        if self._pending_size >= self._block_size:
            self._put(self._pending)
            self._pending, self._pending_size = [], 0
        return len(data)

    def close(self) -> None:
        """Write what is left, wait for the thread, and raise its error if it had one."""
        if self._closed:
            return
        self._closed = True
        if self._pending and self._error is None:
            self._put(self._pending)
            self._pending = []
        self._put(_END)
        self._thread.join()
        if self._error is not None:
            raise self._error

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        if kind is None:
            self.close()
        else:  # the caller failed: stop the thread without raising over its error
            self._error = self._error or RuntimeError("abandoned")
            self._closed = True
            self._put(_END)
            self._thread.join()


class _Failed:
    def __init__(self, error: BaseException) -> None:
        self.error = error


def background(
    produce: Callable[[], Iterator[bytes]], depth: int = 16
) -> Generator[bytes, None, None]:
    """Yield what `produce()` yields, computed ahead in a second thread (at most `depth`
    items ahead). Its error is raised here, in order; leaving early stops the thread."""
    items: queue.Queue[object] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def run() -> None:
        try:
            for item in produce():
                while not stop.is_set():
                    try:
                        items.put(item, timeout=_POLL_SECONDS)
                        break
                    except queue.Full:
                        continue
                if stop.is_set():
                    return
            items.put(_END)
        except BaseException as exc:
            items.put(_Failed(exc))

    thread = threading.Thread(target=run, name="restore-reader", daemon=True)
    thread.start()
    try:
        while (item := items.get()) is not _END:
            if isinstance(item, _Failed):
                raise item.error
            yield item  # type: ignore[misc]
    finally:
        stop.set()
        while thread.is_alive():  # unblock a producer waiting on a full queue
            with contextlib.suppress(queue.Empty):
                items.get(timeout=_POLL_SECONDS)
        thread.join()
