"""Export throughput and memory of the reviewer interface: 1 GiB of ciphertext in one case.

Writes --blobs blobs of --blob-mib MiB of random bytes through `store.blobs.BlobStore.writer()`
(opaque ciphertext: they need not be real age files for throughput) and files them as one
case's submissions (`core.tips.file_tip`: one source at one desk). Serves the reviewer app
with gunicorn (1 sync worker) on 127.0.0.1, signs in, and per run:

  export    POST /cases/<id>/export (which=all, csrf_token from the case page): the streamed
            ZIP read to /dev/null by the client; MiB/s from sending the request to the last byte;
  download  GET /cases/<id>/submissions/<sid>/download of one blob, likewise.

While each transfer runs a thread polls the worker's VmRSS (/proc/<pid>/status) every 10 ms;
the peak is printed with the worker's RSS before the transfer. --runs runs, medians.

    .venv/bin/python -m bench.reviewer_export [--blobs 8] [--blob-mib 128] [--runs 3]
"""

from __future__ import annotations

import argparse
import http.client
import random
import secrets
import sys
import threading
import time
from urllib.parse import urlencode

from bench._harness import Client, csrf, log, machine, median, rss_mib
from bench._reviewer_seed import Instance, ReviewerServer, add_desks, add_reviewers, http_sign_in
from core import tips
from crypto.keys import Identity
from store.blobs import BlobStore
from store.db import session_factory
from store.models import Desk, Source, SubmissionKind

MIB = 1024 * 1024
TARGET_RSS_MIB = 100.0
TARGET_MB_S = 205.0  # decimal MB/s: SecureDrop's single ciphertext download, this machine kind
READ = MIB
WRITE = 8 * MIB


def make_case(instance: Instance, desk_id: int, blobs: int, blob_mib: int) -> tuple[int, list[int]]:
    """Write the blobs and record them as one case; return the case id and submission ids."""
    store = BlobStore(instance.config.store_root)
    rng = random.Random(1)
    names = []
    for _ in range(blobs):
        block = rng.randbytes(WRITE)
        with store.writer() as writer:
            left = blob_mib * MIB
            while left > 0:
                writer.write(memoryview(block)[: min(left, WRITE)])
                left -= min(left, WRITE)
            names.append(writer.commit())
    stored = [tips.StoredBlob(SubmissionKind.FILE, n, store.size(n)) for n in names]
    with session_factory(instance.engine)() as session, session.begin():
        desk = session.get(Desk, desk_id)
        if desk is None:
            raise RuntimeError("no desk")
        day = tips.today()
        source = Source(
            lookup_id=secrets.token_hex(32),
            reply_recipient=str(Identity.generate().recipient),
            pending=True,
            created_on=day,
            last_activity_on=day,
        )
        session.add(source)
        case = tips.file_tip(session, store, source, desk, stored)
        return case.id, [s.id for s in case.submissions]


class RssPoller:
    """Poll a process's VmRSS in a thread; keep the peak."""

    def __init__(self, pid: int, every: float = 0.01) -> None:
        self.pid, self.every = pid, every
        self.peak = 0.0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, rss_mib(self.pid))
            self._stop.wait(self.every)

    def __enter__(self) -> RssPoller:
        self.peak = rss_mib(self.pid)
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib(self.pid))


def stream(
    port: int, method: str, path: str, cookie: str, body: bytes = b""
) -> tuple[int, int, float]:
    """Send one request and read the response to /dev/null; return status, bytes, seconds."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    headers = {"Cookie": cookie}
    if method == "POST":
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    buffer = bytearray(READ)
    view = memoryview(buffer)
    total = 0
    with open("/dev/null", "wb") as sink:
        start = time.perf_counter()
        conn.request(method, path, body=body if method == "POST" else None, headers=headers)
        response = conn.getresponse()
        while n := response.readinto(buffer):
            sink.write(view[:n])
            total += n
        seconds = time.perf_counter() - start
    conn.close()
    return response.status, total, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--blobs", type=int, default=8)
    parser.add_argument("--blob-mib", type=int, default=128)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    log(machine())
    with Instance() as instance:
        start = time.perf_counter()
        desk_ids = add_desks(instance, 1)
        case_id, item_ids = make_case(instance, desk_ids[0], args.blobs, args.blob_mib)
        account = add_reviewers(instance, 1, desk_ids)[0]
        log(
            f"wrote {args.blobs} x {args.blob_mib} MiB of random bytes through BlobStore.writer() "
            f"in {time.perf_counter() - start:.1f} s (case {case_id})"
        )
        # A sync worker is killed after --timeout s of one request: leave slow runs room.
        with ReviewerServer(instance, workers=1, extra_args=["--timeout", "300"]) as server:
            worker = server.worker_pids()[0]
            at_start = rss_mib(worker)
            client = Client(server.port)
            if (status := http_sign_in(client, account)) != 303:
                raise RuntimeError(f"sign-in: {status}\n{server.log_tail()}")
            log(
                f"worker RSS: {at_start:.1f} MiB after start (one GET /login), "
                f"{rss_mib(worker):.1f} MiB after signing in"
            )
            exports: list[float] = []
            downloads: list[float] = []
            peaks: list[float] = []
            peaks_dl: list[float] = []
            for run in range(1, args.runs + 1):
                token = csrf(client, f"/cases/{case_id}")
                body = urlencode({"csrf_token": token, "which": "all"}).encode()
                before = rss_mib(worker)
                with RssPoller(worker) as poll:
                    status, size, seconds = stream(
                        server.port,
                        "POST",
                        f"/cases/{case_id}/export",
                        client.cookie_header(),
                        body,
                    )
                if status != 200 or size < args.blobs * args.blob_mib * MIB:
                    raise RuntimeError(f"export: {status}, {size} bytes\n{server.log_tail()}")
                exports.append(size / MIB / seconds)
                peaks.append(poll.peak)
                log(
                    f"run {run}: export {size / MIB:,.1f} MiB in {seconds:.2f} s = "
                    f"{exports[-1]:.0f} MiB/s ({size / seconds / 1e6:.0f} MB/s); worker RSS "
                    f"{before:.1f} MiB before, peak {poll.peak:.1f} MiB"
                )
                path = f"/cases/{case_id}/submissions/{item_ids[run % len(item_ids)]}/download"
                with RssPoller(worker) as poll:
                    status, size, seconds = stream(server.port, "GET", path, client.cookie_header())
                if status != 200 or size != args.blob_mib * MIB:
                    raise RuntimeError(f"download: {status}, {size} bytes\n{server.log_tail()}")
                downloads.append(size / MIB / seconds)
                peaks_dl.append(poll.peak)
                log(
                    f"       download {size / MIB:,.0f} MiB in {seconds:.2f} s = "
                    f"{downloads[-1]:.0f} MiB/s ({size / seconds / 1e6:.0f} MB/s); "
                    f"worker RSS peak {poll.peak:.1f} MiB"
                )
            client.close()
    exp, dl, peak = median(exports), median(downloads), max(peaks)
    log(
        f"median of {args.runs}: export {exp:.0f} MiB/s ({exp * MIB / 1e6:.0f} MB/s), "
        f"download {dl:.0f} MiB/s ({dl * MIB / 1e6:.0f} MB/s); highest worker RSS "
        f"{peak:.1f} MiB (export), {max(peaks_dl):.1f} MiB (download)"
    )
    log("SecureDrop for scale: 205 MB/s for a single ciphertext download on this machine kind")
    for label, ok in (
        (
            f"export {exp * MIB / 1e6:.0f} MB/s >= {TARGET_MB_S:.0f} MB/s",
            exp * MIB / 1e6 >= TARGET_MB_S,
        ),
        (f"worker peak RSS {peak:.1f} MiB < {TARGET_RSS_MIB:.0f} MiB", peak < TARGET_RSS_MIB),
    ):
        log(f"  {'PASS' if ok else 'FAIL'}  {label}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
