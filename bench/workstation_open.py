"""Opening a large export bundle on the workstation, against the reference `age -d`.

Builds (streaming, never in memory) a bundle of FILES file items holding MIB MiB of content
in all, encrypted to a desk key exactly as FORMAT.md §2 and §4 say (64 KiB frames, as the
server writes uploads), then times, interleaved, after one untimed round of each:

- ours: `python -m workstation open BUNDLE -i KEY -o DIR` (hash check + decryption + inner
  format + writing each file under its name; mat2 and the progress bar off);
- age: `age -d -i KEY -o FILE ITEM.age` for every item (the same age files the bundle holds),
  writing to the same disk.

Prints MiB/s of content for both (medians), their ratio (target ours >= 0.5 x age) and each
side's peak RSS (the child's VmHWM; target ours < 100 MiB, flat in the bundle's size). One
more run opens with the passphrase-protected key, to show what unlocking it (scrypt, 2^18)
costs once.

    .venv/bin/python -m bench.workstation_open [--mib 1024] [--files 8] [--runs 3]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from crypto import age, labels
from crypto.inner import InnerWriter
from crypto.keys import Identity
from crypto.signing import SigningKey
from workstation import keys

MIB = 1024 * 1024
FEED_SIZE = 64 * 1024  # webcommon.uploads.FEED_SIZE: the pieces an upload is encrypted in
PASSPHRASE = "bench passphrase, not a secret"  # noqa: S105 (a throwaway key's)


class HashingFile:
    """Write to a file while hashing and counting, as the server does when it stores a blob."""

    def __init__(self, path: Path) -> None:
        self._file = open(path, "wb")  # noqa: SIM115 (closed in close())
        self.sha256 = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes) -> int:
        self.sha256.update(data)
        self.size += len(data)
        return self._file.write(data)

    def close(self) -> None:
        self._file.close()


def build(work: Path, identity: Identity, total_mib: int, count: int) -> tuple[Path, list[Path]]:
    """Write `count` encrypted file items and the bundle holding them; return both."""
    block = bytearray(os.urandom(MIB))
    per_file = total_mib * MIB // count
    entries, sealed = [], []
    for number in range(1, count + 1):
        path = work / f"{number:04d}-file.age"
        out = HashingFile(path)
        header = {
            "kind": "file",
            "date": "2026-11-20",
            "filename": f"evidence-{number}.bin",
            "content_type": "application/octet-stream",
        }
        writer = InnerWriter(age.encryptor(out, [identity.recipient]), header)
        for index in range(per_file // MIB):
            block[:8] = (number * 1_000_000 + index).to_bytes(8, "big")  # no two blocks alike
            # The server writes each 64 KiB piece of an upload as it arrives: one frame each.
            for start in range(0, MIB, FEED_SIZE):
                writer.write(bytes(block[start : start + FEED_SIZE]))
        writer.close()  # closes the encryptor, which writes the final chunk
        out.close()
        sealed.append(path)
        entries.append(
            {
                "path": f"sources/bench-source/{number:04d}-file.age",
                "source": "bench source",
                "desk": "bench",
                "kind": "file",
                "date": "2026-11-20",
                "size": out.size,
                "sha256": out.sha256.hexdigest(),
            }
        )
    bundle = work / "bundle.zip"
    manifest = {
        "format": "westrong-drop/bundle/v2",
        "created": "2026-11-26",
        "instance": "bench",
        "items": entries,
    }
    with zipfile.ZipFile(bundle, "w", zipfile.ZIP_STORED) as zf:
        data = json.dumps(manifest).encode()
        zf.writestr("manifest.json", data)
        # Signed by a throwaway server key, pinned next to the desk key (decision 065).
        signer = SigningKey(os.urandom(32))
        zf.writestr("manifest.sig", signer.sign(labels.BUNDLE_SIGNATURE + data))
        keys.pin_server(work, str(signer.verify_key))
        for entry, path in zip(entries, sealed, strict=True):
            with open(path, "rb") as src, zf.open(str(entry["path"]), "w", force_zip64=True) as dst:
                shutil.copyfileobj(src, dst, MIB)
    return bundle, sealed


def _high_water(pid: int) -> int:
    """Return a process's peak RSS so far (VmHWM), in bytes; 0 once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def timed(argv: list[str], env: dict[str, str] | None = None) -> tuple[float, int]:
    """Run a command after flushing dirty pages; return its wall time and peak RSS in bytes.

    wait4()'s ru_maxrss would include this process's own peak (a forked child inherits its
    parent's high-water mark), so the child's VmHWM is polled instead: it is monotonic, and
    the last reading before exit is its peak to within the polling interval.
    """
    os.sync()  # each run starts without the previous run's writes still pending
    start = time.perf_counter()
    process = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _high_water(process.pid))
        time.sleep(0.005)
    elapsed = time.perf_counter() - start
    if process.returncode != 0:
        error = process.stderr.read().decode() if process.stderr else ""
        raise SystemExit(f"{argv[:4]} failed ({process.returncode}): {error}")
    return elapsed, peak


def run_ours(
    bundle: Path, key: Path, out: Path, env: dict[str, str] | None = None
) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    argv = [
        sys.executable,
        "-m",
        "workstation",
        "open",
        str(bundle),
        "-i",
        str(key),
        "-o",
        str(out),
        "--no-clean",
        "--no-progress",
        "--lang",
        "en",
    ]
    result = timed(argv, env)
    shutil.rmtree(out)
    return result


def run_age(age_bin: str, sealed: list[Path], key: Path, out: Path) -> tuple[float, int]:
    shutil.rmtree(out, ignore_errors=True)
    out.mkdir()
    elapsed, peak = 0.0, 0
    for path in sealed:
        seconds, rss = timed([age_bin, "-d", "-i", str(key), "-o", str(out / path.stem), str(path)])
        elapsed += seconds
        peak = max(peak, rss)
    shutil.rmtree(out)
    return elapsed, peak


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mib", type=int, default=1024, help="content in the bundle, MiB")
    parser.add_argument("--files", type=int, default=8)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", type=Path, default=None, help="where to build (needs 4x MIB)")
    args = parser.parse_args()
    age_bin = shutil.which("age")
    if age_bin is None:
        raise SystemExit("the reference `age` is not installed (apt-get install age)")
    with tempfile.TemporaryDirectory(dir=args.dir, prefix="ws-bench-") as tmp:
        work = Path(tmp)
        # One desk identity, saved both ways: protected (as keygen makes it) and plain (as
        # age-keygen writes it, which is what `age -d -i` is given).
        protected = keys.generate("bench", work / "desk.key.age", PASSPHRASE)
        (identity,) = keys.read_key_file(protected.key_path, lambda: PASSPHRASE)
        key = work / "desk-key.txt"
        key.write_text(identity.encode() + "\n")
        started = time.perf_counter()
        bundle, sealed = build(work, identity, args.mib, args.files)
        built = time.perf_counter() - started
        ours_t, ours_rss, age_t, age_rss = [], [], [], []
        # One untimed round first: on this VM, memory the guest never touched before is slow
        # to fault in, so whichever side writes first would pay for it alone.
        run_ours(bundle, key, work / "out-ours")
        run_age(age_bin, sealed, key, work / "out-age")
        for _ in range(args.runs):  # interleaved, so noise hits both sides alike
            seconds, rss = run_ours(bundle, key, work / "out-ours")
            ours_t.append(seconds)
            ours_rss.append(rss)
            seconds, rss = run_age(age_bin, sealed, key, work / "out-age")
            age_t.append(seconds)
            age_rss.append(rss)
        env = {**os.environ, "WESTRONG_KEY_PASSPHRASE": PASSPHRASE}
        unlock_t, unlock_rss = run_ours(bundle, protected.key_path, work / "out-ours", env)
        bundle_mib = bundle.stat().st_size / MIB

    ours = args.mib / statistics.median(ours_t)
    reference = args.mib / statistics.median(age_t)
    age_version = subprocess.run([age_bin, "--version"], capture_output=True, text=True).stdout
    print(
        f"machine: {platform.node()} {platform.machine()} {os.cpu_count()} cpus, "
        f"Python {platform.python_version()}, age {age_version.strip()}"
    )
    print(
        f"bundle: {args.files} files, {args.mib} MiB of content, {bundle_mib:.1f} MiB on disk "
        f"(built in {built:.1f} s); {args.runs} interleaved runs, medians"
    )
    ratio = ours / reference
    each = " ".join(f"{t:.2f}" for t in ours_t), " ".join(f"{t:.2f}" for t in age_t)
    print(f"runs (s): ours {each[0]} | age -d {each[1]}")
    print(f"open     ours {ours:8.1f} MiB/s   age -d {reference:8.1f} MiB/s   ratio {ratio:.3f}")
    print(f"peak RSS ours {max(ours_rss) / MIB:6.1f} MiB     age -d {max(age_rss) / MIB:6.1f} MiB")
    print(
        f"with the passphrase-protected key (scrypt 2^18, once): {args.mib / unlock_t:.1f} MiB/s, "
        f"peak RSS {unlock_rss / MIB:.1f} MiB"
    )


if __name__ == "__main__":
    main()
