"""The daily digest (`manage.py digest`) against a real SMTP server started here: aiosmtpd
on 127.0.0.1 with STARTTLS (a throwaway certificate made by openssl) and AUTH required
before any mail. Checks the exact text that goes out, that nothing goes out when there is
nothing to say, that no day is counted twice, and that a refused login or a server that is
down gives one clear line and exit status 1, no traceback, and a retry by the next run."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import os
import ssl
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from core import accounts, desks
from core import digest as digests
from store.models import Case, Reviewer
from tests.factories import InstanceConfigs, add_case, add_desk, add_source
from tests.servers import ROOT, free_port
from tests.tools import require_tool

USER, PASSWORD = "westrong-digest", "a long relay password"
TODAY = dt.datetime.now(dt.UTC).date()
YESTERDAY = TODAY - dt.timedelta(days=1)


@dataclass
class Inbox:
    """What the SMTP server received, and who logged in."""

    messages: list[tuple[list[str], bytes]] = field(default_factory=list)
    logins: list[str] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append((list(envelope.rcpt_tos), bytes(envelope.content)))
        return "250 OK"


def _authenticator(inbox: Inbox) -> Any:
    def check(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> AuthResult:
        ok = isinstance(data, LoginPassword) and (data.login, data.password) == (
            USER.encode(),
            PASSWORD.encode(),
        )
        if ok:
            inbox.logins.append(USER)
        return AuthResult(success=ok, handled=False)

    return check


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    openssl = require_tool("openssl")
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
         "-nodes", "-keyout", str(key), "-out", str(cert), "-days", "1", "-subj", "/CN=127.0.0.1",
         "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True, capture_output=True,
    )  # fmt: skip
    return cert, key


@pytest.fixture
def smtp(certificate: tuple[Path, Path]) -> Iterator[tuple[Inbox, int]]:
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(cert, key)
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox,
        hostname="127.0.0.1",
        port=port,
        tls_context=context,
        require_starttls=True,
        auth_required=True,
        auth_require_tls=True,
        authenticator=_authenticator(inbox),
    )
    controller.start()
    try:
        yield inbox, port
    finally:
        controller.stop()


def _env(
    config: InstanceConfigs, port: int, cert: Path, password: str = PASSWORD
) -> InstanceConfigs:
    return config.with_(
        CLI_SMTP_HOST="127.0.0.1",
        CLI_SMTP_PORT=port,
        CLI_SMTP_USERNAME=USER,
        CLI_SMTP_PASSWORD=password,
        CLI_SMTP_FROM="drop@example.org",
        CLI_SMTP_CA_FILE=str(cert),
    )


def _digest(config: InstanceConfigs) -> subprocess.CompletedProcess[str]:
    """Run `manage.py digest` as the timer does: its own process, its own configuration."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("WESTRONG_")}
    return subprocess.run(
        [sys.executable, "manage.py", "digest"],
        cwd=ROOT, env={**env, **config.env}, capture_output=True, text=True, timeout=120,
        check=False,
    )  # fmt: skip


def _people(config: InstanceConfigs) -> None:
    """Two desks; ana at nacc (Thai), ben at both (English), cat at uni without an address."""
    add_desk(config, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    add_desk(config, "uni", "ศูนย์มหาวิทยาลัย", "University centre")
    cli = config.cli
    from crypto import passphrase

    hasher = passphrase.make_hasher(1, 64)
    with config.session() as s, s.begin():
        nacc, uni = desks.by_slug(s, "nacc"), desks.by_slug(s, "uni")
        for name, own in (("ana", [nacc]), ("ben", [nacc, uni]), ("cat", [uni])):
            accounts.add(s, hasher, None, name, False, own, cli.totp_public_key)
        ana = accounts.by_username(s, "ana")
        ben = accounts.by_username(s, "ben")
        digests.set_address(s, ana, ana, "Ana@Mail.Example.org", "th", YESTERDAY)
        digests.set_address(s, ben, ben, "ben@example.net", "en", YESTERDAY)


def _cases(config: InstanceConfigs, desk: str, count: int, received: dt.date) -> None:
    with config.session() as s, s.begin():
        for i in range(count):
            source = add_source(s, f"{desk}-{received}-{i}-{os.urandom(4).hex()}")
            case: Case = add_case(s, config.blobs, source, desk)
            case.received_on = received


def _mail(raw: bytes) -> email.message.EmailMessage:
    message = email.message_from_bytes(raw, policy=email.policy.default)
    assert isinstance(message, email.message.EmailMessage)
    return message


def _body(message: email.message.EmailMessage) -> str:
    """The text as the reader sees it (line ends as sent: CRLF on the wire)."""
    return str(message.get_content()).replace("\r\n", "\n")


def test_digest_says_two_numbers_and_nothing_when_there_is_nothing(
    config: InstanceConfigs, smtp: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = smtp
    configured = _env(config, port, certificate[0])
    _people(config)
    # Nothing received yet and nothing to acknowledge: nothing goes out.
    quiet = _digest(configured)
    assert quiet.returncode == 0, quiet.stderr
    assert "sent 0 digests (2 with nothing to say)" in quiet.stdout
    assert inbox.messages == []
    with config.session() as s, s.begin():
        for person in s.query(Reviewer).filter(Reviewer.email.is_not(None)):
            person.digest_through = YESTERDAY - dt.timedelta(days=1)  # as if a day earlier
    _cases(config, "nacc", 2, YESTERDAY)
    _cases(config, "uni", 1, YESTERDAY)
    _cases(config, "nacc", 1, TODAY)  # counted tomorrow, once the day has closed
    with config.session() as s, s.begin():
        designations = [c.designation for c in s.query(Case)]

    done = _digest(configured)
    assert done.returncode == 0, done.stderr
    assert "sent 2 digests (0 with nothing to say)" in done.stdout
    assert inbox.logins == [USER, USER]
    got = {tuple(to): _mail(raw) for to, raw in inbox.messages}
    assert set(got) == {("Ana@mail.example.org",), ("ben@example.net",)}
    ana, ben = got[("Ana@mail.example.org",)], got[("ben@example.net",)]
    assert ana["Subject"] == "WE STRONG Drop: สรุปประจำวัน"
    assert _body(ana) == (
        "เรื่องใหม่ 2 เรื่อง และเรื่องที่ต้องยืนยันการรับเรื่อง 3 เรื่อง ที่หน่วยงานผู้รับเรื่องของท่าน\n\n"
        "โปรดเข้าสู่ระบบสำหรับเจ้าหน้าที่ผ่าน Tor Browser เพื่อดูรายละเอียด\n"
    )
    assert ben["Subject"] == "WE STRONG Drop: daily digest"
    assert _body(ben) == (
        "3 new reports and 4 acknowledgements due at your desks.\n\n"
        "Sign in to the reviewer interface in Tor Browser to see them.\n"
    )
    assert ben["From"] == "drop@example.org"
    for _, raw in inbox.messages:
        text = raw.decode("utf-8", "replace")
        for word in [*designations, "nacc", "uni", "NACC", "ป.ป.ช."]:
            assert word not in text

    # A second run on the same day sends nothing (the days are counted).
    again = _digest(configured)
    assert again.returncode == 0, again.stderr
    assert "sent 0 digests" in again.stdout
    assert len(inbox.messages) == 2


def test_a_refused_login_or_a_server_that_is_down_is_retried_next_run(
    config: InstanceConfigs, smtp: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = smtp
    _people(config)
    with config.session() as s, s.begin():
        for person in s.query(Reviewer).filter(Reviewer.email.is_not(None)):
            person.digest_through = YESTERDAY - dt.timedelta(days=1)
    _cases(config, "nacc", 1, YESTERDAY)

    refused = _digest(_env(config, port, certificate[0], password="wrong"))
    assert refused.returncode == 1
    assert "Traceback" not in refused.stderr
    assert refused.stderr.strip() == (
        "error: 2 digests not sent, retried next run: the mail server 127.0.0.1 refused the login"
    )
    down = _digest(_env(config, free_port(), certificate[0]))
    assert down.returncode == 1
    assert "Traceback" not in down.stderr
    assert down.stderr.startswith("error: 2 digests not sent, retried next run: ")
    assert "cannot reach the mail server 127.0.0.1:" in down.stderr
    assert inbox.messages == []

    fixed = _digest(_env(config, port, certificate[0]))
    assert fixed.returncode == 0, fixed.stderr
    bodies = sorted(_body(_mail(raw)).splitlines()[0] for _, raw in inbox.messages)
    assert bodies == [
        "1 new report and 1 acknowledgement due at your desks.",
        "เรื่องใหม่ 1 เรื่อง และเรื่องที่ต้องยืนยันการรับเรื่อง 1 เรื่อง ที่หน่วยงานผู้รับเรื่องของท่าน",
    ]


def test_an_address_is_checked_and_cleared(config: InstanceConfigs) -> None:
    _people(config)
    from core.errors import Invalid

    with config.session() as s, s.begin():
        ana = accounts.by_username(s, "ana")
        for bad in ["ana", "a@b", "ana@example.org\r\nBcc: x@example.org", "a@b.org, c@d.org"]:
            with pytest.raises(Invalid):
                digests.set_address(s, ana, ana, bad, "th", TODAY)
        digests.clear_address(s, ana, ana)
        assert (ana.email, ana.digest_through) == (None, None)
    with config.session() as s:
        assert [d.email for d in digests.pending(s, TODAY)] == ["ben@example.net"]
