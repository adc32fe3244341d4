"""Message submissions per second on the source interface's POST /submit.

Starts gunicorn (--workers 2 --threads 4 -k gthread) on a throwaway development instance. For
each concurrency level, that many client threads each create their own source (/generate +
/create, not timed), then post 1 KiB messages (random Thai and ASCII words) as fast as they
can for --seconds. Prints throughput, median and p95 latency, and the rate in each 5-second
window, to show whether it holds steady as each source's history grows.

    .venv/bin/python -m bench.source_messages [--seconds 30] [--clients 1 4]
"""

from __future__ import annotations

import argparse
import random
import threading
import time

from bench import _postgres
from bench._harness import (
    DESK,
    Client,
    Server,
    csrf,
    log,
    machine,
    median,
    multipart_head,
    new_boundary,
    new_source,
    p95,
)

TARGET_4_CLIENTS = 80.0
WINDOW = 5.0
MESSAGE_BYTES = 1024
THAI = [
    "รายงาน",
    "ทุจริต",
    "เจ้าหน้าที่",
    "งบประมาณ",
    "โครงการ",
    "จังหวัด",
    "อำเภอ",
    "หลักฐาน",
    "เอกสาร",
    "ผู้รับเหมา",
    "ประชาชน",
    "สินบน",
    "เงิน",
    "บาท",
    "ถนน",
    "โรงเรียน",
    "โรงพยาบาล",
    "ประมูล",
    "สัญญา",
    "ตรวจสอบ",
    "พยาน",
    "เรื่อง",
]
ASCII = [
    "the",
    "contract",
    "tender",
    "invoice",
    "road",
    "budget",
    "official",
    "bribe",
    "receipt",
    "2024",
    "baht",
]


def message(rng: random.Random) -> str:
    """About 1 KiB (UTF-8) of mixed Thai and ASCII words."""
    words: list[str] = []
    size = 0
    while True:
        word = rng.choice(THAI) if rng.random() < 0.7 else rng.choice(ASCII)
        if size + len(word.encode()) + 1 > MESSAGE_BYTES:
            return " ".join(words)
        words.append(word)
        size += len(word.encode()) + 1


class Poster(threading.Thread):
    """One source posting messages until the deadline; records (finish time, latency)."""

    def __init__(self, port: int, start: threading.Barrier, seconds: float, seed: int) -> None:
        super().__init__(daemon=True)
        self.client = Client(port)
        new_source(self.client)
        self.token = csrf(self.client, "/lookup")
        self.barrier, self.seconds = start, seconds
        rng = random.Random(seed)
        self.boundary = new_boundary()
        self.bodies = [self.body(message(rng)) for _ in range(64)]
        self.samples: list[tuple[float, float]] = []
        self.errors: dict[int, int] = {}
        self.t0 = 0.0

    def body(self, text: str) -> bytes:
        fields = [("csrf_token", self.token), ("desk", DESK), ("msg", text)]
        return multipart_head(self.boundary, fields) + f"--{self.boundary}--\r\n".encode()

    def run(self) -> None:
        content_type = f"multipart/form-data; boundary={self.boundary}"
        self.barrier.wait()
        self.t0 = time.perf_counter()
        deadline = self.t0 + self.seconds
        i = 0
        while (start := time.perf_counter()) < deadline:
            response = self.client.request(
                "POST", "/submit", self.bodies[i % len(self.bodies)], content_type
            )
            end = time.perf_counter()
            i += 1
            # Accepted is 303 to the thank-you page (its GET is not timed); failures are 400
            # (form), 413, 5xx.
            if response.status == 303:
                self.samples.append((end - self.t0, end - start))
            else:
                self.errors[response.status] = self.errors.get(response.status, 0) + 1
        self.client.close()


def run_level(port: int, clients: int, seconds: float) -> float:
    barrier = threading.Barrier(clients)
    posters = [Poster(port, barrier, seconds, seed) for seed in range(clients)]
    for p in posters:
        p.start()
    for p in posters:
        p.join()
    samples = [s for p in posters for s in p.samples]
    errors: dict[int, int] = {}
    for p in posters:
        for status, n in p.errors.items():
            errors[status] = errors.get(status, 0) + n
    latencies = [lat for _, lat in samples]
    rate = len(samples) / seconds
    windows = [0] * max(1, int(seconds // WINDOW))
    for finished, _ in samples:
        index = int(finished // WINDOW)
        if index < len(windows):
            windows[index] += 1
    log(
        f"{clients} client(s), {seconds:.0f} s: {len(samples)} messages, {rate:.1f}/s; latency "
        f"median {median(latencies) * 1000:.1f} ms, p95 {p95(latencies) * 1000:.1f} ms; "
        f"errors {errors or 'none'}"
    )
    per_window = ", ".join(f"{n / WINDOW:.1f}" for n in windows)
    log(f"  per {WINDOW:.0f} s window (/s): {per_window}")
    if len(windows) >= 2 and windows[0]:
        log(f"  last window / first window: {windows[-1] / windows[0]:.2f}")
    per_source = len(samples) / clients
    log(f"  each source's history grew by about {per_source:.0f} messages")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 4])
    _postgres.add_option(parser)
    args = parser.parse_args()
    _postgres.start_if_asked(args)
    log(machine())
    gunicorn = ["--workers", "2", "--threads", "4", "-k", "gthread", "--timeout", "120"]
    with Server(gunicorn, workers=2) as server:
        log(f"gunicorn {' '.join(gunicorn)}; SQLite database; default KDF")
        rates = {n: run_level(server.port, n, args.seconds) for n in args.clients}
    if 4 in rates:
        ok = rates[4] >= TARGET_4_CLIENTS
        verdict = "PASS" if ok else "FAIL"
        log(f"{verdict}  4 clients {rates[4]:.1f}/s >= {TARGET_4_CLIENTS:.0f}/s")


if __name__ == "__main__":
    main()
