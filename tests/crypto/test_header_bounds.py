"""A hostile age header is bounded: it fails closed, and memory stays flat (issue 9, finding 6).

The memory tests feed a 200 MiB header of endless 64-column body lines to real subprocesses
(`python -m crypto decrypt` and `python -m workstation open`) and read their peak RSS from
wait4(): today's parser held such a header whole (1.3 GiB).
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from crypto import age, labels
from crypto.errors import HeaderError, HeaderTooLargeError
from crypto.header import VERSION_LINE, read_header
from crypto.keys import Identity
from crypto.signing import SigningKey
from workstation.keys import pin_server

IDENTITY = Identity.generate()
ROOT = Path(__file__).resolve().parents[2]
HOSTILE_SIZE = 200 * 1024 * 1024
BODY_LINE = b"A" * 64 + b"\n"
OPENING = b"-> X25519 " + b"A" * 43 + b"\n"
FLAT = 24 * 1024  # KiB of peak RSS a hostile header may add to a normal run


def header(*stanzas: bytes) -> bytes:
    return VERSION_LINE + b"\n" + b"".join(stanzas) + b"--- " + b"A" * 43 + b"\n"


def stanza(body_lines: int, last: bytes = b"AAAA\n", opening: bytes = OPENING) -> bytes:
    return opening + BODY_LINE * body_lines + last


def hostile_chunks() -> Iterator[bytes]:
    """The start of an age file whose one stanza body never ends: HOSTILE_SIZE bytes."""
    yield VERSION_LINE + b"\n" + OPENING
    block = BODY_LINE * (1024 * 1024 // len(BODY_LINE))
    for _ in range(HOSTILE_SIZE // len(block)):
        yield block


@pytest.mark.parametrize(
    ("data", "what"),
    [
        (VERSION_LINE + b"\n" + b"-> X25519 " + b"A" * 10_000 + b"\n", "line"),
        (header(stanza(2000)), "stanza"),  # 2000 full lines: 130 KiB in one stanza
        (header(*[stanza(900)] * 20), "header"),  # 20 stanzas of 58 KiB: past 1 MiB
        (header(*[stanza(0)] * 1025), "stanzas"),
    ],
    ids=["line", "stanza", "header", "count"],
)
def test_each_bound_fails_closed_with_its_own_error(data: bytes, what: str) -> None:
    with pytest.raises(HeaderTooLargeError, match=what):
        read_header(io.BytesIO(data))
    with pytest.raises(HeaderTooLargeError):
        age.decrypt_bytes(data + bytes(100), [IDENTITY])


def test_a_truncated_header_is_not_called_too_large() -> None:
    with pytest.raises(HeaderError) as raised:
        read_header(io.BytesIO(VERSION_LINE + b"\n" + OPENING + b"AAAA"))
    assert not isinstance(raised.value, HeaderTooLargeError)


def test_headers_within_the_bounds_still_open() -> None:
    """What we write opens; an unknown (grease) stanza of 35 KiB is still parsed."""
    sealed = age.encrypt_bytes(b"tip", [IDENTITY.recipient] * 20)
    assert age.decrypt_bytes(sealed, [IDENTITY]) == b"tip"
    parsed = read_header(io.BytesIO(header(stanza(750, opening=b"-> grease x\n"))))
    assert len(parsed.stanzas[0].body) == 750 * 48 + 3


def _peak_rss_kib(
    args: list[str], log: Path, stdin: Iterator[bytes] | None = None
) -> tuple[int, int, str]:
    """Run a command to its end; return its exit status, peak RSS (KiB) and standard error."""
    with open(log, "wb") as err:
        proc = subprocess.Popen(
            args,
            cwd=ROOT,
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
    feeder = threading.Thread(target=_feed, args=(proc, stdin or iter(())), daemon=True)
    feeder.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()
        proc.wait()
        raise
    finally:
        feeder.join(timeout=30)
    proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, usage.ru_maxrss, log.read_text("utf-8", "replace")


def _feed(proc: subprocess.Popen[bytes], chunks: Iterator[bytes]) -> None:
    if proc.stdin is None:
        return
    with contextlib.suppress(BrokenPipeError):  # the reader gave up early: as it should
        for chunk in chunks:
            proc.stdin.write(chunk)
    with contextlib.suppress(BrokenPipeError):
        proc.stdin.close()


@pytest.mark.slow
def test_crypto_cli_memory_stays_flat_on_a_200_mib_header(tmp_path: Path) -> None:
    key = tmp_path / "key.txt"
    key.write_text(IDENTITY.encode() + "\n")
    command = [sys.executable, "-m", "crypto", "decrypt", "-i", str(key)]
    small = age.encrypt_bytes(b"tip", [IDENTITY.recipient])
    status, baseline, _ = _peak_rss_kib(command, tmp_path / "small.log", iter([small]))
    assert status == 0
    status, peak, err = _peak_rss_kib(command, tmp_path / "hostile.log", hostile_chunks())
    assert status == 1
    assert "stanza larger than" in err
    assert peak < baseline + FLAT, (peak, baseline)


_SIGNER = SigningKey(bytes(range(32)))


def _write_bundle(path: Path, item: Iterator[bytes], size: int, digest: str) -> None:
    entry = {
        "path": "sources/brave-otter/0001-file.age",
        "source": "brave otter",
        "desk": "nacc",
        "kind": "file",
        "date": "2026-11-20",
        "size": size,
        "sha256": digest,
    }
    manifest = {
        "format": "westrong-drop/bundle/v2",
        "created": "2026-11-26",
        "instance": "WE STRONG Drop",
        "items": [entry],
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        data = json.dumps(manifest).encode()
        zf.writestr("manifest.json", data)
        zf.writestr("manifest.sig", _SIGNER.sign(labels.BUNDLE_SIGNATURE + data))
        with zf.open(str(entry["path"]), "w", force_zip64=True) as out:
            for chunk in item:
                out.write(chunk)


@pytest.mark.slow
def test_workstation_memory_stays_flat_on_a_200_mib_header(tmp_path: Path) -> None:
    key = tmp_path / "desk-key.txt"
    key.write_text(f"# test desk\n{IDENTITY.encode()}\n")
    pin_server(tmp_path, str(_SIGNER.verify_key))
    digest, size = hashlib.sha256(), 0
    for chunk in hostile_chunks():
        digest.update(chunk)
        size += len(chunk)
    hostile = tmp_path / "hostile.zip"
    _write_bundle(hostile, hostile_chunks(), size, digest.hexdigest())
    small = age.encrypt_bytes(b"tip", [IDENTITY.recipient])
    normal = tmp_path / "normal.zip"
    _write_bundle(normal, iter([small]), len(small), hashlib.sha256(small).hexdigest())

    def open_bundle(bundle: Path, out: str) -> tuple[int, int, str]:
        args = ["open", str(bundle), "-i", str(key), "-o", str(tmp_path / out), "--no-clean"]
        return _peak_rss_kib([sys.executable, "-m", "workstation", *args], tmp_path / f"{out}.log")

    _, baseline, _ = open_bundle(normal, "normal")
    status, peak, err = open_bundle(hostile, "hostile")
    hostile.unlink()
    assert status != 0
    assert "header is too large" in err or "ส่วนหัว" in err, err[-2000:]
    assert peak < baseline + FLAT, (peak, baseline)
