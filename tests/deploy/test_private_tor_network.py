"""End to end over a private Tor network on 127.0.0.1: both onion services from our generated
torrc, in front of both apps under our gunicorn configurations; a source and reviewers reach
them only through Tor clients' SOCKS ports.

One test, in the order a deployment lives it (the network takes ≈ 30 s to come up, so it is
built once): a source submits a tip with a file; a reviewer with a client key signs in and
reads it; a client without a key is refused; the disabled reviewer's key stops working for a
client that was connected and for a fresh one; with the last reviewer disabled, the reviewer
onion is down, not public.
"""

from __future__ import annotations

import http.client
import io
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyotp
import pytest

from bench._harness import Gunicorn, csrf, multipart_head, new_boundary, new_source
from crypto import age
from crypto.inner import open_inner
from tests.conftest import require_tool
from tests.factories import add_desk, make_configs
from tests.tornet import (
    BAD_CLIENT_AUTH,
    INTRODUCTION_FAILED,
    MISSING_CLIENT_AUTH,
    ONION_NOT_FOUND,
    OnionClient,
    SocksError,
    Tor,
    TorNet,
    kill_command,
    socks_connect,
    wait_for,
)

ROOT = Path(__file__).resolve().parents[2]
EVIDENCE = os.urandom(300 * 1024)
# Refused: no key, a key the descriptor is not for, no descriptor, or (a client that cached
# the descriptor of a service that is gone) no introduction point answers.
REFUSED = {MISSING_CLIENT_AUTH, BAD_CLIENT_AUTH, ONION_NOT_FOUND, INTRODUCTION_FAILED, -1}


def manage(env: dict[str, str], *argv: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


NO_ANSWER = -1


def refusal(client: Tor, onion: str) -> int | None:
    """The SOCKS error a fresh stream to the onion gets: NO_ANSWER if tor is still trying
    after 20 s, None if it connected."""
    try:
        socks_connect(client.socks_port, onion, 80, timeout=20).close()
    except SocksError as exc:
        return exc.code
    except TimeoutError:
        return NO_ANSWER
    return None


def answers(client: OnionClient, path: str) -> bool:
    """GET path through Tor; a failed attempt drops the connection for the next one."""
    try:
        return client.get(path).status == 200
    except OSError:
        client.close()
        raise


def sign_in(client: OnionClient, username: str, credentials: dict[str, str]) -> None:
    token = csrf(client, "/login")
    code = pyotp.TOTP(credentials["totp_secret"]).now()
    fields = {"csrf_token": token, "username": username, "token": code}
    response = client.post_form("/login", {**fields, "passphrase": credentials["passphrase"]})
    assert response.status == 303, response.text[:500]


@pytest.mark.timeout(360)
def test_onion_services_end_to_end(tmp_path: Path) -> None:
    require_tool("tor")
    require_tool("tor-gencert")
    started = time.monotonic()
    configs = make_configs(tmp_path)
    identity = add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    onion_dir = tmp_path / "onion"
    source_app = Gunicorn(
        "source_interface.app:from_environment()",
        ["-c", str(ROOT / "deploy/gunicorn/source.py")],
        configs.env,
        tmp_path / "source.log",
    )
    reviewer_app = Gunicorn(
        "journalist_interface.app:from_environment()",
        ["-c", str(ROOT / "deploy/gunicorn/reviewer.py")],
        configs.env,
        tmp_path / "reviewer.log",
        ready_path="/login",
    )
    with TorNet(tmp_path / "net") as net, source_app, reviewer_app:
        pid_file = tmp_path / "net" / "service" / "tor.pid"
        env = {
            **configs.env,
            "PATH": os.environ["PATH"],
            "WESTRONG_CLI_ONION_DIR": str(onion_dir),
            "WESTRONG_CLI_ONION_SOURCE_TARGET": f"127.0.0.1:{source_app.port}",
            "WESTRONG_CLI_ONION_REVIEWER_TARGET": f"127.0.0.1:{reviewer_app.port}",
            "WESTRONG_CLI_TOR_RELOAD_COMMAND": kill_command(pid_file, signal.SIGHUP),
            # The supervisor starts tor again when it exits, as systemd would.
            "WESTRONG_CLI_TOR_RESTART_COMMAND": kill_command(pid_file, signal.SIGTERM),
        }
        somchai = json.loads(manage(env, "add-reviewer", "somchai", "--desk", "nacc", "--json"))
        malee = json.loads(manage(env, "add-reviewer", "malee", "--desk", "nacc", "--json"))
        source_onion = (onion_dir / "source" / "hostname").read_text().strip()
        reviewer_onion = (onion_dir / "reviewer" / "hostname").read_text().strip()
        keys = {name: tmp_path / f"{name}.auth_private" for name in ("somchai", "malee")}
        for name, path in keys.items():
            manage(env, "onion-client-key", name, "--out", str(path))
        connected_dir, fresh_dir, malee_dir = (tmp_path / f"auth-{n}" for n in "ABC")
        for folder, key in (
            (connected_dir, "somchai"),
            (fresh_dir, "somchai"),
            (malee_dir, "malee"),
        ):
            folder.mkdir(mode=0o700)
            (folder / "reviewer.auth_private").write_text(keys[key].read_text())
        service = net.service("service", onion_dir / "torrc")
        connected = net.client("connected", connected_dir)  # somchai's laptop
        fresh = net.client("fresh", fresh_dir)  # somchai's key, first used after disabling
        other = net.client("other")  # no key: a source
        malee_tor = net.client("malee", malee_dir)  # malee's laptop, used after the restart
        network_up = net.wait_relays(timeout=120)
        net.wait_bootstrapped([connected, fresh, other, malee_tor], timeout=60)
        print(f"network up in {network_up:.1f} s, clients at {time.monotonic() - started:.1f} s")

        # A source gets a codename and submits a tip with a file through Tor.
        source = OnionClient(other.socks_port, source_onion, timeout=30)
        wait_for("source onion", lambda: answers(source, "/"), timeout=60)
        print(f"source onion answered at {time.monotonic() - started:.1f} s")
        new_source(source)
        token = csrf(source, "/lookup")
        boundary = new_boundary()
        fields = [("csrf_token", token), ("desk", "nacc"), ("msg", "ทุจริตจัดซื้อ via Tor")]
        body = (
            multipart_head(boundary, fields, "evidence.pdf")
            + EVIDENCE
            + f"\r\n--{boundary}--\r\n".encode()
        )
        posted = source.request(
            "POST", "/submit", body, f"multipart/form-data; boundary={boundary}"
        )
        # Accepted: POST → 303 → the thank-you page (a reload never sends it twice).
        assert posted.status == 303, posted.text[:500]
        assert posted.headers["Location"].endswith("/submitted")

        # A client without a key is refused by the reviewer onion.
        assert refusal(other, reviewer_onion) == MISSING_CLIENT_AUTH

        # somchai, with the key, signs in and reads the tip's file.
        laptop = OnionClient(connected.socks_port, reviewer_onion, timeout=30)
        wait_for("reviewer onion", lambda: answers(laptop, "/login"), timeout=60)
        sign_in(laptop, "somchai", somchai)
        inbox = laptop.get("/")
        (case_id,) = set(re.findall(r'href="/cases/(\d+)"', inbox.text))
        case_page = laptop.get(f"/cases/{case_id}").text
        downloads = re.findall(rf"/cases/{case_id}/submissions/(\d+)/download", case_page)
        opened = []
        for item in sorted(set(downloads)):
            blob = laptop.get(f"/cases/{case_id}/submissions/{item}/download")
            assert blob.status == 200
            _meta, chunks = open_inner(age.decrypt_chunks(io.BytesIO(blob.body), [identity]))
            opened.append(b"".join(chunks))
        assert EVIDENCE in opened

        # somchai's laptop is lost: disabling them restarts tor; the connected client and a
        # fresh one with the same key are cut off, malee (still authorized) gets in.
        starts = service.starts
        manage(env, "disable-reviewer", "somchai")
        wait_for("tor restarted", lambda: service.starts > starts, timeout=10, every=0.1)
        cut = time.monotonic()
        published = service.wait_uploaded(reviewer_onion)
        print(f"restarted service published its reviewer descriptors in {published:.1f} s")
        malee_client = OnionClient(malee_tor.socks_port, reviewer_onion, timeout=30)
        wait_for("malee in", lambda: answers(malee_client, "/login"), timeout=60)
        print(f"reviewer onion back for malee {time.monotonic() - cut:.1f} s after the restart")
        with pytest.raises((SocksError, ConnectionError, http.client.HTTPException, TimeoutError)):
            laptop.get("/")  # the kept-alive stream went with the old tor
        laptop.close()
        assert refusal(connected, reviewer_onion) in REFUSED
        assert refusal(fresh, reviewer_onion) in REFUSED
        sign_in(malee_client, "malee", malee)

        # The last reviewer disabled: the reviewer onion goes down; nobody without a key
        # (here: anybody) reaches it, also after the time a public descriptor would take.
        manage(env, "disable-reviewer", "malee")
        assert f"HiddenServiceDir {onion_dir / 'reviewer'}" not in (onion_dir / "torrc").read_text()
        time.sleep(15)
        assert refusal(fresh, reviewer_onion) in REFUSED
        assert refusal(other, reviewer_onion) in REFUSED
        assert refusal(malee_tor, reviewer_onion) in REFUSED
        # The source onion came back after the restarts.
        wait_for("source onion again", lambda: answers(source, "/"), timeout=60)
        for client in (source, laptop, malee_client):
            client.close()
        print(f"whole test {time.monotonic() - started:.1f} s")
    assert not any(t.proc is not None and t.proc.poll() is None for t in net.tors)
