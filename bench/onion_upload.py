"""A 20 MiB upload through a private Tor network to our source onion, against the same bytes
to a bare sink behind the same onion (read and discard), interleaved.

Everything on 127.0.0.1: 3 directory authorities and 3 relays made with Debian's tor
(tests/tornet.py), the onion-service tor on the torrc `manage.py onion-config` writes, the
source interface under deploy/gunicorn/source.py, one Tor client. Target: ours/bare >= 0.8
(Tor is the bottleneck; the app must not be).

    .venv/bin/python -m bench.onion_upload [--mib 20] [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench._harness import (
    DESK,
    VENV_BIN,
    Server,
    csrf,
    log,
    machine,
    median,
    multipart_head,
    new_boundary,
    new_source,
)
from tests.tornet import OnionClient, OnionConnection, TorNet, wait_for

MIB = 1024 * 1024
TARGET = 0.8
# Run from the checkout (python -m bench.NAME): the configuration the tests run, by its path.
GUNICORN_CONFIG = Path("deploy/gunicorn/source.py")


def upload(socks: int, onion: str, path: str, cookie: str, head: bytes, tail: bytes,
           block: bytes, mib: int, boundary: str) -> float:  # fmt: skip
    """POST head + mib MiB + tail through Tor; return MiB/s."""
    conn = OnionConnection(socks, onion, timeout=600)
    start = time.perf_counter()
    conn.putrequest("POST", path)
    conn.putheader("Content-Type", f"multipart/form-data; boundary={boundary}")
    conn.putheader("Content-Length", str(len(head) + mib * MIB + len(tail)))
    conn.putheader("Cookie", cookie)
    conn.endheaders()
    conn.send(head)
    for _ in range(mib):
        conn.send(block)
    conn.send(tail)
    response = conn.getresponse()
    body = response.read()
    seconds = time.perf_counter() - start
    conn.close()
    if response.status != 200:
        raise RuntimeError(f"POST {path}: {response.status} {body[:200]!r}")
    return mib / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mib", type=int, default=20)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    log(machine())
    work = Path(tempfile.mkdtemp(prefix="westrong-onion-bench-"))
    env = {"WESTRONG_MAX_UPLOAD_BYTES": str((args.mib + 16) * MIB)}
    gunicorn = ["-c", str(GUNICORN_CONFIG.resolve())]
    with Server(gunicorn, app="bench._bare:app_from_environment()", env=env) as server:
        cli_env = {
            **os.environ,
            "WESTRONG_CONFIG": str(server.dir / "config.toml"),
            "WESTRONG_CLI_ONION_SOURCE_TARGET": f"127.0.0.1:{server.port}",
        }
        subprocess.run(
            [str(VENV_BIN / "python"), "manage.py", "onion-config", "--out", str(work / "onion")],
            check=True,
            capture_output=True,
            env=cli_env,
        )
        onion = (work / "onion" / "source" / "hostname").read_text().strip()
        with TorNet(work / "net") as net:
            net.service("service", work / "onion" / "torrc")
            client = net.client("client")
            up = net.wait_relays(timeout=120)
            net.wait_bootstrapped([client], timeout=90)
            log(f"private network up in {up:.1f} s; client bootstrapped")
            browser = OnionClient(client.socks_port, onion, timeout=60)

            def front() -> bool:
                try:
                    return browser.get("/").status == 200
                except OSError:
                    browser.close()
                    raise

            wait_for("source onion", front, timeout=90)
            new_source(browser)
            token = csrf(browser, "/lookup")
            cookie = browser.cookie_header()
            browser.close()
            boundary = new_boundary()
            head = multipart_head(
                boundary, [("csrf_token", token), ("desk", DESK), ("msg", "bench")], "b.bin"
            )
            tail = f"\r\n--{boundary}--\r\n".encode()
            block = os.urandom(MIB)
            ours: list[float] = []
            bare: list[float] = []
            for run in range(1, args.runs + 1):
                for name, path, results in (("ours", "/submit", ours), ("bare", "/bare", bare)):
                    results.append(
                        upload(
                            client.socks_port,
                            onion,
                            path,
                            cookie,
                            head,
                            tail,
                            block,
                            args.mib,
                            boundary,
                        )
                    )
                    log(f"  run {run} {name}: {args.mib} MiB at {results[-1]:.2f} MiB/s")
            ratio = median(ours) / median(bare)
            log(
                f"{args.mib} MiB through Tor: ours {median(ours):.2f} MiB/s, bare sink "
                f"{median(bare):.2f} MiB/s, ratio {ratio:.2f} (target >= {TARGET}): "
                + ("PASS" if ratio >= TARGET else "FAIL")
            )
    return 0 if ratio >= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
