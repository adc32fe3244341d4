"""Backup and restore time and peak memory (`manage.py backup` / `restore`), against
`tar | age` and `age -d | tar -x` on the same data in the same run, printed as ratios.

    python -m bench.backup_restore                 # 10,000 sources, 1 GiB of blobs
    python -m bench.backup_restore --sources 100 --mib 8    # a smoke run

The instance is seeded straight into the database (sources, cases, one submission each) and
the store (random bytes stand for ciphertext; a backup never looks inside a blob).
Each command runs `--rounds` times (default 3), the order reversed every other round so that
neither side always finds the blobs in the page cache; medians are printed with every run.
Ours fsyncs the archive (and syncs the restored store), so the fair backup reference is
`tar | age > FILE && sync`; the plain one is printed too. `--cold` (root) drops the page
cache before every command, as for a server whose blobs are not in memory.
Target: peak RSS under 150 MiB, time close to `tar | age`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import shutil
import statistics
import subprocess
import tempfile
import time
from pathlib import Path

from bench._harness import VENV_BIN, log, machine
from store.blobs import BlobStore
from store.db import make_engine, session_factory
from store.models import Case, CaseStatus, Desk, Source, Submission, SubmissionKind

TARGET_RSS_MIB = 150


def _tree(pid: int) -> list[int]:
    """A process and all its descendants."""
    found, queue = [], [pid]
    while queue:
        current = queue.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children", encoding="ascii") as f:
                queue.extend(int(p) for p in f.read().split())
        except FileNotFoundError:
            pass
    return found


def _hwm_kib(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        pass
    return 0


def run(argv: list[str] | str, env: dict[str, str] | None = None) -> tuple[float, float]:
    """Run a command (a list, or a shell pipeline given as one string); return (seconds,
    the largest peak RSS of any of its processes, MiB), sampled from /proc every 20 ms."""
    start = time.monotonic()
    shell = isinstance(argv, str)
    proc = subprocess.Popen(argv, env=env, shell=shell)  # our own commands
    peaks: dict[int, int] = {}
    while proc.poll() is None:
        for pid in _tree(proc.pid):
            if pid != proc.pid or not shell:
                peaks[pid] = max(peaks.get(pid, 0), _hwm_kib(pid))
        time.sleep(0.02)
    seconds = time.monotonic() - start
    if proc.returncode != 0:
        raise RuntimeError(f"{argv!r} failed with {proc.returncode}")
    return seconds, max(peaks.values(), default=0) / 1024


def _empty(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir()


def seed(folder: Path, sources: int, mib: int) -> tuple[str, Path]:
    subprocess.run(
        [str(VENV_BIN / "python"), "manage.py", "init-dev", "--instance", str(folder)],
        check=True,
        capture_output=True,
    )
    url = f"sqlite:///{folder / 'westrong.sqlite'}"
    blobs = BlobStore(folder / "store")
    size = max(1, mib * 1024 * 1024 // sources)
    day = dt.date.today()
    engine = make_engine(url)
    with session_factory(engine)() as session, session.begin():
        desk = session.query(Desk).one()
        for i in range(sources):
            with blobs.writer() as writer:
                writer.write(os.urandom(size))
                name = writer.commit()
            source = Source(
                lookup_id=f"{i:064x}",
                reply_recipient="age1" + "q" * 58,
                pending=False,
                created_on=day,
                last_activity_on=day,
            )
            case = Case(
                source=source,
                desk=desk,
                designation=f"bench case {i}",
                last_activity_on=day,
                status=CaseStatus.RECEIVED,
                received_on=day,
                starred=False,
            )
            session.add(case)
            session.add(
                Submission(
                    case=case,
                    kind=SubmissionKind.FILE,
                    blob_name=name,
                    ciphertext_size=size,
                    ciphertext_sha256=writer.sha256,
                    created_on=day,
                    seen=False,
                )
            )
    engine.dispose()
    return url, folder / "store"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sources", type=int, default=10_000)
    parser.add_argument("--mib", type=int, default=1024)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--cold", action="store_true", help="drop the page cache before each run")
    args = parser.parse_args()
    age, keygen = shutil.which("age"), shutil.which("age-keygen")
    if not age or not keygen:
        raise SystemExit("needs the age and age-keygen tools (make system-tools)")
    log(machine())
    work = Path(tempfile.mkdtemp(prefix="westrong-bench-backup-"))
    try:
        key = work / "backup.key"
        subprocess.run([keygen, "-o", str(key)], check=True, capture_output=True)
        found = re.search(r"public key: (age1\w+)", key.read_text())
        if found is None:
            raise SystemExit("age-keygen printed no public key")
        recipient = found.group(1)
        live = work / "live"
        log(f"seeding {args.sources} sources with {args.mib} MiB of blobs …")
        seed(live, args.sources, args.mib)
        env = {**os.environ, "WESTRONG_CONFIG": str(live / "config.toml")}
        python = str(VENV_BIN / "python")
        fresh, unpacked = work / "fresh", work / "unpacked"
        fresh_env = {
            **env,
            "WESTRONG_DATABASE_URL": f"sqlite:///{fresh / 'westrong.sqlite'}",
            "WESTRONG_STORE_ROOT": str(fresh / "store"),
        }
        archive, reference = work / "backup.age", work / "reference.age"
        packed = f"tar -cf - -C {live} westrong.sqlite store | {age} -r {recipient} > {reference}"
        commands: dict[
            str, list[str] | str
        ] = {  # ours syncs what it wrote; so does a fair reference
            "backup": [python, "manage.py", "backup", "--recipient", recipient, "-o", str(archive)],
            "tar|age": packed,
            "tar|age&&sync": f"{packed} && sync",
            "restore": [python, "manage.py", "restore", str(archive), "-i", str(key)],
            "age-d|tar&&sync": f"{age} -d -i {key} {reference} | tar -xf - -C {unpacked} && sync",
        }
        times: dict[str, list[float]] = {name: [] for name in commands}
        peaks: dict[str, float] = dict.fromkeys(commands, 0.0)
        for round_ in range(args.rounds):
            # Alternate who goes first: the second reader finds the blobs in the page cache.
            order = list(commands) if round_ % 2 == 0 else list(reversed(commands))
            for name in order:
                # (Round 0 runs in order, so each archive exists before its restore.)
                if name == "restore":
                    _empty(fresh)
                if name.startswith("age-d"):
                    _empty(unpacked)
                subprocess.run(["sync"], check=True)
                if args.cold:
                    Path("/proc/sys/vm/drop_caches").write_text("1\n")  # root only
                seconds, rss = run(commands[name], fresh_env if name == "restore" else env)
                times[name].append(seconds)
                peaks[name] = max(peaks[name], rss)
        size_mib = archive.stat().st_size / 1024 / 1024
        log(f"archive: {size_mib:.0f} MiB; {args.rounds} rounds, medians (all runs in seconds)")
        median = {name: statistics.median(runs) for name, runs in times.items() if runs}
        for name, runs in times.items():
            log(
                f"  {name}: {median[name]:.1f} s  {[round(r, 1) for r in runs]}  "
                f"peak RSS {peaks[name]:.0f} MiB"
            )
        for label, ours, refs in (
            ("backup", "backup", ("tar|age", "tar|age&&sync")),
            ("restore", "restore", ("age-d|tar&&sync",)),
        ):
            verdict = "ok" if peaks[ours] < TARGET_RSS_MIB else "OVER TARGET"
            ratios = ", ".join(f"{median[ours] / median[r]:.2f}x {r}" for r in refs)
            log(
                f"{label}: {median[ours]:.1f} s ({size_mib / median[ours]:.0f} MiB/s), "
                f"peak RSS {peaks[ours]:.0f} MiB [{verdict}, target < {TARGET_RSS_MIB}]; "
                f"ratio {ratios}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
