"""The whole path, no mocks: a source submits through the source app, an officer exports
through the reviewer app, the workstation opens the bundle with a passphrase-protected desk
key made by its own keygen; everything comes out byte-identical, and the same items open
with Debian's age."""

from __future__ import annotations

import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

from flask.testing import FlaskClient
from sqlalchemy import update

from crypto.fingerprint import fingerprint
from crypto.keys import Recipient
from crypto.signing import SigningKey
from store.db import make_engine, session_factory
from store.models import DeskRecipient
from tests.factories import InstanceConfigs, World, csrf, new_source, sign_in, token_of
from tests.tools import require_tool
from workstation.keys import pin_server

EVIDENCE = bytes(range(256)) * 1000 + "ท้ายไฟล์".encode()


def _desk_key(tmp_path: Path) -> tuple[Path, Path, str]:
    key = tmp_path / "desk.age"
    secret = tmp_path / "passphrase.txt"
    secret.write_text("ช้างเผือก ลายไทย correct horse\n")
    made = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "keygen",
            "--desk",
            "nacc",
            "--out",
            str(key),
            "--passphrase-file",
            str(secret),
            "--work-factor",
            "12",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    public = re.search(r"age1[02-9ac-hj-np-z]+", made.stdout)
    assert public, made.stdout
    return key, secret, public.group(0)


def _use_desk_key(config: InstanceConfigs, recipient: str) -> None:
    """Register the workstation's public key as the desk's only recipient (as an admin would)."""
    engine = make_engine(config.database_url)
    with session_factory(engine)() as s, s.begin():
        s.execute(
            update(DeskRecipient)
            .where(DeskRecipient.desk_id == 1)
            .values(recipient=recipient, fingerprint=fingerprint(Recipient.parse(recipient)))
        )
    engine.dispose()


def _report(source: FlaskClient) -> None:
    new_source(source)
    data = {
        "csrf_token": csrf(source.get("/lookup").get_data(as_text=True)),
        "desk": "nacc",
        "msg": "เจ้าหน้าที่พัสดุรับเงินจากผู้รับเหมา",
        "agency": "กรมทางหลวง",
        "province": "TH-50",
        "wrongdoing": ["bribery"],
        "fh": [(io.BytesIO(EVIDENCE), "../../etc/สัญญา.pdf"), (io.BytesIO(b"photo"), "a.jpg")],
    }
    response = source.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 303


def test_source_to_reviewer_to_workstation(world: World, tmp_path: Path) -> None:
    key, secret, recipient = _desk_key(tmp_path)
    _use_desk_key(world.config, recipient)
    source = world.source_app.test_client()
    _report(source)  # the world's earlier cases used the old desk key; this one the new

    officer = sign_in(world, "somchai")
    page = officer.get("/").get_data(as_text=True)
    first = max(int(x) for x in re.findall(r'href="/cases/(\d+)"', page))
    response = officer.post(
        f"/cases/{first}/export",
        data={"csrf_token": token_of(officer, f"/cases/{first}"), "which": "all"},
    )
    bundle = tmp_path / "bundle.zip"
    bundle.write_bytes(response.get_data())

    # Set-up pins the server's signing key next to the desk key (decision 065).
    server_key = str(SigningKey(world.config.reviewer.signing_key).verify_key)
    pin_server(key.parent, server_key)
    verify = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "verify",
            str(bundle),
            "-i",
            str(key),
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stdout + verify.stderr
    out = tmp_path / "opened"
    opened = subprocess.run(
        [
            sys.executable,
            "-m",
            "workstation",
            "open",
            str(bundle),
            "-i",
            str(key),
            "-o",
            str(out),
            "--passphrase-file",
            str(secret),
            "--no-clean",
            "--no-progress",
            "--lang",
            "en",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert opened.returncode == 0, opened.stdout + opened.stderr
    files = {p.name: p.read_bytes() for p in out.rglob("*") if p.is_file()}
    # Separators in the sent name become underscores: the file stays inside the output folder.
    assert files["_.._etc_สัญญา.pdf"] == EVIDENCE
    assert files["a.jpg"] == b"photo"
    messages = [v for k, v in files.items() if k.startswith("message-")]
    assert messages == ["เจ้าหน้าที่พัสดุรับเงินจากผู้รับเหมา".encode()]
    reports = [
        v.decode() for k, v in files.items() if k.startswith("report-") and k.endswith(".txt")
    ]
    assert any("กรมทางหลวง" in r and "TH-50" in r for r in reports)
    assert not any(p.is_relative_to(Path("/etc")) for p in out.rglob("*"))

    # The same items open with the reference implementation, the key unlocked by age itself.
    age_bin = require_tool("age")
    identity = tmp_path / "identity.txt"
    unlocked = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from crypto import age; from crypto.scrypt import ScryptIdentity;"
            "sys.stdout.buffer.write(age.decrypt_bytes(open(sys.argv[1],'rb').read(),"
            "[ScryptIdentity(open(sys.argv[2]).readline().rstrip('\\n'))]))",
            str(key),
            str(secret),
        ],
        capture_output=True,
        check=True,
    )
    identity.write_bytes(unlocked.stdout)
    with zipfile.ZipFile(bundle) as archive:
        for name in archive.namelist():
            if not name.endswith(".age"):
                continue
            plain = subprocess.run(
                [age_bin, "-d", "-i", str(identity)],
                input=archive.read(name),
                capture_output=True,
                check=True,
            )
            assert plain.stdout.startswith(b"westrong-drop/inner/v1\n")
