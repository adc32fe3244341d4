"""Upload throughput, worker memory and disk writes of the source interface's POST /submit.

Starts gunicorn (1 sync worker, --timeout 600) on a throwaway development instance, signs a new
source in, and uploads one file of N MiB as a streamed multipart body (built on the fly from a
repeating 1 MiB pseudo-random block, so the client never holds the file). In the same gunicorn
the same bytes go to a bare read-and-discard endpoint (bench/_bare.py): the server's ceiling.
For each upload: MiB/s, the worker's peak RSS (VmRSS polled every 20 ms), and the bytes the
worker caused to be written (/proc/<worker>/io write_bytes delta) against the ciphertext that
appeared under the store root. Medians of --runs interleaved runs.

    .venv/bin/python -m bench.source_upload [--mib 50 500] [--runs 3]
"""

from __future__ import annotations

import argparse
import http.client
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

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
    proc_field,
    rss_mib,
)

MIB = 1024 * 1024
TARGET_RSS_MIB = 100.0
TARGET_RATIO = 0.6
TARGET_MIBS = 100.0
WRITE_TOLERANCE = 0.02  # write_bytes / ciphertext within 1 ± 2 %


@dataclass
class Upload:
    seconds: float
    peak_rss: float
    written: int
    ciphertext: int

    def mibs(self, mib: int) -> float:
        return mib / self.seconds


class RssPoller(threading.Thread):
    """Track the highest VmRSS of one process, polling every 20 ms."""

    def __init__(self, pid: int) -> None:
        super().__init__(daemon=True)
        self.pid, self.peak = pid, rss_mib(pid)
        self.done = threading.Event()

    def run(self) -> None:
        while not self.done.wait(0.02):
            self.peak = max(self.peak, rss_mib(self.pid))

    def stop(self) -> float:
        self.done.set()
        self.join()
        self.peak = max(self.peak, rss_mib(self.pid))
        return self.peak


def store_files(root: Path) -> dict[Path, int]:
    return {p: p.stat().st_size for p in root.rglob("*") if p.is_file()}


def upload(server: Server, client: Client, path: str, mib: int, head: bytes, tail: bytes) -> Upload:
    """Send head + mib × block + tail to path; measure time, worker RSS and disk writes."""
    (worker,) = server.worker_pids()
    before = store_files(server.store_root)
    written0 = proc_field(worker, "io", "write_bytes")
    poller = RssPoller(worker)
    poller.start()
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=900)
    start = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={BOUNDARY}")
    conn.putheader("Content-Length", str(len(head) + mib * MIB + len(tail)))
    conn.putheader("Cookie", client.cookie_header())
    conn.endheaders()
    conn.send(head)
    for _ in range(mib):
        conn.send(BLOCK)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - start
    conn.close()
    peak = poller.stop()
    # Accepted is 303 to the thank-you page (POST -> 303 -> GET; the GET is not timed).
    accepted = response.status == 303 and response.getheader("Location", "").endswith("/submitted")
    if not (accepted or (path == "/bare" and response.status == 200)):
        raise RuntimeError(f"POST {path}: {response.status} {body[:300]!r}")
    if server.worker_pids() != [worker]:
        raise RuntimeError("the worker was replaced during the upload:\n" + server.log_tail())
    written = proc_field(worker, "io", "write_bytes") - written0
    new = {p: s for p, s in store_files(server.store_root).items() if p not in before}
    for p in new:  # keep the disk and page cache from filling up across runs
        p.unlink()
    return Upload(seconds, peak, written, sum(new.values()))


BOUNDARY = new_boundary()
BLOCK = os.urandom(MIB)
while BOUNDARY.encode() in BLOCK + BLOCK[:100]:  # practically never
    BLOCK = os.urandom(MIB)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, nargs="+", default=[50, 500])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    log(machine())
    limit = (max(args.mib) + 16) * MIB
    gunicorn = ["--workers", "1", "--timeout", "600", "--limit-request-line", "8190"]
    env = {"WESTRONG_MAX_UPLOAD_BYTES": str(limit)}
    with Server(gunicorn, app="bench._bare:app_from_environment()", env=env) as server:
        client = Client(server.port)
        new_source(client)
        token = csrf(client, "/lookup")
        client.close()
        fields = [("csrf_token", token), ("desk", DESK), ("msg", "bench upload")]
        head = multipart_head(BOUNDARY, fields, "bench.bin")
        tail = f"\r\n--{BOUNDARY}--\r\n".encode()
        (worker,) = server.worker_pids()
        idle = rss_mib(worker)
        log(f"gunicorn {' '.join(gunicorn)}; worker pid {worker}, idle RSS {idle:.1f} MiB")
        failures = []
        for mib in args.mib:
            ours: list[Upload] = []
            bare: list[Upload] = []
            for run in range(1, args.runs + 1):
                ours.append(upload(server, client, "/submit", mib, head, tail))
                bare.append(upload(server, client, "/bare", mib, head, tail))
                o, b = ours[-1], bare[-1]
                log(
                    f"  {mib} MiB run {run}: ours {o.mibs(mib):6.1f} MiB/s "
                    f"(RSS peak {o.peak_rss:.1f} MiB, wrote {o.written / MIB:.2f} MiB for "
                    f"{o.ciphertext / MIB:.2f} MiB ciphertext) | bare {b.mibs(mib):6.1f} MiB/s "
                    f"(RSS peak {b.peak_rss:.1f} MiB, wrote {b.written / MIB:.2f} MiB)"
                )
            ours_mibs = median([u.mibs(mib) for u in ours])
            bare_mibs = median([u.mibs(mib) for u in bare])
            ratio = ours_mibs / bare_mibs
            peak = max(u.peak_rss for u in ours)
            write_ratio = median([u.written / u.ciphertext for u in ours])
            excess_kib = median([(u.written - u.ciphertext) / 1024 for u in ours])
            checks = {
                f"peak RSS {peak:.1f} MiB < {TARGET_RSS_MIB:.0f}": peak < TARGET_RSS_MIB,
                f"ours/bare {ratio:.2f} >= {TARGET_RATIO}": ratio >= TARGET_RATIO,
                f"{ours_mibs:.1f} MiB/s >= {TARGET_MIBS:.0f}": ours_mibs >= TARGET_MIBS,
                f"write_bytes/ciphertext {write_ratio:.4f} ~ 1": abs(write_ratio - 1)
                <= WRITE_TOLERANCE,
            }
            log(
                f"{mib} MiB, median of {args.runs}: ours {ours_mibs:.1f} MiB/s, "
                f"bare {bare_mibs:.1f} MiB/s, ratio {ratio:.2f}; ours RSS peak max {peak:.1f} MiB "
                f"(median {median([u.peak_rss for u in ours]):.1f}), bare RSS peak max "
                f"{max(u.peak_rss for u in bare):.1f} MiB; write_bytes/ciphertext "
                f"{write_ratio:.4f} ({excess_kib:+.0f} KiB: database, fsyncs)"
            )
            for label, ok in checks.items():
                log(f"  {verdict(ok)}  {label}")
                if not ok:
                    failures.append(f"{mib} MiB: {label}")
        log(f"worker VmHWM (lifetime peak) {proc_field(worker, 'status', 'VmHWM') / 1024:.1f} MiB")
    log("all targets met" if not failures else "targets missed: " + "; ".join(failures))


if __name__ == "__main__":
    main()
