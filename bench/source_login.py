"""Codename costs on the source interface: for sources, for attackers, and under a login flood.

(a) New-source creation (/generate + /create) and codename login latency, sequential, against
    gunicorn (--workers 2 --threads 8 -k gthread) on a throwaway development instance.
(b) In-process, the attacker's cost of one codename guess: our Argon2id derivation at default
    parameters against SecureDrop's scrypt (N=2^14, r=8, p=1), time and memory per guess.
(c) A login flood: 50 threads post wrong codenames for --seconds while one thread views / once
    a second. Prints the flood's status codes (503 is the derivation gate refusing: a bound on
    concurrent derivations and a per-second budget), the workers' highest total RSS, and the
    normal page view's latency during the flood.

    .venv/bin/python -m bench.source_login [--seconds 30] [--count 30] [--flood 50]
"""

from __future__ import annotations

import argparse
import hashlib
import os
import secrets
import threading
import time
from collections import Counter

from bench._harness import Client, Server, csrf, log, machine, median, new_source, p95, rss_mib
from crypto.source_identity import DEFAULT_PARAMS, derive

TARGET_LATENCY = 0.5
TARGET_PAGE = 2.0
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
MIB = 1024 * 1024
WORDS = ["river", "stone", "lamp", "violet", "ocean", "tiger", "paper", "seven", "anchor", "maple"]


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def timed_login(port: int, codename: str) -> tuple[float, int]:
    client = Client(port)
    token = csrf(client, "/login")
    start = time.perf_counter()
    status = client.post_form("/login", {"csrf_token": token, "codename": codename}).status
    seconds = time.perf_counter() - start
    client.close()
    return seconds, status


def part_a(port: int, count: int) -> None:
    created: list[float] = []
    codenames: list[str] = []
    for _ in range(count):
        client = Client(port)
        start = time.perf_counter()
        codenames.append(new_source(client))  # GET + POST /generate, POST /create
        created.append(time.perf_counter() - start)
        client.close()
    logins = [timed_login(port, c) for c in codenames]
    wrong = [s for s, status in logins if status != 303]
    login_times = [s for s, _ in logins]
    log(
        f"(a) new source (GET+POST /generate, POST /create), {count} sequential: "
        f"median {median(created) * 1000:.0f} ms, p95 {p95(created) * 1000:.0f} ms"
    )
    log(
        f"    login (POST /login -> 303), {count} sequential: median "
        f"{median(login_times) * 1000:.0f} ms, p95 {p95(login_times) * 1000:.0f} ms"
        + (f"; {len(wrong)} not 303!" if wrong else "")
    )
    for label, value in (("new source", median(created)), ("login", median(login_times))):
        log(f"  {verdict(value <= TARGET_LATENCY)}  {label} median {value:.3f} s <= 0.5 s")


def part_b(runs: int) -> None:
    pepper, salt = os.urandom(32), os.urandom(16)
    ours: list[float] = []
    theirs: list[float] = []
    for _ in range(runs):  # interleaved, so noise hits both
        guess = " ".join(secrets.choice(WORDS) for _ in range(7))
        start = time.perf_counter()
        derive(guess, pepper, DEFAULT_PARAMS)
        ours.append(time.perf_counter() - start)
        start = time.perf_counter()
        hashlib.scrypt(guess.encode(), salt=salt, maxmem=64 * MIB, dklen=32, **SCRYPT)
        theirs.append(time.perf_counter() - start)
    ours_mem = DEFAULT_PARAMS.mem / MIB
    scrypt_mem = 128 * SCRYPT["r"] * SCRYPT["n"] / MIB
    t_ours, t_sd = median(ours), median(theirs)
    log(
        f"(b) one guess, in-process, median of {runs}: ours Argon2id t={DEFAULT_PARAMS.ops}, "
        f"m={ours_mem:.0f} MiB: {t_ours * 1000:.0f} ms; SecureDrop scrypt N=2^14 r=8 p=1 "
        f"(m={scrypt_mem:.0f} MiB): {t_sd * 1000:.0f} ms; time ratio {t_ours / t_sd:.1f}x"
    )
    log(
        f"    memory per guess {ours_mem:.0f} MiB vs {scrypt_mem:.0f} MiB "
        f"({ours_mem / scrypt_mem:.0f}x); memory x time per guess "
        f"{ours_mem * t_ours:.1f} vs {scrypt_mem * t_sd:.2f} MiB*s "
        f"({ours_mem * t_ours / (scrypt_mem * t_sd):.0f}x); guesses per core-second "
        f"{1 / t_ours:.1f} vs {1 / t_sd:.1f}"
    )


class Flooder(threading.Thread):
    def __init__(self, port: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.statuses: Counter[str] = Counter()
        self.latency: dict[str, list[float]] = {}

    def run(self) -> None:
        client = Client(self.port, timeout=30)
        token = csrf(client, "/login")
        while not self.stop.is_set():
            guess = " ".join(secrets.choice(WORDS) for _ in range(7))
            start = time.perf_counter()
            try:
                fields = {"csrf_token": token, "codename": guess}
                code = str(client.post_form("/login", fields).status)
            except OSError as exc:
                code = type(exc).__name__
                client.close()
            self.statuses[code] += 1
            self.latency.setdefault(code, []).append(time.perf_counter() - start)
        client.close()


class Viewer(threading.Thread):
    """Start a GET / once a second, each a new visitor on a new connection in its own thread."""

    def __init__(self, port: int, stop: threading.Event) -> None:
        super().__init__(daemon=True)
        self.port, self.stop = port, stop
        self.times: list[float] = []
        self.errors: Counter[str] = Counter()
        self.views: list[threading.Thread] = []

    def view(self) -> None:
        client = Client(self.port, timeout=60)
        start = time.perf_counter()
        try:
            status = client.get("/").status
            self.times.append(time.perf_counter() - start)
            if status != 200:
                self.errors[str(status)] += 1
        except OSError as exc:
            self.errors[type(exc).__name__] += 1
        client.close()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            self.views.append(threading.Thread(target=self.view, daemon=True))
            self.views[-1].start()
        for view in self.views:
            view.join()


def part_c(server: Server, seconds: float, flooders: int) -> None:
    stop = threading.Event()
    threads = [Flooder(server.port, stop) for _ in range(flooders)]
    viewer = Viewer(server.port, stop)
    peak_total = 0.0
    peak_one = 0.0
    idle = sum(rss_mib(p) for p in server.worker_pids())
    for t in threads:
        t.start()
    viewer.start()
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        rss = [rss_mib(p) for p in server.worker_pids()]
        peak_total, peak_one = max(peak_total, sum(rss)), max([peak_one, *rss])
        time.sleep(0.02)
    stop.set()
    for thread in [*threads, viewer]:
        thread.join()
    page_times, page_errors = viewer.times, viewer.errors
    statuses: Counter[str] = Counter()
    latency: dict[str, list[float]] = {}
    for t in threads:
        statuses.update(t.statuses)
        for code, values in t.latency.items():
            latency.setdefault(code, []).extend(values)
    total = sum(statuses.values())
    counts = ", ".join(f"{k}: {v}" for k, v in sorted(statuses.items()))
    log(
        f"(c) flood of {flooders} threads for {seconds:.0f} s: {total} POST /login ({counts}); "
        f"{statuses['401'] / seconds:.1f} derivations/s reached the database"
    )
    waits = ", ".join(
        f"{code} median {median(v):.2f} s, max {max(v):.2f} s"
        for code, v in sorted(latency.items())
    )
    log(f"    flood request latency: {waits}")
    log(
        f"    workers' total RSS: idle {idle:.0f} MiB, max {peak_total:.0f} MiB "
        f"(one worker max {peak_one:.0f} MiB)"
    )
    worst = max(page_times, default=float("nan"))
    log(
        f"    GET / during the flood ({len(page_times)} views): median "
        f"{median(page_times) * 1000:.0f} ms, max {worst * 1000:.0f} ms"
        + (f"; not 200: {dict(page_errors)}" if page_errors else "")
    )
    ok = worst < TARGET_PAGE and not page_errors
    log(f"  {verdict(ok)}  page view max {worst:.2f} s < {TARGET_PAGE:.0f} s")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--count", type=int, default=30)
    parser.add_argument("--flood", type=int, default=50)
    parser.add_argument("--kdf-runs", type=int, default=7)
    parser.add_argument(
        "--server-env",
        nargs="*",
        default=[],
        help="extra settings, e.g. WESTRONG_SOURCE_KDF_PER_SECOND=4",
    )
    args = parser.parse_args()
    env = dict(item.split("=", 1) for item in args.server_env)
    log(machine())
    part_b(args.kdf_runs)
    gunicorn = ["--workers", "2", "--threads", "8", "-k", "gthread", "--timeout", "120"]
    with Server(gunicorn, env=env, workers=2) as server:
        log(f"gunicorn {' '.join(gunicorn)}; default KDF and gate {env or ''}")
        part_a(server.port, args.count)
        time.sleep(1)  # let the gate's per-second budget refill
        part_c(server, args.seconds, args.flood)


if __name__ == "__main__":
    main()
