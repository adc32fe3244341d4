"""Reviewer sign-in latency at the production hashing parameters.

Seeds a fresh instance with --count + 2 reviewer accounts (Argon2id at the configured default
cost, t=3, m=64 MiB, p=2: the bench refuses to run at a lower one) and serves the reviewer app
with gunicorn (2 sync workers) on 127.0.0.1. Each sign-in is a new browser: a new connection,
GET /login (the form and its CSRF token), POST /login with username, passphrase and the current
TOTP code -> 303. Each account signs in once: a TOTP code works once per account, so the
accounts are many rather than the sign-ins of one. The first two sign-ins warm the workers and
are not counted. Sequential; median and p95 of the whole sign-in and of the POST alone, and,
interleaved with them, of one Argon2id verify in this process (the floor of a sign-in).

    .venv/bin/python -m bench.reviewer_signin [--count 30]
"""

from __future__ import annotations

import argparse
import sys
import time

from bench._harness import Client, csrf, log, machine, median, p95
from bench._reviewer_seed import (
    Account,
    Instance,
    ReviewerServer,
    add_desks,
    add_reviewers,
    production_hash,
    sign_in_fields,
)
from config import ReviewerConfig
from crypto import passphrase as passphrases

WARMUP = 2
SECUREDROP_MS = 193  # Argon2id 64 MiB, t=4, p=2


def timed_sign_in(port: int, account: Account) -> tuple[float, float]:
    """One sign-in by a new browser; return (whole, POST only) seconds."""
    client = Client(port)
    start = time.perf_counter()
    token = csrf(client, "/login")
    posted = time.perf_counter()
    response = client.post_form("/login", sign_in_fields(token, account))
    end = time.perf_counter()
    client.close()
    if response.status != 303 or "rsid" not in client.cookies:
        raise RuntimeError(f"sign-in of {account.username}: {response.status}")
    return end - start, end - posted


def check_production_cost(config: ReviewerConfig) -> None:
    defaults = ReviewerConfig.__dataclass_fields__
    wanted = (defaults["passphrase_time_cost"].default, defaults["passphrase_memory_kib"].default)
    if (config.passphrase_time_cost, config.passphrase_memory_kib) != wanted:
        raise SystemExit("the instance must use the production passphrase hashing cost")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=30)
    args = parser.parse_args()
    log(machine())
    with Instance() as instance:
        config = instance.config
        check_production_cost(config)
        log(
            f"passphrase hashing: Argon2id t={config.passphrase_time_cost}, "
            f"m={config.passphrase_memory_kib // 1024} MiB, p=2"
        )
        hasher = passphrases.make_hasher(config.passphrase_time_cost, config.passphrase_memory_kib)
        words, hashed = production_hash(config)
        accounts = add_reviewers(instance, args.count + WARMUP, add_desks(instance, 1))
        with ReviewerServer(instance, workers=2) as server:
            for account in accounts[:WARMUP]:
                timed_sign_in(server.port, account)
            whole: list[float] = []
            posts: list[float] = []
            verifies: list[float] = []
            for account in accounts[WARMUP:]:
                total, post = timed_sign_in(server.port, account)
                whole.append(total)
                posts.append(post)
                start = time.perf_counter()
                passphrases.verify(hashed, words, hasher)
                verifies.append(time.perf_counter() - start)
    log(
        f"sign-in (GET /login + POST /login -> 303), {args.count} sequential, 2 sync workers: "
        f"median {median(whole) * 1000:.0f} ms, p95 {p95(whole) * 1000:.0f} ms"
    )
    log(
        f"  of which POST /login: median {median(posts) * 1000:.0f} ms, "
        f"p95 {p95(posts) * 1000:.0f} ms"
    )
    log(
        f"  reference, one Argon2id verify in this process (interleaved): median "
        f"{median(verifies) * 1000:.0f} ms, p95 {p95(verifies) * 1000:.0f} ms"
    )
    log(f"SecureDrop for scale: {SECUREDROP_MS} ms (Argon2id 64 MiB, t=4, p=2)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
