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


def test_a_thread_that_finishes_makes_room_before_its_next_caller() -> None:
    # gunicorn's shape: 4 threads, 2 derivations at once, 2 waiting. A finished caller's thread
    # takes the next request before a waiter has woken to take the freed slot; that next
    # caller must queue, not be refused (it was: 6 "busy" answers out of 10).
    gate = Gate(concurrency=2, per_second=4, wait=5, max_waiting=2)
    refused: list[int] = []

    def caller(i: int) -> None:
        try:
            gate.run(lambda: time.sleep(0.05))
        except BusyError:
            refused.append(i)

    def server_thread(n: int) -> None:
        for k in range(3):
            caller(n * 10 + k)

    threads = [threading.Thread(target=server_thread, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert refused == []
