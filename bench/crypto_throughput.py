"""Throughput of our streaming age encryption and decryption against raw libsodium.

Prints, for a 256 MiB stream, MiB/s of `crypto.age.encrypt` / `decrypt` and of bare
ChaCha20-Poly1305-IETF through PyNaCl in 64 KiB chunks on the same data in the same process,
their ratio (target >= 0.8 both ways), and the median codename derivation time.
Medians of several runs: the machine is shared and noisy.

    .venv/bin/python -m bench.crypto_throughput [--mib 256] [--runs 5]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import statistics
import time

from nacl import bindings

from crypto import age
from crypto.keys import Identity
from crypto.source_identity import DEFAULT_PARAMS, derive

CHUNK = 64 * 1024


class NullSink:
    """Discard writes, so the figures measure crypto, not memory copies."""

    def write(self, data: bytes) -> int:
        return len(data)


def timed(fn: object) -> float:
    start = time.perf_counter()
    fn()  # type: ignore[operator]
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=256)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--kdf-runs", type=int, default=7)
    args = parser.parse_args()
    size = args.mib * 1024 * 1024
    data = os.urandom(size)
    key, nonce = os.urandom(32), bytes(12)
    identity = Identity.generate()
    ciphertext_io = io.BytesIO()
    age.encrypt(io.BytesIO(data), ciphertext_io, [identity.recipient])
    ciphertext = ciphertext_io.getvalue()
    sealed = b"".join(
        bindings.crypto_aead_chacha20poly1305_ietf_encrypt(data[i : i + CHUNK], None, nonce, key)
        for i in range(0, size, CHUNK)
    )

    # The reference reads its chunks from a stream too, so the ratio isolates what the age
    # format adds (header, per-chunk nonces, last-chunk lookahead), not the cost of reading.
    def raw_encrypt() -> None:
        src = io.BytesIO(data)
        while chunk := src.read(CHUNK):
            bindings.crypto_aead_chacha20poly1305_ietf_encrypt(chunk, None, nonce, key)

    def raw_decrypt() -> None:
        src = io.BytesIO(sealed)
        while chunk := src.read(CHUNK + 16):
            bindings.crypto_aead_chacha20poly1305_ietf_decrypt(chunk, None, nonce, key)

    def ours_encrypt() -> None:
        age.encrypt(io.BytesIO(data), NullSink(), [identity.recipient])

    def ours_decrypt() -> None:
        age.decrypt(io.BytesIO(ciphertext), NullSink(), [identity])

    results: dict[str, list[float]] = {
        k: [] for k in ("raw_enc", "ours_enc", "raw_dec", "ours_dec")
    }
    for _ in range(args.runs):  # interleaved, so noise hits both sides alike
        results["raw_enc"].append(timed(raw_encrypt))
        results["ours_enc"].append(timed(ours_encrypt))
        results["raw_dec"].append(timed(raw_decrypt))
        results["ours_dec"].append(timed(ours_decrypt))
    speed = {k: args.mib / statistics.median(v) for k, v in results.items()}

    kdf = [
        timed(lambda: derive("abacus zoom yo-yo", key, DEFAULT_PARAMS))
        for _ in range(args.kdf_runs)
    ]

    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, libsodium via PyNaCl"
    )
    print(f"stream: {args.mib} MiB, {args.runs} runs, medians")
    print(
        f"encrypt  ours {speed['ours_enc']:8.1f} MiB/s   raw {speed['raw_enc']:8.1f} MiB/s   "
        f"ratio {speed['ours_enc'] / speed['raw_enc']:.3f}"
    )
    print(
        f"decrypt  ours {speed['ours_dec']:8.1f} MiB/s   raw {speed['raw_dec']:8.1f} MiB/s   "
        f"ratio {speed['ours_dec'] / speed['raw_dec']:.3f}"
    )
    print(
        f"codename derivation (Argon2id t={DEFAULT_PARAMS.ops}, m={DEFAULT_PARAMS.mem >> 20} MiB): "
        f"median {statistics.median(kdf) * 1000:.0f} ms, "
        f"min {min(kdf) * 1000:.0f} ms, max {max(kdf) * 1000:.0f} ms over {args.kdf_runs}"
    )


if __name__ == "__main__":
    main()
