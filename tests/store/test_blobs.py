"""The blob store: streaming roundtrips, atomic commits, modes, name confinement, deletion."""

import os
import re
import secrets
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from store.blobs import BlobStore
from store.errors import BlobNotFoundError, StoreError, UnsafeBlobNameError

NAME_RE = re.compile(r"[0-9a-f]{32}\.age")
REPO = Path(__file__).resolve().parent.parent.parent
MIB = 1024 * 1024


@pytest.fixture
def store(tmp_path: Path) -> BlobStore:
    return BlobStore(tmp_path / "blobs")


def _put(store: BlobStore, data: bytes) -> str:
    with store.writer() as w:
        w.write(data)
        return w.commit()


def _read(store: BlobStore, name: str) -> bytes:
    with store.open(name) as f:
        return f.read()


def _blob_files(store: BlobStore) -> list[Path]:
    return [p for p in store.root.rglob("*") if p.is_file() and p.parent != store.root / "tmp"]


def _temp_files(store: BlobStore) -> list[Path]:
    return list((store.root / "tmp").iterdir())


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.lstat().st_mode)


def _fresh_name() -> str:
    return secrets.token_hex(16) + ".age"


# Roundtrips


@pytest.mark.parametrize("data", [b"", b"age-encryption.org/v1\nsmall"], ids=["empty", "small"])
def test_roundtrip(store: BlobStore, data: bytes) -> None:
    name = _put(store, data)
    assert _read(store, name) == data
    assert store.size(name) == len(data)
    assert store.exists(name)


def test_roundtrip_5_mib_in_64_kib_chunks(store: BlobStore) -> None:
    chunks = [os.urandom(64 * 1024) for _ in range(5 * 16)]
    with store.writer() as w:
        for chunk in chunks:
            w.write(chunk)
        assert w.bytes_written == 5 * MIB
        name = w.commit()
    assert store.size(name) == 5 * MIB
    assert _read(store, name) == b"".join(chunks)


def test_commit_returns_a_valid_sharded_name(store: BlobStore) -> None:
    with store.writer() as w:
        w.write(b"abc")
        w.write(memoryview(b"de"))
        assert w.bytes_written == 5
        name = w.commit()
    assert NAME_RE.fullmatch(name)
    assert store.path(name) == store.root / name[:2] / name
    assert store.path(name).is_absolute()
    assert _blob_files(store) == [store.path(name)]
    assert _temp_files(store) == []


def test_names_are_unique(store: BlobStore) -> None:
    names = {_put(store, b"x") for _ in range(20)}
    assert len(names) == 20


# Nothing left behind


def test_exception_in_with_block_leaves_nothing(store: BlobStore) -> None:
    def write_then_fail() -> None:
        with store.writer() as w:
            w.write(b"partial ciphertext")
            raise RuntimeError("boom")

    with pytest.raises(RuntimeError, match="boom"):
        write_then_fail()
    assert _temp_files(store) == []
    assert _blob_files(store) == []


def test_writer_without_commit_leaves_nothing(store: BlobStore) -> None:
    with store.writer() as w:
        w.write(b"never committed")
    assert _temp_files(store) == []
    assert _blob_files(store) == []
    assert sorted(p.name for p in store.root.iterdir()) == ["tmp"]


def test_blob_is_not_in_place_before_commit(store: BlobStore) -> None:
    with store.writer() as w:
        w.write(b"x" * 1000)
        assert _blob_files(store) == []
        assert list(store.root.rglob("*.age")) == []
        assert len(_temp_files(store)) == 1
        name = w.commit()
        assert _temp_files(store) == []
        assert _blob_files(store) == [store.path(name)]


def test_writer_refuses_use_outside_its_block(store: BlobStore) -> None:
    w = store.writer()
    with pytest.raises(StoreError):
        w.write(b"x")
    with w:
        w.commit()
        with pytest.raises(StoreError):
            w.write(b"after commit")
        with pytest.raises(StoreError):
            w.commit()
    with pytest.raises(StoreError), w:
        pass


# Modes


def test_modes_are_private_even_under_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        store = BlobStore(tmp_path / "blobs")
        with store.writer() as w:
            w.write(b"x")
            (temp,) = _temp_files(store)
            assert _mode(temp) == 0o600
            name = w.commit()
    finally:
        os.umask(old)
    assert _mode(store.root) == 0o700
    assert _mode(store.root / "tmp") == 0o700
    assert _mode(store.path(name).parent) == 0o700
    assert _mode(store.path(name)) == 0o600


def test_existing_root_is_reused(tmp_path: Path) -> None:
    name = _put(BlobStore(tmp_path / "blobs"), b"kept")
    assert _read(BlobStore(tmp_path / "blobs"), name) == b"kept"


def test_symlinked_tmp_dir_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    root.mkdir()
    (tmp_path / "elsewhere").mkdir()
    (root / "tmp").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(StoreError):
        BlobStore(root)


# Name confinement

VALID = "0123456789abcdef0123456789abcdef.age"
HOSTILE_NAMES = [
    "",
    "../x",
    "../" + VALID,
    "./" + VALID,
    "01/" + VALID,
    "/etc/passwd",
    "/" + VALID,
    "tmp",
    "..",
    VALID[:-4],
    VALID[:10] + "\0" + VALID[11:],
    VALID + "\0",
    VALID.upper(),
    "0123456789ABCDEF0123456789abcdef.age",
    VALID[1:],
    "0" + VALID,
    "0123456789abcdef0123456789abcdef.AGE",
    "0123456789abcdef0123456789abcdef.age.part",
    "0123456789abcdef0123456789abcdef.part",
    VALID + "\n",
    " " + VALID,
    "g123456789abcdef0123456789abcdef.age",
    "٠١٢٣٤٥٦٧٨٩abcdef0123456789abcdef.age",
    "0123456789abcdef0123456789abcdef\\.age",
]


@pytest.mark.parametrize("name", HOSTILE_NAMES)
def test_hostile_names_are_refused(store: BlobStore, name: str) -> None:
    with pytest.raises(UnsafeBlobNameError):
        store.path(name)
    with pytest.raises(UnsafeBlobNameError):
        store.open(name)
    with pytest.raises(UnsafeBlobNameError):
        store.size(name)
    with pytest.raises(UnsafeBlobNameError):
        store.exists(name)
    with pytest.raises(UnsafeBlobNameError):
        store.secure_delete(name)


def test_non_string_name_is_refused(store: BlobStore) -> None:
    name: object = VALID.encode()
    with pytest.raises(UnsafeBlobNameError):
        store.path(name)  # type: ignore[arg-type]


def test_symlinked_shard_dir_pointing_outside_is_refused(store: BlobStore, tmp_path: Path) -> None:
    name = _fresh_name()
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / name).write_bytes(b"planted")
    (store.root / name[:2]).symlink_to(outside, target_is_directory=True)
    with pytest.raises(UnsafeBlobNameError):
        store.path(name)
    with pytest.raises(UnsafeBlobNameError):
        store.open(name)
    with pytest.raises(UnsafeBlobNameError):
        store.exists(name)
    with pytest.raises(UnsafeBlobNameError):
        store.secure_delete(name)
    assert (outside / name).read_bytes() == b"planted"


def test_symlinked_blob_file_is_refused(store: BlobStore, tmp_path: Path) -> None:
    name = _fresh_name()
    target = tmp_path / "secret"
    target.write_bytes(b"not a blob")
    (store.root / name[:2]).mkdir(mode=0o700)
    (store.root / name[:2] / name).symlink_to(target)
    with pytest.raises(UnsafeBlobNameError):
        store.open(name)
    with pytest.raises(UnsafeBlobNameError):
        store.secure_delete(name)
    assert target.read_bytes() == b"not a blob"


def test_symlink_inside_the_root_is_refused_too(store: BlobStore) -> None:
    existing = _put(store, b"real")
    other_shard = "00" if existing[:2] != "00" else "01"
    name = other_shard + secrets.token_hex(15) + ".age"
    (store.root / name[:2]).symlink_to(store.root / existing[:2], target_is_directory=True)
    with pytest.raises(UnsafeBlobNameError):
        store.path(name)


# Secure delete


def test_secure_delete_overwrites_with_zeros_and_unlinks(store: BlobStore, tmp_path: Path) -> None:
    # Not a multiple of the 1 MiB wipe chunk, to cover the short last chunk.
    data = os.urandom(2 * MIB + 12345)
    name = _put(store, data)
    witness = tmp_path / "witness"
    # A hard link keeps the inode alive, so the overwritten content can still be read.
    os.link(store.path(name), witness)
    store.secure_delete(name)
    assert not store.exists(name)
    assert not store.path(name).exists()
    assert witness.stat().st_nlink == 1
    assert witness.read_bytes() == bytes(len(data))


def test_secure_delete_of_an_empty_blob(store: BlobStore) -> None:
    name = _put(store, b"")
    store.secure_delete(name)
    assert not store.exists(name)


# Missing blobs


def test_missing_blob_errors(store: BlobStore) -> None:
    name = _fresh_name()
    assert not store.exists(name)
    with pytest.raises(BlobNotFoundError):
        store.open(name)
    with pytest.raises(BlobNotFoundError):
        store.size(name)
    with pytest.raises(BlobNotFoundError):
        store.secure_delete(name)


def test_deleted_blob_is_missing(store: BlobStore) -> None:
    name = _put(store, b"gone soon")
    store.secure_delete(name)
    with pytest.raises(BlobNotFoundError):
        store.secure_delete(name)
    with pytest.raises(BlobNotFoundError):
        store.open(name)


def test_directory_under_a_blob_name_is_not_a_blob(store: BlobStore) -> None:
    name = _fresh_name()
    (store.root / name[:2] / name).mkdir(parents=True)
    assert not store.exists(name)
    with pytest.raises(BlobNotFoundError):
        store.open(name)
    with pytest.raises(BlobNotFoundError):
        store.size(name)
    with pytest.raises(BlobNotFoundError):
        store.secure_delete(name)


def test_error_classes_share_a_base() -> None:
    assert issubclass(BlobNotFoundError, StoreError)
    assert issubclass(UnsafeBlobNameError, StoreError)


# Temp purge


def test_purge_temp_removes_leftovers(store: BlobStore) -> None:
    tmp = store.root / "tmp"
    for _ in range(3):
        (tmp / (secrets.token_hex(16) + ".part")).write_bytes(b"partial")
    (tmp / "operator-notes.txt").write_bytes(b"not ours")
    kept = _put(store, b"committed")
    assert store.purge_temp() == 3
    assert [p.name for p in tmp.iterdir()] == ["operator-notes.txt"]
    assert _read(store, kept) == b"committed"
    assert store.purge_temp() == 0


def test_purge_temp_after_a_real_crash(tmp_path: Path) -> None:
    root = tmp_path / "blobs"
    crash = textwrap.dedent(
        f"""
        import os
        from pathlib import Path
        from store.blobs import BlobStore
        with BlobStore(Path({str(root)!r})).writer() as w:
            w.write(b"x" * 100000)
            os._exit(3)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    result = subprocess.run([sys.executable, "-c", crash], env=env, check=False, timeout=60)
    assert result.returncode == 3
    store = BlobStore(root)
    assert len(_temp_files(store)) == 1
    assert store.purge_temp() == 1
    assert _temp_files(store) == []
    assert _blob_files(store) == []


# Property


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chunks=st.lists(st.binary(max_size=4096), max_size=8))
def test_any_bytes_roundtrip(tmp_path_factory: pytest.TempPathFactory, chunks: list[bytes]) -> None:
    store = BlobStore(tmp_path_factory.getbasetemp() / "property-blobs")
    with store.writer() as w:
        for chunk in chunks:
            w.write(chunk)
        name = w.commit()
    data = b"".join(chunks)
    assert w.bytes_written == len(data)
    assert store.size(name) == len(data)
    assert _read(store, name) == data
    store.secure_delete(name)
    assert not store.exists(name)


def test_committed_blobs_carry_no_submission_time(tmp_path: Path) -> None:
    store = BlobStore(tmp_path / "store")
    with store.writer() as writer:
        writer.write(b"ciphertext")
        name = writer.commit()
    info = store.path(name).stat()
    assert info.st_mtime == 0
    assert info.st_atime == 0
