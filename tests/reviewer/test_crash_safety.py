"""Crash safety of the reviewer interface, for real: gunicorn serves it, strace kills its worker
(SIGKILL) at an exact system call during a reply or a deletion. After gunicorn's new worker
is up, nothing half-done is visible: a reply is there whole or not at all, a deleted case is
gone with its blobs queued (the next `manage.py purge` shreds them), a case whose deletion
did not commit is still whole, and downloads answer only the stored ciphertext."""

from __future__ import annotations

import hashlib
import http.client
import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlencode

import pytest
from sqlalchemy import func, select

from bench._harness import Client, Gunicorn, hidden
from store.models import Case, PendingDeletion, Reply, Submission
from tests.conftest import require_tool
from tests.factories import World, make_configs, make_world, totp_now

ROOT = Path(__file__).resolve().parents[2]


def sign_in_http(port: int, world: World, name: str) -> Client:
    client = Client(port)
    person = world.people[name]
    page = client.get("/login").text
    response = client.post_form(
        "/login",
        {
            "csrf_token": hidden(page, "csrf_token"),
            "username": name,
            "passphrase": person.passphrase,
            "token": totp_now(person.totp_secret),
        },
    )
    assert response.status == 303, response.text[:300]
    return client


def post_once(client: Client, port: int, path: str, fields: dict[str, str]) -> int | None:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            path,
            body=urlencode(fields).encode(),
            headers={
                "Cookie": client.cookie_header(),
                "Content-Type": "application/x-www-form-urlencoded",
            },
        )
        return conn.getresponse().status
    except (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError):
        return None
    finally:
        conn.close()


def wait_for_new_worker(server: Gunicorn, old: int) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if [p for p in server.worker_pids() if p != old]:
            try:
                probe = Client(server.port, timeout=10)
                if probe.get("/login").status == 200:
                    probe.close()
                    return
            except OSError:
                pass
        time.sleep(0.1)
    raise AssertionError("no new worker:\n" + server.log_tail())


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


@pytest.mark.parametrize(
    ("action", "syscall"),
    [
        ("reply", "rename:when=1"),  # the reply encrypted, before it is placed
        ("reply", "fdatasync:when=1"),  # the reply placed, the database commit cut short
        ("delete", "fdatasync:when=1"),  # the deletion's commit cut short: nothing deleted
        # Committed, the first blob zeroed but not unlinked: the queue retries it.
        ("delete", "unlink:when=1"),
    ],
)
def test_a_worker_killed_mid_reply_or_deletion_leaves_nothing_half_done(
    tmp_path: Path, action: str, syscall: str
) -> None:
    strace = require_tool("strace")
    configs = make_configs(tmp_path)
    world = make_world(configs)  # testing mode: the queue is worked after the request
    env = {**os.environ, **configs.env}
    case_id = world.cases["nacc"]
    with configs.session() as s:
        before = {
            i.blob_name: hashlib.sha256(configs.blobs.path(i.blob_name).read_bytes()).hexdigest()
            for i in s.scalars(select(Submission).where(Submission.case_id == case_id))
        }
    args = ["--workers", "1", "--control-socket", str(tmp_path / "gunicorn.ctl")]
    with Gunicorn(
        "journalist_interface.app:from_environment()",
        args,
        env,
        tmp_path / "gunicorn.log",
        ready_path="/login",
    ) as server:
        client = sign_in_http(server.port, world, "somchai")
        if action == "reply":
            token = hidden(client.get(f"/cases/{case_id}").text, "csrf_token")
            path, fields = f"/cases/{case_id}/reply", {"csrf_token": token, "message": "รับแล้ว"}
        else:
            token = hidden(client.get(f"/cases/{case_id}/delete").text, "csrf_token")
            path, fields = f"/cases/{case_id}/delete", {"csrf_token": token}
        worker = server.worker_pids()[0]
        name, when = syscall.split(":")
        tracer = subprocess.Popen(
            [
                strace,
                "-f",
                "-qq",
                "-o",
                "/dev/null",
                "-p",
                str(worker),
                "-e",
                f"inject={name}:signal=KILL:{when}",
            ]
        )
        try:
            time.sleep(1.0)
            status = post_once(client, server.port, path, fields)
        finally:
            tracer.wait(timeout=30)
        assert status is None
        wait_for_new_worker(server, worker)
        assert [p for p in (configs.store_root / "tmp").iterdir() if p.suffix == ".part"] == []

        again = sign_in_http(server.port, world, "admin")
        with configs.session() as s:
            case = s.get(Case, case_id)
            if action == "reply":
                assert s.scalar(select(func.count(Reply.id))) == 0  # no reply, not half a one
                assert case is not None
            elif syscall.startswith("fdatasync"):
                assert case is not None  # the deletion did not commit: the case is whole
                assert s.scalar(select(func.count(PendingDeletion.id))) == 0
            else:
                assert case is None  # committed: gone at once, its blobs queued
                queued = set(s.scalars(select(PendingDeletion.blob_name)))
                assert set(before) <= queued
            items = list(s.scalars(select(Submission).where(Submission.case_id == case_id)))
        for item in items:  # whatever is listed downloads whole, hash and all
            url = f"/cases/{case_id}/submissions/{item.id}/download"
            got = again.get(url)
            assert got.status == 200
            assert hashlib.sha256(got.body).hexdigest() == before[item.blob_name]

    purged = manage(env, "purge")
    assert purged.returncode == 0, purged.stderr
    if action == "delete" and syscall.startswith("unlink"):
        assert f"shredded {len(before)} queued blobs, 0 failed" in purged.stdout
        assert not any(configs.blobs.exists(n) for n in before)
    repaired = manage(env, "check", "--repair", "--grace-hours", "0")
    assert repaired.returncode == 0, repaired.stderr
    clean = manage(env, "check", "--grace-hours", "0")
    assert clean.returncode == 0, clean.stdout
    with configs.session() as s:
        assert s.scalar(select(func.count(PendingDeletion.id))) == 0
