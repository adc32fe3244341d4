"""The desktop window under Xvfb: key ceremony, damaged bundle, wrong passphrase, open, cancel.

The window is the installed workstation's (a venv outside the checkout, Debian's Python and
python3-gi), driven by window_driver.py; what is on screen is read back through AT-SPI, and
the screenshots (Thai and English) are kept in artifacts/window/.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from crypto.keys import Recipient
from tests.tools import require_tool
from tests.workstation import bundles, desktop
from tests.workstation.support import files_under, partials_under
from workstation import keys

HERE = Path(__file__).parent
PASSPHRASE = "correct horse battery staple"


@pytest.fixture(scope="module")
def shots(request: pytest.FixtureRequest) -> Path:
    folder = request.config.rootpath / "artifacts" / "window"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    return folder


def drive(python: Path, tmp: Path, shots: Path, **plan: Any) -> dict[str, Any]:
    """Run one scenario of the driver on a fresh desktop; return what it saw."""
    report = tmp / f"{plan['scenario']}-seen.json"
    plan.update(
        report=str(report), screenshots=str(shots), atspi=str(HERE / "atspi_texts.py"),
        home=str(plan.get("home", tmp)),
    )  # fmt: skip
    plan_file = tmp / f"{plan['scenario']}-plan.json"
    plan_file.write_text(json.dumps(plan), encoding="utf-8")
    with desktop.session() as env:
        result = subprocess.run(
            [python, HERE / "window_driver.py", plan_file],
            cwd=tmp, env=env, capture_output=True, text=True, timeout=240, check=False,
        )  # fmt: skip
    assert result.returncode == 0, result.stdout + result.stderr
    seen: dict[str, Any] = json.loads(report.read_text(encoding="utf-8"))
    return seen


def on_screen(seen: dict[str, Any], step: str) -> str:
    """Return everything AT-SPI found on screen at a step, after checking the screenshot."""
    look = seen[step]
    assert Path(look["png"]).stat().st_size > 10_000
    assert look["colours"] > 20, f"{step}: the screenshot is blank"
    assert look["texts"], f"{step}: AT-SPI found no text (is the window accessible?)"
    return "\n".join(look["texts"])


def test_key_ceremony_in_thai_then_english(
    installed_python: Path, tmp_path: Path, shots: Path
) -> None:
    usb = tmp_path / "usb"
    usb.mkdir()
    seen = drive(installed_python, tmp_path, shots, scenario="keygen", language="th",
                 desk="nacc", usb=str(usb))  # fmt: skip
    short = on_screen(seen, "keygen-short")
    assert "สั้นเกินไป ต้องมีอย่างน้อย 12 ตัวอักษร" in short
    thai = on_screen(seen, "keygen-done")
    key = seen["key"]
    assert key["key"] == str(tmp_path / "nacc.key.age")  # where `keygen --desk nacc` puts it
    assert "สร้างกุญแจเรียบร้อยแล้ว" in thai
    assert "ลายนิ้วมือกุญแจ" in thai
    assert key["recipient"] in thai
    assert key["fingerprint"] in thai
    assert key["passphrase"] in thai  # shown to be written down
    assert "ตู้นิรภัย" in thai  # the backup reminder
    english = on_screen(seen, "keygen-done-switched")
    assert "The desk key is made" in english
    assert "Save the public key to the USB stick" in english
    assert "สร้างกุญแจเรียบร้อยแล้ว" not in english
    public = (usb / "nacc.key.age.pub").read_text()
    assert key["recipient"] in public
    assert key["fingerprint"] in public
    # The key opens with the passphrase through the command line's own reader.
    checked = subprocess.run(
        [installed_python, "-m", "workstation", "keygen", "--desk", "nacc", "--out", key["key"]],
        capture_output=True, text=True, check=False, env={"WESTRONG_LANG": "en", **_path()},
    )  # fmt: skip
    assert checked.returncode == 2
    assert "already exists" in checked.stderr


def _path() -> dict[str, str]:
    return {"PATH": os.environ.get("PATH", "/usr/bin:/bin")}


def _key(tmp_path: Path, installed_python: Path) -> tuple[Path, list[Recipient]]:
    """Make a desk key with the command line (the window's key test is above)."""
    key = tmp_path / "desk.key.age"
    subprocess.run(
        [installed_python, "-m", "workstation", "keygen", "--desk", "test", "--out", key,
         "--work-factor", "10"],
        env={"WESTRONG_KEY_PASSPHRASE": PASSPHRASE, **_path()}, check=True, capture_output=True,
    )  # fmt: skip
    recipient = key.with_name(key.name + ".pub").read_text().split()[-1]
    keys.pin_server(tmp_path, str(bundles.SIGNER.verify_key))  # set-up pins the server key
    return key, [Recipient.parse(recipient)]


def test_open_damaged_wrong_passphrase_then_open_and_print(
    installed_python: Path, tmp_path: Path, shots: Path
) -> None:
    key, recipients = _key(tmp_path, installed_python)
    message = "พบการฮั้วประมูลโครงการก่อสร้างถนน ผู้ใหญ่บ้านรับเงินทอน\n".encode() * 20
    document = b"%PDF-1.4\n" + os.urandom(200_000)
    good = [
        bundles.item("message", "brave otter", 1, message, recipients,
                     fields={"agency": "อบต. ตัวอย่าง"}),
        bundles.item("file", "brave otter", 2, document, recipients, filename="สัญญา.pdf"),
        bundles.item("file", "brave otter", 3, b"MZ\x90\x00" + os.urandom(3000), recipients,
                     filename="setup.exe"),
    ]  # fmt: skip
    bundle = bundles.write_bundle(tmp_path / "export.zip", good)
    spoiled = [bundles.item("message", "quiet heron", 1, b"x" * 100, recipients)]
    assert spoiled[0].data is not None
    spoiled[0].data = spoiled[0].data[:-1] + bytes([spoiled[0].data[-1] ^ 1])
    damaged = bundles.write_bundle(tmp_path / "damaged.zip", spoiled)
    out = tmp_path / "opened"
    seen = drive(installed_python, tmp_path, shots, scenario="open", language="en",
                 key=str(key), bundle=str(bundle), damaged=str(damaged), out=str(out),
                 passphrase=PASSPHRASE, pdf=str(tmp_path / "report.pdf"),
                 complaint_pdf=str(tmp_path / "complaint.pdf"),
                 online=["eth9"])  # fmt: skip
    damaged_text = on_screen(seen, "open-damaged")
    assert "The bundle is damaged or incomplete: 1 items are not intact" in damaged_text
    assert "checksum (SHA-256) does not match" in damaged_text
    assert "Signed by the pinned server key" in damaged_text  # the signature's verdict
    assert "this computer is connected to a network (eth9)" in damaged_text
    assert seen["open_allowed_before_confirm"] is False
    assert seen["open_allowed_after_confirm"] is True
    assert "Wrong passphrase for the key file." in on_screen(seen, "open-wrong-passphrase")
    summary = on_screen(seen, "report-summary")
    assert "Opened 3 of 3 items." in summary
    assert "possibly dangerous (a program): not opened from here" in summary
    assert seen["risky_rows"] == ["brave-otter/files/setup.exe"]
    opened = files_under(out)
    assert opened["brave-otter/message-0001.txt"] == message
    assert opened["brave-otter/files/สัญญา.pdf"] == document
    assert "index.html" in opened
    assert "summary.txt" in opened
    assert "พบการฮั้วประมูลโครงการก่อสร้างถนน" in seen["report_text"]
    assert "พบการฮั้วประมูลโครงการก่อสร้างถนน" in on_screen(seen, "report-read")
    # Print prints the report's layout (decision 086), and the complaint layout once a
    # message's report is read.
    assert seen["complaint_before_read"] is False
    assert seen["complaint_after_read"] is True
    printed = _pdf_text(tmp_path / "report.pdf")
    assert "Details reported" in printed
    assert "Corruption tip report" in printed
    complaint = _pdf_text(tmp_path / "complaint.pdf")
    assert "Case: brave otter" in complaint
    assert "The accused" in complaint
    assert "not given" in complaint


def _pdf_text(pdf: Path) -> str:
    assert pdf.read_bytes().startswith(b"%PDF")
    pdftotext = require_tool("pdftotext")
    done = subprocess.run([pdftotext, pdf, "-"], capture_output=True, text=True, check=True)
    return done.stdout


def test_identity_opens_only_when_the_box_is_ticked(
    installed_python: Path, tmp_path: Path, shots: Path
) -> None:
    key, recipients = _key(tmp_path, installed_python)
    identity = "ชื่อ สมหญิง ใจกล้า โทร 081-234-5678".encode()
    items = [
        bundles.item("message", "brave otter", 1, b"the tip", recipients, fields={}),
        bundles.item("identity", "brave otter", 2, identity, recipients, language="th"),
    ]
    bundle = bundles.write_bundle(tmp_path / "export.zip", items)
    closed, revealed = tmp_path / "closed", tmp_path / "revealed"
    seen = drive(installed_python, tmp_path, shots, scenario="identity", language="en",
                 key=str(key), bundle=str(bundle), out_closed=str(closed),
                 out_revealed=str(revealed), passphrase=PASSPHRASE)  # fmt: skip
    assert seen["reveal_ticked_closed"] is False  # not ticked until the officer ticks it
    assert "not opened: open it only if you need to" in on_screen(seen, "identity-closed")
    left_closed = files_under(closed)
    assert "brave-otter/message-0001.txt" in left_closed
    assert all(identity not in data for data in left_closed.values())
    assert "not opened: open it only if you need to" not in on_screen(seen, "identity-revealed")
    opened = files_under(revealed)
    assert opened["identity/brave-otter/identity-0002.txt"] == identity
    assert all(identity not in data for name, data in opened.items() if name.startswith("brave"))


def test_cancel_leaves_nothing_behind(installed_python: Path, tmp_path: Path, shots: Path) -> None:
    key, recipients = _key(tmp_path, installed_python)
    big = [
        bundles.item("file", "calm lotus", n, os.urandom(24 * 1024 * 1024), recipients,
                     filename=f"video-{n}.mp4")
        for n in range(1, 9)
    ]  # fmt: skip
    bundle = bundles.write_bundle(tmp_path / "big.zip", big)
    del big
    out = tmp_path / "opened"
    seen = drive(installed_python, tmp_path, shots, scenario="cancel", language="th",
                 key=str(key), bundle=str(bundle), out=str(out), passphrase=PASSPHRASE)  # fmt: skip
    assert "รายการที่" in on_screen(seen, "cancel-running")
    assert "ยกเลิกแล้ว" in on_screen(seen, "cancel-done")
    assert not out.exists()
    assert partials_under(tmp_path) == []
