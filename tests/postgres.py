"""A throwaway PostgreSQL server for tests and benches: Debian's binaries, a temporary folder,
a Unix socket only (no TCP), fsync off. Started as the `postgres` system user when run as root
(initdb refuses root). Every process it starts is stopped by `stop()`, also after a failure.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Self

PG_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
PORT = 5432  # the socket's file name only: each server has its own socket folder


class PostgresMissing(RuntimeError):
    """Debian's postgresql package is not installed."""


def bin_dir() -> Path:
    """Return the newest installed PostgreSQL's binary folder."""
    versions = sorted(
        (p for p in PG_ROOT.glob("*/bin") if (p / "initdb").is_file()),
        key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0,
    )
    if not versions:
        raise PostgresMissing("PostgreSQL is not installed (apt-get install postgresql)")
    return versions[-1]


def _runs_as() -> tuple[list[str], int | None, int | None]:
    """Return the command prefix and the uid/gid the server runs as."""
    if os.geteuid() != 0:
        return [], None, None
    user = pwd.getpwnam(SUPERUSER)
    return ["runuser", "-u", SUPERUSER, "--"], user.pw_uid, user.pw_gid


def _chown_tree(path: Path, uid: int | None, gid: int | None) -> None:
    if uid is None or gid is None:
        return
    os.chown(path, uid, gid)


class Server:
    """One PostgreSQL server (a primary, or a replica made by `replica()`)."""

    def __init__(self, folder: Path | None = None, *, data: Path | None = None) -> None:
        self.bin = bin_dir()
        self.prefix, self.uid, self.gid = _runs_as()
        self.folder = folder or Path(tempfile.mkdtemp(prefix="wspg-"))  # short: sockets ≤ 107
        self.folder.chmod(0o755)
        _chown_tree(self.folder, self.uid, self.gid)
        self.data = data or self.folder / "data"
        self.socket_dir = self.folder
        self.log = self.folder / "server.log"
        self.running = False

    # --- running programs ------------------------------------------------------------

    def _run(self, program: str, *args: str, timeout: float = 120) -> str:
        command = [*self.prefix, str(self.bin / program), *args]
        result = subprocess.run(
            command, capture_output=True, text=True, timeout=timeout, check=False, cwd="/"
        )
        if result.returncode != 0:
            raise RuntimeError(f"{program} failed ({result.returncode}): {result.stderr[-2000:]}")
        return result.stdout

    def initdb(self) -> None:
        """Make a fresh cluster: trust over the Unix socket only (and for replication)."""
        self._run(
            "initdb",
            "-D",
            str(self.data),
            "-U",
            SUPERUSER,
            "-A",
            "trust",
            "--no-sync",
            "-E",
            "UTF8",
            "--locale=C.UTF-8",
        )

    def start(self, *settings: str) -> None:
        """Start the server on the folder's Unix socket, no TCP listener; wait until up."""
        options = [
            f"-k {self.socket_dir}",
            f"-p {PORT}",
            "-c listen_addresses=''",
            "-c fsync=off",
            "-c synchronous_commit=off",
            "-c full_page_writes=off",
            "-c max_connections=200",
            *(f"-c {s}" for s in settings),
        ]
        self._run(
            "pg_ctl", "-D", str(self.data), "-l", str(self.log), "-w", "-o", " ".join(options),
            "start",
        )  # fmt: skip
        self.running = True

    def stop(self) -> None:
        """Stop the server at once (fast shutdown); a no-op when it is not running."""
        if self.running:
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "fast", "-w", "stop", timeout=60)
            except RuntimeError:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "stop", timeout=60)
            self.running = False

    def remove(self) -> None:
        """Stop the server and delete its folder."""
        self.stop()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.remove()

    # --- talking to it ------------------------------------------------------------------

    def url(self, database: str = "postgres", user: str = SUPERUSER) -> str:
        """The SQLAlchemy URL over the Unix socket."""
        return f"postgresql+psycopg://{user}@/{database}?host={self.socket_dir}&port={PORT}"

    def psql(self, sql: str, database: str = "postgres", user: str = SUPERUSER) -> str:
        """Run SQL through psql (autocommit, stop on the first error); return its output."""
        return self._run(
            "psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", "-h", str(self.socket_dir),
            "-p", str(PORT), "-U", user, "-d", database, "-c", sql,
        )  # fmt: skip

    def replica(self, folder: Path | None = None) -> Server:
        """Return a streaming replica of this server (pg_basebackup -R), started."""
        replica = Server(folder)
        self._run(
            "pg_basebackup", "-h", str(self.socket_dir), "-p", str(PORT), "-U", SUPERUSER,
            "-D", str(replica.data), "-R", "-X", "stream", "--no-sync", "-c", "fast",
        )  # fmt: skip
        replica.start()
        return replica

    def promote(self) -> None:
        """Promote this replica to a primary; wait until it accepts writes."""
        self._run("pg_ctl", "-D", str(self.data), "-w", "promote")

    def in_recovery(self) -> bool:
        return self.psql("SELECT pg_is_in_recovery()").strip() == "t"


@contextmanager
def throwaway(settings: Sequence[str] = ()) -> Iterator[Server]:
    """A fresh server for the length of a `with` block, removed afterwards whatever happens."""
    server = Server()
    try:
        server.initdb()
        server.start(*settings)
        yield server
    finally:
        server.remove()


def wait_for(check: Callable[[], object], timeout: float = 20.0, step: float = 0.05) -> None:
    """Poll a callable until it returns true (or raise after the timeout)."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            raise TimeoutError("condition not met in time")
        time.sleep(step)


# --- databases for tests: one migrated template, a cheap copy per test ---------------------

TEMPLATE = "westrong_template"


class TestCluster:
    """A server with a migrated, role-granted template database; `fresh()` copies it."""

    def __init__(self, server: Server) -> None:
        import psycopg

        self.server = server
        self._count = 0
        self._template_ready = False
        self._admin = psycopg.connect(
            host=str(server.socket_dir), port=PORT, user=SUPERUSER, dbname="postgres",
            autocommit=True,
        )  # fmt: skip

    def close(self) -> None:
        self._admin.close()

    def execute(self, sql: str) -> None:
        """Run one statement outside a transaction (CREATE/DROP DATABASE)."""
        self._admin.execute(sql.encode())

    def _template(self) -> None:
        if self._template_ready:
            return
        from store.db import make_engine, migrate
        from store.roles import apply_roles

        self.execute(f"CREATE DATABASE {TEMPLATE}")
        engine = make_engine(self.server.url(TEMPLATE))
        try:
            migrate(engine)
            apply_roles(engine)
        finally:
            engine.dispose()  # a template must have no connections when it is copied
        self._template_ready = True

    def _name(self, prefix: str) -> str:
        self._count += 1
        return f"{prefix}{os.getpid()}_{self._count}"

    def fresh(self, prefix: str = "t") -> str:
        """Create a database from the template (a file copy); return its name."""
        self._template()
        name = self._name(prefix)
        self.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE} STRATEGY FILE_COPY")
        return name

    def empty(self, prefix: str = "e") -> str:
        """Create an empty database (for migration tests); return its name."""
        name = self._name(prefix)
        self.execute(f"CREATE DATABASE {name}")
        return name

    def drop(self, name: str) -> None:
        """Drop a test's database, ending any connection the test left open."""
        self.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
