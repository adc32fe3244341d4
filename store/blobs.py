"""Store ciphertext blobs on disk: streaming atomic writes, confined names, best-effort deletion.

The store treats every blob as opaque bytes (in practice age envelopes) and never sees a key.

Limits of secure delete: overwriting a file with zeros does not guarantee that the old blocks
are gone. SSDs remap writes (wear levelling, TRIM), copy-on-write and journaling file systems
(btrfs, ZFS, ext4 with data=journal) write the zeros elsewhere, and snapshots and backups keep
their own copies. What it buys is removing the easy copy on simple file systems. Because blobs
are ciphertext only, the real protection is the decryption key never being on the server;
full-disk encryption of the store volume is recommended on top.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import hashlib
import os
import re
import secrets
import stat
import time
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType
from typing import IO, BinaryIO, Self

from store.errors import BlobNotFoundError, StoreError, UnsafeBlobNameError

__all__ = ["BlobStore", "BlobWriter"]

_NAME_RE = re.compile(r"[0-9a-f]{32}\.age")
_TEMP_RE = re.compile(r"[0-9a-f]{32}\.part")
_SUFFIX = ".age"
_TEMP_SUFFIX = ".part"
_DIR_MODE = 0o700
_FILE_MODE = 0o600
_WIPE_CHUNK = 1024 * 1024
_HASH_CHUNK = 1024 * 1024
# A temp file this young and still empty may belong to a writer that has not locked it yet.
_FRESH_TEMP_SECONDS = 10.0


def _fsync_dir(path: Path) -> None:
    """Fsync a directory so that entries added or removed in it survive a crash."""
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _make_dir(path: Path) -> bool:
    """Create a 0o700 directory if missing; return whether it was created."""
    try:
        path.mkdir(mode=_DIR_MODE)
    except FileExistsError:
        return False
    # mkdir's mode is filtered by the umask; set it exactly.
    os.chmod(path, _DIR_MODE)
    return True


class BlobStore:
    """Hold ciphertext blobs under one root, sharded by the first two hex digits of the name."""

    def __init__(self, root: Path) -> None:
        """Open the store at `root`, creating it and its temp directory (0o700) if missing."""
        root = Path(root)
        root.parent.mkdir(parents=True, exist_ok=True)
        _make_dir(root)
        self._root = root.resolve(strict=True)
        self._tmp = self._root / "tmp"
        _make_dir(self._tmp)
        # Temp files must sit on the same file system as the blobs for os.replace to be atomic.
        if self._tmp.resolve(strict=True) != self._tmp or not self._tmp.is_dir():
            raise StoreError("the store's tmp directory is not a real directory inside the root")

    @property
    def root(self) -> Path:
        """Return the resolved absolute root of the store."""
        return self._root

    @contextlib.contextmanager
    def locked(self, exclusive: bool, wait: bool = True) -> Iterator[bool]:
        """Hold the store's lock: a backup holds it exclusively (waiting), the deletion queue
        shared (not waiting), so no blob a backup is copying is shredded under it. Yields
        whether the lock was taken (False only when `wait` is off and it is held)."""
        fd = os.open(self._root / ".lock", os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, _FILE_MODE)
        try:
            mode = fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH
            try:
                fcntl.flock(fd, mode if wait else mode | fcntl.LOCK_NB)
            except BlockingIOError:
                yield False
                return
            yield True
        finally:
            os.close(fd)

    def restore(self, name: str, source: IO[bytes], size: int, durable: bool = True) -> str:
        """Write a blob under its original name (a restore), atomically; return its SHA-256.

        `durable=False` skips the fsyncs: a restore syncs the whole file system once at the
        end instead (a crash during a restore means running it again)."""
        final = self.path(name)
        temp, fd = self._new_temp()
        digest = hashlib.sha256()
        try:
            with os.fdopen(fd, "wb") as out:
                left = size
                while left > 0:
                    chunk = source.read(min(left, _HASH_CHUNK))
                    if not chunk:
                        raise StoreError("the blob ended early")
                    out.write(chunk)
                    digest.update(chunk)
                    left -= len(chunk)
                out.flush()
                if durable:
                    os.fsync(out.fileno())
                if _make_dir(final.parent) and durable:
                    _fsync_dir(self._root)
                os.utime(temp, (0, 0))
                os.replace(temp, final)
            if durable:
                _fsync_dir(final.parent)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(temp)
            raise
        return digest.hexdigest()

    def sync(self) -> None:
        """Flush the store's whole file system to disk (syncfs), after unsynced restores."""
        fd = os.open(self._root, os.O_RDONLY | os.O_DIRECTORY)
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.syncfs(fd) != 0:
                os.sync()
        finally:
            os.close(fd)

    def writer(self) -> BlobWriter:
        """Return a context manager that streams one new blob to disk."""
        return BlobWriter(self)

    def path(self, name: str) -> Path:
        """Return the absolute path of a blob, refusing any name that is not one of ours."""
        if not isinstance(name, str) or _NAME_RE.fullmatch(name) is None:
            raise UnsafeBlobNameError(f"not a blob name: {name!r:.80}")
        candidate = self._root / name[:2] / name
        # Nothing in the store is a symlink, so any symlink on the way is tampering. The root
        # was resolved once and the name has no separator: only the shard folder and the file
        # itself can be links (two lstats, not a walk of every component per blob).
        for step in (candidate.parent, candidate):
            try:
                mode = os.lstat(step).st_mode
            except (FileNotFoundError, NotADirectoryError):
                break
            if stat.S_ISLNK(mode):
                raise UnsafeBlobNameError(f"blob path escapes the store: {name!r}")
        return candidate

    def open(self, name: str) -> BinaryIO:
        """Open a blob for reading."""
        fd = self._open_regular(name, os.O_RDONLY)
        return os.fdopen(fd, "rb")

    def size(self, name: str) -> int:
        """Return the size in bytes of a blob."""
        return self._lstat_regular(name).st_size

    def exists(self, name: str) -> bool:
        """Return whether a blob is stored under `name`."""
        try:
            self._lstat_regular(name)
        except BlobNotFoundError:
            return False
        return True

    def secure_delete(self, name: str) -> None:
        """Overwrite a blob with zeros, fsync it, then unlink it and fsync its directory."""
        path = self.path(name)
        # No O_TRUNC: truncating would release the old blocks instead of overwriting them.
        fd = self._open_regular(name, os.O_WRONLY)
        try:
            remaining = os.fstat(fd).st_size
            zeros = memoryview(bytes(_WIPE_CHUNK))
            offset = 0
            while remaining > 0:
                written = os.pwrite(fd, zeros[: min(remaining, _WIPE_CHUNK)], offset)
                offset += written
                remaining -= written
            os.fsync(fd)
        finally:
            os.close(fd)
        os.unlink(path)
        # The shard directory stays: removing it could race with a writer committing into it.
        _fsync_dir(path.parent)

    def purge_temp(self) -> int:
        """Delete temp files left by crashed writes; return how many were removed.

        Safe while other processes write: every live writer holds an exclusive lock on its
        temp file (released by the kernel when its process dies), and a locked file is left
        alone.
        """
        count = 0
        with os.scandir(self._tmp) as entries:
            for entry in entries:
                if _TEMP_RE.fullmatch(entry.name) and self._remove_stale_temp(entry.path):
                    count += 1
        if count:
            _fsync_dir(self._tmp)
        return count

    def temp_files(self) -> int:
        """Return how many temp files there are (live writes and crashed ones)."""
        with os.scandir(self._tmp) as entries:
            return sum(1 for e in entries if _TEMP_RE.fullmatch(e.name))

    def _remove_stale_temp(self, path: str) -> bool:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_NOFOLLOW | os.O_CLOEXEC)
        except OSError:
            return False
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                return False  # a live writer holds it
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                return False
            if st.st_size == 0 and time.time() - st.st_mtime < _FRESH_TEMP_SECONDS:
                return False  # just created: its writer may be about to lock it
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
                return True
            return False
        finally:
            os.close(fd)

    def names(self) -> set[str]:
        """Return the name of every blob in the store."""
        found: set[str] = set()
        with os.scandir(self._root) as shards:
            for shard in shards:
                if len(shard.name) != 2 or not shard.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(shard.path) as entries:
                    found.update(
                        e.name
                        for e in entries
                        if _NAME_RE.fullmatch(e.name) and e.name.startswith(shard.name)
                    )
        return found

    def placed_at(self, name: str) -> float:
        """Return when a blob was moved into place (its inode change time: its file times
        are zeroed)."""
        return self._lstat_regular(name).st_ctime

    def sha256(self, name: str) -> str:
        """Return the SHA-256 (hex) of a stored blob."""
        digest = hashlib.sha256()
        with self.open(name) as f:
            while chunk := f.read(_HASH_CHUNK):
                digest.update(chunk)
        return digest.hexdigest()

    def _new_temp(self) -> tuple[Path, int]:
        """Create an exclusive 0o600 temp file; return its path and a write descriptor."""
        path = self._tmp / (secrets.token_hex(16) + _TEMP_SUFFIX)
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC
        fd = os.open(path, flags, _FILE_MODE)
        try:
            # Held until the write ends or its process dies: purge_temp leaves it alone.
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.fchmod(fd, _FILE_MODE)
        except BaseException:
            os.close(fd)
            os.unlink(path)
            raise
        return path, fd

    def _place(self, temp: Path) -> str:
        """Move a finished temp file into place under a new name; return the name."""
        name = secrets.token_hex(16) + _SUFFIX
        shard = self._root / name[:2]
        if _make_dir(shard):
            _fsync_dir(self._root)
        final = self.path(name)
        # File times would record exactly when a source submitted; zero them. (ctime cannot
        # be set from user space: see docs/decisions/006.)
        os.utime(temp, (0, 0))
        os.replace(temp, final)
        try:
            _fsync_dir(shard)
        except BaseException:
            # The caller gets no name, so the blob would be orphaned; take it back out.
            with contextlib.suppress(OSError):
                os.unlink(final)
            raise
        return name

    def _open_regular(self, name: str, flags: int) -> int:
        """Open a blob without following a final symlink; return a descriptor to a regular file."""
        path = self.path(name)
        try:
            fd = os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC)
        except FileNotFoundError:
            raise BlobNotFoundError(f"no such blob: {name}") from None
        except IsADirectoryError:
            raise BlobNotFoundError(f"not a blob: {name}") from None
        except OSError as exc:
            # ELOOP: a symlink appeared after path() checked.
            raise UnsafeBlobNameError(f"cannot open blob {name}: {exc.strerror}") from None
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            os.close(fd)
            raise BlobNotFoundError(f"not a blob: {name}")
        return fd

    def _lstat_regular(self, name: str) -> os.stat_result:
        """Return the lstat of a blob, which must be a regular file."""
        path = self.path(name)
        try:
            st = path.lstat()
        except FileNotFoundError:
            raise BlobNotFoundError(f"no such blob: {name}") from None
        if not stat.S_ISREG(st.st_mode):
            raise BlobNotFoundError(f"not a blob: {name}")
        return st


class BlobWriter:
    """Stream one blob into a temp file and move it into place atomically on commit."""

    def __init__(self, store: BlobStore) -> None:
        """Prepare a writer; the temp file is created on entering the with-block."""
        self._store = store
        self._temp: Path | None = None
        self._file: BinaryIO | None = None
        self._finished = False
        self._digest = hashlib.sha256()
        self.bytes_written = 0
        self.sha256 = ""  # hex, set on commit

    def __enter__(self) -> Self:
        """Create the temp file."""
        if self._finished or self._temp is not None:
            raise StoreError("a blob writer can be used only once")
        self._temp, fd = self._store._new_temp()
        try:
            self._file = os.fdopen(fd, "wb")
        except BaseException:
            os.close(fd)
            self._discard()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Remove the temp file unless the blob was committed."""
        self._discard()

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Append bytes to the blob; return how many were written."""
        file = self._open_file()
        written = file.write(data)
        self._digest.update(data)
        self.bytes_written += written
        return written

    def commit(self) -> str:
        """Flush and fsync the blob, move it into place, fsync its directory; return its name."""
        file = self._open_file()
        temp = self._temp
        if temp is None:
            raise StoreError("the blob writer has no temp file")
        file.flush()
        os.fsync(file.fileno())
        self.sha256 = self._digest.hexdigest()
        name = self._store._place(temp)
        file.close()  # releases the temp file's lock, once the file has its final name
        self._file = None
        self._temp = None
        self._finished = True
        return name

    def _open_file(self) -> BinaryIO:
        """Return the open temp file, or fail if the writer is not inside its with-block."""
        if self._finished or self._file is None or self._file.closed:
            raise StoreError("the blob writer is not open (use it in a with-block, once)")
        return self._file

    def _discard(self) -> None:
        """Close and remove the temp file if it is still there."""
        self._finished = True
        if self._file is not None:
            with contextlib.suppress(OSError):
                self._file.close()
            self._file = None
        if self._temp is not None:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(self._temp)
            self._temp = None
