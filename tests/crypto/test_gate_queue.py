"""The derivation gate queues briefly before refusing: a burst of newcomers all get through,
while the queue stays bounded (the rest are refused at once, not stalled)."""

import threading
import time

from crypto.errors import BusyError
from crypto.gate import Gate


def test_a_burst_waits_its_turn_and_the_queue_is_bounded() -> None:
    gate = Gate(concurrency=1, per_second=1000, wait=5, max_waiting=3)
    release = threading.Event()
    done: list[str] = []

    def caller() -> None:
        try:
            gate.run(release.wait)
            done.append("ran")
        except BusyError:
            done.append("refused")

    threads = [threading.Thread(target=caller) for _ in range(6)]
    for t in threads:
        t.start()
    deadline = time.monotonic() + 5
    while done.count("refused") < 2 and time.monotonic() < deadline:
        time.sleep(0.01)
    release.set()
    for t in threads:
        t.join()
    assert sorted(done) == ["ran"] * 4 + ["refused"] * 2


def test_the_rate_budget_makes_a_caller_wait_rather_than_fail() -> None:
    gate = Gate(concurrency=4, per_second=10, wait=2, max_waiting=8)
    start = time.monotonic()
    for _ in range(15):  # 10 at once, then about one every 0.1 s
        gate.run(lambda: None)
    assert 0.3 < time.monotonic() - start < 2
