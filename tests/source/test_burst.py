"""Bursts against the served source interface (gunicorn, 2 workers × 4 threads): 20 sources
× 10 submissions with 1 MiB files at once are each stored exactly once; and 20 people who
create a codename at the same moment all get one within seconds, without a "busy" page."""

from __future__ import annotations

import os
import secrets
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bench._harness import Client, Gunicorn, hidden, new_source
from core import integrity
from store.models import Source, Submission
from tests.factories import add_desk, make_configs
from tests.source.test_crash_safety import body, post_once

# The bench harness's small HTTP client can drop a kept-alive socket that the server closed
# under load without closing it: a test-side socket, not the app's.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
GUNICORN = ["--workers", "2", "--threads", "4", "--worker-class", "gthread"]


def serve(tmp_path: Path, env: dict[str, str]) -> Gunicorn:
    args = [*GUNICORN, "--control-socket", str(tmp_path / "gunicorn.ctl"), "--backlog", "256"]
    return Gunicorn(
        "source_interface.app:from_environment()",
        args,
        {**os.environ, **env},
        tmp_path / "gunicorn.log",
        workers=2,
    )


def test_20_sources_times_10_submissions_are_each_stored_once(tmp_path: Path) -> None:
    configs = make_configs(tmp_path)
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    with serve(tmp_path, configs.env) as server:
        clients = []
        for _ in range(20):
            client = Client(server.port)
            new_source(client)
            page = client.get("/lookup").text
            clients.append((client, hidden(page, "csrf_token")))
        accepted: list[int] = []
        lock = threading.Lock()

        def send(pair: tuple[Client, str]) -> None:
            client, token = pair
            for _ in range(10):
                boundary = "----burst" + secrets.token_hex(8)
                status = post_once(client, server.port, body(token, boundary), boundary)
                if status == 303:  # accepted: POST-303-GET
                    with lock:
                        accepted.append(1)

        with ThreadPoolExecutor(20) as pool:
            list(pool.map(send, clients))
        for client, _token in clients:
            client.close()
    assert len(accepted) == 200
    with configs.session() as s:
        # Each accepted tip is a message and a file: two rows, two blobs, once each.
        assert s.scalar(select(func.count(Submission.id))) == 2 * len(accepted)
        report = integrity.check(s, configs.blobs, deep=True, grace_seconds=0)
    assert report.clean
    assert report.blobs == report.rows == 2 * len(accepted)


def test_20_newcomers_at_once_all_get_a_codename(tmp_path: Path) -> None:
    configs = make_configs(tmp_path).with_(
        source_kdf_ops=2, source_kdf_mem=64 * 1024 * 1024, source_kdf_per_second=4
    )
    add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    with serve(tmp_path, configs.env) as server:
        forms = []
        for _ in range(20):
            client = Client(server.port)
            token = hidden(client.get("/generate").text, "csrf_token")
            page = client.post_form("/generate", {"csrf_token": token, "words": "th"}).text
            forms.append((client, token, hidden(page, "codename"), hidden(page, "proof")))
        start = threading.Barrier(20)
        results: list[tuple[int, float]] = []

        def create(form: tuple[Client, str, str, str]) -> None:
            client, token, codename, proof = form
            start.wait()
            began = time.monotonic()
            response = client.post_form(
                "/create", {"csrf_token": token, "codename": codename, "proof": proof}
            )
            results.append((response.status, time.monotonic() - began))

        with ThreadPoolExecutor(20) as pool:
            list(pool.map(create, forms))
        for form in forms:
            form[0].close()
    statuses = sorted(r[0] for r in results)
    assert statuses == [303] * 20, sorted(results)  # no "busy" page
    assert max(r[1] for r in results) < 15  # within seconds (a shared 2-core machine)
    with configs.session() as s:
        assert s.scalar(select(func.count(Source.id))) == 20
