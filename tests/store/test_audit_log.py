"""The audit log (finding 7 of issue 9): append-only in the database itself, on SQLite and on
a real PostgreSQL server, and tamper-evident (a hash chain that `manage.py audit verify`
checks, naming the first broken row)."""

from __future__ import annotations

import datetime as dt
import glob
import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

import cli as manage
from core import audit, retention
from core.audit import Action
from core.settings import Settings
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.models import AuditEvent
from tests.conftest import IN_CI
from tests.factories import InstanceConfigs
from tests.tools import free_port


def _append(engine: Engine, count: int, detail: str = "") -> None:
    with session_factory(engine)() as session, session.begin():
        for i in range(count):
            audit.record(session, None, Action.PURGE, detail=f"{detail}{i}")


def _refusals(engine: Engine) -> list[str]:
    """Try every way of changing rows; return the statements the database refused."""
    refused = []
    statements = ["UPDATE audit_events SET detail = 'forged'", "DELETE FROM audit_events"]
    if engine.dialect.name == "postgresql":
        statements.append("TRUNCATE audit_events")
    for statement in statements:
        try:
            with engine.begin() as conn:
                conn.execute(text(statement))
        except DBAPIError as exc:
            if "append-only" in str(exc.orig):
                refused.append(statement.split()[0])
    return refused


def _check_append_only_and_chained(engine: Engine) -> None:
    _append(engine, 3)
    assert _refusals(engine) == (
        ["UPDATE", "DELETE", "TRUNCATE"]
        if engine.dialect.name == "postgresql"
        else ["UPDATE", "DELETE"]
    )
    # Writers in parallel chain one after the other (the head row's lock), never fork.
    threads = [threading.Thread(target=_append, args=(engine, 5, f"t{n}-")) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    with session_factory(engine)() as session:
        report = audit.verify(session)
        assert (report.intact, report.rows) == (True, 23), report
        assert session.query(AuditEvent).count() == 23


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Iterator[Engine]:
    engine = make_engine(f"sqlite:///{tmp_path / 'db'}")
    migrate(engine)
    yield engine
    engine.dispose()


def test_sqlite_refuses_changes_and_chains_concurrent_writers(sqlite_engine: Engine) -> None:
    _check_append_only_and_chained(sqlite_engine)


def _postgres_bin() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    if not found:
        message = "PostgreSQL is not installed (make test installs it as root)"
        if IN_CI:
            pytest.fail(message)
        pytest.skip(message)
    return Path(found[-1]).parent


@pytest.fixture
def postgres_engine() -> Iterator[Engine]:
    """A throwaway PostgreSQL server on a Unix socket in a temp folder (no TCP listener)."""
    bin_dir = _postgres_bin()
    with tempfile.TemporaryDirectory(prefix="westrong-pg-") as name:
        yield from _serve_postgres(bin_dir, Path(name))


def _serve_postgres(bin_dir: Path, folder: Path) -> Iterator[Engine]:
    as_user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses root: run the server as Debian's postgres user
        shutil.chown(folder, "postgres")
        as_user = ["runuser", "-u", "postgres", "--"]
    port = free_port()
    run = [*as_user, str(bin_dir / "initdb"), "-D", str(folder / "data")]
    subprocess.run(
        [*run, "-U", "postgres", "-A", "trust", "--no-sync"], check=True, capture_output=True
    )
    ctl = [*as_user, str(bin_dir / "pg_ctl"), "-D", str(folder / "data")]
    options = f"-k {folder} -p {port} -c listen_addresses='' -c fsync=off"
    subprocess.run(
        [*ctl, "-w", "-l", str(folder / "log"), "-o", options, "start"],
        check=True,
        capture_output=True,
    )
    engine = make_engine(f"postgresql+psycopg://postgres@/postgres?host={folder}&port={port}")
    try:
        migrate(engine)
        yield engine
    finally:
        engine.dispose()
        subprocess.run([*ctl, "-m", "immediate", "stop"], check=False, capture_output=True)


def test_postgresql_refuses_changes_and_chains_concurrent_writers(
    postgres_engine: Engine, tmp_path: Path
) -> None:
    _check_append_only_and_chained(postgres_engine)
    # The retention purge's VACUUM (finding 5) runs after its commit, outside a transaction.
    now = dt.datetime.now(dt.UTC)
    with session_factory(postgres_engine)() as session, session.begin():
        retention.purge(
            session, BlobStore(tmp_path / "store"), Settings(retention_days=30), now.date(), now
        )


def _forge(engine: Engine, statement: str) -> None:
    """Change the log as someone with the database file would: triggers dropped first."""
    with engine.begin() as conn:
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("DROP TRIGGER audit_events_no_delete"))
        conn.execute(text(statement))


def test_verify_names_the_first_changed_row(sqlite_engine: Engine) -> None:
    _append(sqlite_engine, 5)
    with session_factory(sqlite_engine)() as session:
        assert audit.verify(session).intact
        third = session.scalars(text("SELECT id FROM audit_events ORDER BY id")).all()[2]
    _forge(sqlite_engine, f"UPDATE audit_events SET detail = 'nothing' WHERE id = {third}")
    with session_factory(sqlite_engine)() as session:
        report = audit.verify(session)
    assert (report.intact, report.broken_at, report.rows) == (False, third, 2)


def test_verify_sees_a_removed_row_and_removed_newest_rows(sqlite_engine: Engine) -> None:
    _append(sqlite_engine, 4)
    _forge(sqlite_engine, "DELETE FROM audit_events WHERE id = (SELECT max(id) FROM audit_events)")
    with session_factory(sqlite_engine)() as session:
        report = audit.verify(session)
    assert (report.intact, report.broken_at, report.rows) == (False, None, 3)
    assert "4 were recorded" in report.problem
    with sqlite_engine.begin() as conn:
        conn.execute(text("DELETE FROM audit_events WHERE id = 2"))
    with session_factory(sqlite_engine)() as session:
        assert audit.verify(session).broken_at == 3


@pytest.mark.engines("sqlite")  # _forge drops SQLite's triggers; PostgreSQL's are tested above
def test_manage_audit_verify(
    config: InstanceConfigs, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for key, value in config.env.items():
        monkeypatch.setenv(key, value)
    engine = make_engine(config.database_url)
    _append(engine, 3)
    assert manage.run(["audit", "verify"]) == 0
    assert "audit log intact: 3 rows, head " in capsys.readouterr().out
    _forge(engine, "UPDATE audit_events SET actor = 'someone else' WHERE id = 2")
    assert manage.run(["audit", "verify"]) == 1
    assert "the audit log is broken at row 2" in capsys.readouterr().err
