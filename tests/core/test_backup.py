"""Backup and restore, for real: a populated instance is backed up by `manage.py backup` (its
own process) while a thread keeps submitting tips through the source app; the archive opens
with the stock `age` and `tar`; after a wipe, `manage.py restore` brings back an instance where
every source signs in with their codename and reads their replies, every reviewer signs in
with passphrase and TOTP, and every blob decrypts with its desk's key."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

import journalist_interface
import source_interface
from config import load_source_config
from core import backup, integrity, restore
from crypto import age
from crypto.inner import open_inner
from crypto.keys import Recipient, parse_identity_file
from store.db import make_engine
from store.models import AuditEvent, Reply, Submission
from tests.conftest import require_tool
from tests.factories import (
    InstanceConfigs,
    World,
    csrf,
    dispose_engines,
    make_world,
    new_source,
    send_tip,
    sign_in,
    submit_tip,
    token_of,
)

ROOT = Path(__file__).resolve().parents[2]


def manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**os.environ, **env},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def write_source_file(configs: InstanceConfigs, folder: Path) -> Path:
    """The source interface's own configuration file, as production keeps it in /etc."""
    folder.mkdir(mode=0o700)
    env = configs.env
    path = folder / "source.toml"
    path.write_text(
        "\n".join(
            [
                'mode = "testing"',
                f'database_url = "{env["WESTRONG_DATABASE_URL"]}"',
                f'store_root = "{env["WESTRONG_STORE_ROOT"]}"',
                "[source]",
                f'secret_key = "{env["WESTRONG_SOURCE_SECRET_KEY"]}"',
                f'pepper = "{env["WESTRONG_SOURCE_PEPPER"]}"',
                "kdf_ops = 1",
                f"kdf_mem = {8 * 1024 * 1024}",
                "kdf_per_second = 1000",
                "",
            ]
        )
    )
    path.chmod(0o600)
    return path


def reply_to(client: FlaskClient, case_id: int, text: str) -> None:
    token = token_of(client, f"/cases/{case_id}")
    response = client.post(f"/cases/{case_id}/reply", data={"csrf_token": token, "message": text})
    assert response.status_code == 303


def populate(world: World) -> dict[str, list[str]]:
    """Sources at both desks, each with a reply; return codename → reply texts."""
    expected: dict[str, list[str]] = {}
    officers = {"nacc": sign_in(world, "somchai"), "uni": sign_in(world, "malee")}
    for i, desk in enumerate(["nacc", "uni", "nacc", "uni"]):
        client = world.source_app.test_client()
        codename = new_source(client)
        send_tip(client, desk, f"เรื่องที่ {i} ที่ {desk}", files=2)
        with world.session() as s:
            case_id = s.scalars(select(Submission.case_id).order_by(Submission.id.desc())).first()
        assert case_id is not None
        text = f"ได้รับเรื่อง {i} แล้ว"
        reply_to(officers[desk], case_id, text)
        expected[codename] = [text]
    return expected


def keep_submitting(world: World, stop: threading.Event, done: list[int]) -> None:
    while not stop.is_set():
        submit_tip(world, "nacc", f"ระหว่างสำรอง {len(done)}", files=1)
        done.append(1)


@pytest.fixture
def backup_key(tmp_path: Path) -> tuple[Path, str]:
    keygen = require_tool("age-keygen")
    key = tmp_path / "backup.key"
    subprocess.run([keygen, "-o", str(key)], check=True, capture_output=True)
    recipient = re.search(r"public key: (age1\w+)", key.read_text())
    assert recipient
    return key, recipient.group(1)


def test_backup_while_tips_arrive_then_restore_on_a_fresh_install(
    tmp_path: Path, backup_key: tuple[Path, str]
) -> None:
    age_cli = require_tool("age")
    tar_cli = require_tool("tar")
    (tmp_path / "live").mkdir()
    configs = InstanceConfigs(
        {**_configs(tmp_path / "live").env, "WESTRONG_CLI_INSTANCE_DIR": str(tmp_path / "etc")}
    )
    source_file = write_source_file(configs, tmp_path / "etc")
    world = make_world(configs)
    expected = populate(world)
    key, recipient = backup_key
    archive = tmp_path / "backup.age"

    stop, done = threading.Event(), list[int]()
    submitter = threading.Thread(target=keep_submitting, args=(world, stop, done))
    submitter.start()
    try:
        while len(done) < 2:  # tips are arriving before and during the backup
            stop.wait(0.05)
        result = manage(configs.env, "backup", "--recipient", recipient, "-o", str(archive))
    finally:
        stop.set()
        submitter.join()
    assert result.returncode == 0, result.stderr
    assert "backed up" in result.stdout
    assert len(done) >= 3

    # The stock tools open it; the snapshot is consistent (its rows name exactly its blobs).
    opened = tmp_path / "opened"
    opened.mkdir()
    decrypted = subprocess.run(
        [age_cli, "-d", "-i", str(key), str(archive)], check=True, capture_output=True
    ).stdout
    subprocess.run([tar_cli, "-x", "-C", str(opened)], input=decrypted, check=True)
    inside = opened / "westrong-backup"
    assert (inside / "FORMAT").is_file()
    assert (inside / "MANIFEST.json").is_file()
    assert (inside / "instance" / "source.toml").read_bytes() == source_file.read_bytes()
    snapshot = sqlite3.connect(inside / "database.sqlite")
    named = {
        r[0]
        for t, column in (
            ("submissions", "blob_name"),
            ("replies", "blob_name"),
            ("replies", "source_blob_name"),  # the source's own copy of a reply
        )
        for r in snapshot.execute(f"SELECT {column} FROM {t} WHERE {column} IS NOT NULL")
    }
    audit = snapshot.execute("SELECT id, action, detail FROM audit_events").fetchall()
    snapshot.close()
    archived = {p.name for p in (inside / "store").rglob("*.age")}
    assert named == archived
    dump = (inside / "database.sqlite").read_bytes()
    assert "เรื่องที่ 0".encode() not in dump  # what sources wrote is only in the blobs
    assert "ได้รับเรื่อง 0".encode() not in dump

    # Wipe everything, as on a new machine, and restore. Pooled connections of this test
    # process still hold the old file open: close them, as a new machine would have none.
    dispose_engines(make_engine(configs.database_url).url.database or "")
    shutil.rmtree(tmp_path / "live")
    shutil.rmtree(tmp_path / "etc")
    (tmp_path / "live").mkdir()
    result = manage(configs.env, "restore", str(archive), "-i", str(key))
    assert result.returncode == 0, result.stderr + result.stdout
    assert f"restored {len(archived)} blobs" in result.stdout
    again = manage(configs.env, "restore", str(archive), "-i", str(key))
    assert again.returncode == 1
    assert "--force" in again.stderr

    restored_config = load_source_config({"WESTRONG_CONFIG": str(source_file)})
    assert restored_config.pepper == configs.source.pepper
    source_app = source_interface.create_app(restored_config)
    source_app.config["TESTING"] = True
    for codename, replies in expected.items():
        client = source_app.test_client()
        page = client.get("/login").get_data(as_text=True)
        response = client.post("/login", data={"csrf_token": csrf(page), "codename": codename})
        assert response.status_code == 303
        lookup = client.get("/lookup").get_data(as_text=True)
        for text in replies:
            assert text in lookup

    reviewer_app = journalist_interface.create_app(configs.reviewer)
    reviewer_app.config["TESTING"] = True
    back = World(configs, reviewer_app, source_app, world.desks, world.people)
    for name in world.people:
        client = sign_in(back, name, offset=1)  # the code of this step was used already
        assert client.get("/").status_code == 200

    with back.session() as s:
        items = s.scalars(select(Submission)).all()
        reply_rows = s.scalars(select(Reply)).all()
        copies = [r.source_blob_name for r in reply_rows if r.source_blob_name]
        assert len(items) + len(reply_rows) + len(copies) == len(archived)
        back_audit = [(e.id, e.action, e.detail) for e in s.scalars(select(AuditEvent))]
        assert back_audit[: len(audit)] == audit  # the audit log came back whole
        assert len(audit) > 10
        for item in items:
            identity = world.desks[item.case.desk.slug]
            with back.blobs.open(item.blob_name) as f:
                _header, content = open_inner(age.decrypt_chunks(f, [identity]))
                assert b"".join(content)
    assert back.blobs.names() == archived
    assert manage(configs.env, "check").returncode == 0


def test_restore_refuses_a_wrong_key_and_a_truncated_archive(
    tmp_path: Path, backup_key: tuple[Path, str]
) -> None:
    configs = _configs(tmp_path)
    make_world(configs)
    key, recipient = backup_key
    archive = tmp_path / "backup.age"
    assert (
        manage(configs.env, "backup", "--recipient", recipient, "-o", str(archive)).returncode == 0
    )
    fresh = _configs(tmp_path / "fresh", migrated=False)
    other = tmp_path / "other.key"
    subprocess.run([require_tool("age-keygen"), "-o", str(other)], check=True, capture_output=True)
    wrong = manage(fresh.env, "restore", str(archive), "-i", str(other))
    assert wrong.returncode == 1
    assert "does not open with this key" in wrong.stderr
    truncated = tmp_path / "short.age"
    truncated.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    short = manage(fresh.env, "restore", str(truncated), "-i", str(key))
    assert short.returncode != 0
    assert "Traceback" not in short.stderr


def _configs(folder: Path, migrated: bool = True) -> InstanceConfigs:
    from tests.factories import make_configs

    folder.mkdir(parents=True, exist_ok=True)
    return make_configs(folder, migrated=migrated)


def test_a_damaged_blob_is_left_out_and_its_row_repaired(
    tmp_path: Path, backup_key: tuple[Path, str]
) -> None:
    configs = _configs(tmp_path / "old")
    make_world(configs)
    key, recipient = backup_key
    identities = parse_identity_file(key.read_text())
    url = configs.env["WESTRONG_DATABASE_URL"]
    archive = tmp_path / "backup.age"
    backup.write_file(url, configs.blobs, [Recipient.parse(recipient)], archive)

    # Flip one byte inside one blob (same size: only its hash can tell) and seal it again.
    with open(archive, "rb") as f:
        plain = b"".join(age.decrypt_chunks(f, identities))
    damaged_tar = io.BytesIO()
    spoiled = ""
    with (
        tarfile.open(fileobj=io.BytesIO(plain)) as old,
        tarfile.open(fileobj=damaged_tar, mode="w", format=tarfile.PAX_FORMAT) as new,
    ):
        for member in old:
            data = old.extractfile(member)
            content = data.read() if data else b""
            if not spoiled and "/store/" in member.name and member.isfile():
                spoiled = member.name.rsplit("/", 1)[1]
                content = content[:-1] + bytes([content[-1] ^ 1])
            new.addfile(member, io.BytesIO(content))
    with open(archive, "wb") as f:
        sealing = age.encryptor(f, [Recipient.parse(recipient)])
        sealing.write(damaged_tar.getvalue())
        sealing.close()

    with configs.session() as s:
        rows = len(s.scalars(select(Submission)).all()) + len(s.scalars(select(Reply)).all())
    fresh = _configs(tmp_path / "fresh", migrated=False)
    fresh_url = fresh.env["WESTRONG_DATABASE_URL"]
    with open(archive, "rb") as f:
        counts = restore.restore(fresh_url, fresh.blobs, identities, f)
    assert counts.damaged == 1
    assert counts.blobs == rows - 1
    assert not fresh.blobs.exists(spoiled)
    with fresh.session() as s:
        names = {*s.scalars(select(Submission.blob_name)), *s.scalars(select(Reply.blob_name))}
        report = integrity.check(s, fresh.blobs, deep=True, grace_seconds=0)
    assert spoiled not in names  # its row went with it: nothing names a missing blob
    assert len(names) == rows - 1
    assert all(fresh.blobs.exists(name) for name in names)
    assert report.clean, report.lines()
