"""`westrong onion-config` and the client keys: the torrc tor accepts, keys in tor's formats,
authorizations that follow the accounts, and a reviewer onion that is never public."""

from __future__ import annotations

import base64
import subprocess
import time
from pathlib import Path

import nacl.public
import pytest

import cli as manage
from cli import onion
from tests.conftest import require_tool
from tests.factories import InstanceConfigs, add_desk


@pytest.fixture
def instance(config: InstanceConfigs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    add_desk(config, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    onion_dir = tmp_path / "tor"
    log = tmp_path / "reloads.log"
    env = config.with_(
        cli_onion_dir=str(onion_dir),
        cli_tor_reload_command=f"sh -c 'echo reload >> {log}'",
        cli_tor_restart_command=f"sh -c 'echo restart >> {log}'",
    ).env
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    return onion_dir


def _run(*argv: str) -> None:
    assert manage.run(list(argv)) == 0


def _torrc(onion_dir: Path) -> str:
    return (onion_dir / "torrc").read_text()


def _reloads(onion_dir: Path) -> list[str]:
    log = onion_dir.parent / "reloads.log"
    return log.read_text().split() if log.exists() else []


def test_torrc_passes_tor_verify_config(instance: Path, tmp_path: Path) -> None:
    tor = require_tool("tor")
    _run("add-reviewer", "somchai", "--desk", "nacc")
    out = tmp_path / "out"
    _run("onion-config", "--out", str(out))
    text = _torrc(out)
    assert "HiddenServicePoWDefensesEnabled 1" in text
    assert text.count("HiddenServiceDir") == 2
    assert len(list((out / "reviewer" / "authorized_clients").glob("*.auth"))) == 1
    result = subprocess.run(
        [tor, "--verify-config", "-f", str(out / "torrc"), "--DisableNetwork", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Configuration was valid" in result.stdout


def test_tor_reads_our_service_keys_as_the_same_address(tmp_path: Path, instance: Path) -> None:
    """The keys are made by us (so the addresses are known before tor runs): tor, offline,
    must derive the same hostname from them."""
    tor = require_tool("tor")
    _run("add-reviewer", "somchai", "--desk", "nacc")
    out = tmp_path / "out"
    _run("onion-config", "--out", str(out))
    expected = {s: (out / s / "hostname").read_text() for s in onion.SERVICES}
    for service in onion.SERVICES:
        (out / service / "hostname").unlink()
    proc = subprocess.Popen(
        [tor, "-f", str(out / "torrc"), "--DisableNetwork", "1", "--Log", "warn stdout"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and proc.poll() is None:
            if all((out / s / "hostname").exists() for s in onion.SERVICES):
                break
            time.sleep(0.2)
    finally:
        proc.terminate()
        output = proc.communicate(timeout=30)[0].decode()
    assert {s: (out / s / "hostname").read_text() for s in onion.SERVICES} == expected, output


def test_client_key_file_matches_the_authorization(instance: Path, tmp_path: Path) -> None:
    _run("add-reviewer", "somchai", "--desk", "nacc")
    key_file = tmp_path / "somchai.auth_private"
    _run("onion-client-key", "somchai", "--out", str(key_file))
    address, kind, algo, private = key_file.read_text().strip().split(":")
    assert (kind, algo) == ("descriptor", "x25519")
    assert f"{address}.onion\n" == (instance / "reviewer" / "hostname").read_text()
    assert key_file.stat().st_mode & 0o077 == 0
    public = bytes(nacl.public.PrivateKey(base64.b32decode(private + "====")).public_key)
    (auth,) = (instance / "reviewer" / "authorized_clients").glob("*.auth")
    assert auth.read_text().strip() == "descriptor:x25519:" + base64.b32encode(
        public
    ).decode().rstrip("=")


def test_authorizations_follow_add_disable_enable_delete(instance: Path, tmp_path: Path) -> None:
    auth_dir = instance / "reviewer" / "authorized_clients"
    _run("add-reviewer", "somchai", "--desk", "nacc")
    _run("add-reviewer", "malee", "--desk", "nacc")
    assert len(list(auth_dir.glob("*.auth"))) == 2
    assert _reloads(instance) == ["reload", "reload"]
    first = tmp_path / "first"
    _run("onion-client-key", "somchai", "--out", str(first))
    _run("disable-reviewer", "somchai")
    assert len(list(auth_dir.glob("*.auth"))) == 1
    assert _reloads(instance)[-1] == "restart"  # a reload would leave them connected
    assert manage.run(["onion-client-key", "somchai", "--out", str(tmp_path / "x")]) == 1
    _run("enable-reviewer", "somchai")
    again = tmp_path / "again"
    _run("onion-client-key", "somchai", "--out", str(again))
    assert again.read_text() != first.read_text()  # the old (perhaps lost) key stays dead
    _run("delete-reviewer", "malee")
    assert len(list(auth_dir.glob("*.auth"))) == 1
    assert _reloads(instance)[-1] == "restart"
    count = len(_reloads(instance))
    _run("onion-sync")
    assert len(_reloads(instance)) == count  # nothing changed, tor left alone


def test_last_reviewer_disabled_takes_the_reviewer_onion_down(instance: Path) -> None:
    _run("add-reviewer", "somchai", "--desk", "nacc")
    assert "HiddenServiceDir " + str(instance / "reviewer") in _torrc(instance)
    _run("disable-reviewer", "somchai")
    assert not list((instance / "reviewer" / "authorized_clients").glob("*.auth"))
    assert str(instance / "reviewer") not in _torrc(instance)  # down, never public
    assert str(instance / "source") in _torrc(instance)


def test_failed_reload_is_reported(
    instance: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("WESTRONG_CLI_TOR_RELOAD_COMMAND", "false")
    assert manage.run(["add-reviewer", "somchai", "--desk", "nacc"]) == 1
    assert "onion-sync" in capsys.readouterr().err


def test_onionbalance_configuration(
    instance: Path, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("WESTRONG_CLI_ONIONBALANCE_FRONTEND", "a" * 56 + ".onion")
    monkeypatch.setenv(
        "WESTRONG_CLI_ONIONBALANCE_INSTANCES", "b" * 56 + ".onion, " + "c" * 56 + ".onion"
    )
    _run("onion-config")
    assert "HiddenServiceOnionbalanceInstance 1" in _torrc(instance)
    assert (
        instance / "source" / "ob_config"
    ).read_text() == f"MasterOnionAddress {'a' * 56}.onion\n"
    yaml = (instance / "onionbalance" / "config.yaml").read_text()
    assert yaml.count("- address:") == 2
    assert str(instance / "onionbalance" / "frontend" / "hs_ed25519_secret_key") in yaml
