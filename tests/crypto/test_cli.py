"""`python -m crypto`: files, stdin/stdout, exit status 1 and a one-line error."""

import subprocess
import sys
from pathlib import Path

import pytest

from crypto.keys import IDENTITY_HRP

CLI = [sys.executable, "-m", "crypto"]


def run(*args: str, data: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run([*CLI, *args], input=data, capture_output=True, check=False)


@pytest.fixture
def key(tmp_path: Path) -> Path:
    path = tmp_path / "id.txt"
    assert run("keygen", "-o", str(path)).returncode == 0
    return path


def recipient_of(key: Path) -> str:
    line = next(x for x in key.read_text().splitlines() if x.startswith("# public key: "))
    return line.split(": ", 1)[1]


def test_keygen_to_stdout_prints_public_key_comment_then_identity() -> None:
    result = run("keygen")
    lines = result.stdout.decode().splitlines()
    assert result.returncode == 0
    assert lines[-2].startswith("# public key: age1")
    assert lines[-1].startswith(IDENTITY_HRP.upper() + "1")


def test_keygen_refuses_to_overwrite(key: Path) -> None:
    result = run("keygen", "-o", str(key))
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1


def test_file_round_trip_with_several_recipients(key: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    run("keygen", "-o", str(other))
    src, enc, dec = tmp_path / "in", tmp_path / "in.age", tmp_path / "out"
    src.write_bytes(b"x" * 100_000)
    args = ["-r", recipient_of(key), "-r", recipient_of(other), "-o", str(enc), str(src)]
    assert run("encrypt", *args).returncode == 0
    for identity in (key, other):
        dec.unlink(missing_ok=True)
        assert run("decrypt", "-i", str(identity), "-o", str(dec), str(enc)).returncode == 0
        assert dec.read_bytes() == src.read_bytes()


@pytest.mark.parametrize(
    "args",
    [
        ("encrypt", "-r", "age1notarecipient"),
        ("encrypt", "-r", IDENTITY_HRP.upper() + "1QQQQ"),
        ("decrypt", "-i", "/nonexistent/identity"),
        ("frobnicate",),
    ],
)
def test_errors_exit_1_with_one_line(args: tuple[str, ...]) -> None:
    result = run(*args, data=b"data")
    assert result.returncode == 1
    assert result.stderr.decode().count("\n") == 1
    assert result.stderr.decode().startswith("error: ")


def test_wrong_key_fails_and_leaves_no_output_file(key: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.txt"
    run("keygen", "-o", str(other))
    ciphertext = run("encrypt", "-r", recipient_of(key), data=b"secret").stdout
    out = tmp_path / "out"
    result = run("decrypt", "-i", str(other), "-o", str(out), data=ciphertext)
    assert result.returncode == 1
    assert b"no identity matches" in result.stderr
    assert not out.exists()
    assert not list(tmp_path.glob("out*"))


def test_truncated_file_leaves_no_output_file(key: Path, tmp_path: Path) -> None:
    ciphertext = run("encrypt", "-r", recipient_of(key), data=b"y" * 200_000).stdout
    out = tmp_path / "out"
    result = run("decrypt", "-i", str(key), "-o", str(out), data=ciphertext[:-100])
    assert result.returncode == 1
    assert not list(tmp_path.glob("out*"))
