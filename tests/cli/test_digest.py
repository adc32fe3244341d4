"""The daily digest (`manage.py digest`) against a real SMTP server started here: aiosmtpd
on 127.0.0.1 with STARTTLS (a throwaway certificate made by openssl) and AUTH required
before any mail. Checks the exact text that goes out, that nothing goes out when there is
nothing to say, that no day is counted twice, and that a refused login or a server that is
down gives one clear line and exit status 1, no traceback, and a retry by the next run."""

from __future__ import annotations

import datetime as dt
import email
import email.policy
import gc
import os
import socket
import ssl
import struct
import subprocess
import sys
import threading
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
from tests.servers import ROOT
from tests.tools import free_port, require_tool

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


# The test's SMTP server (aiosmtpd) can leave a server-side socket of a dropped connection to
# the garbage collector; the fixture collects it at teardown. Not the command's sockets: it
# uses smtplib, which closes its own.
pytestmark = pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")


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
        # aiosmtpd leaves the asyncio transport of a connection the client dropped (through
        # the SOCKS relay) to the garbage collector: collect it here, in this test, where the
        # warning below is expected, not in whichever test runs next.
        gc.collect()


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


def test_without_a_relay_the_digest_is_off(config: InstanceConfigs) -> None:
    _people(config)
    off = _digest(config)
    assert off.returncode == 0, off.stderr
    assert off.stdout.strip() == "the digest is off: no smtp_host in the [cli] configuration"


def test_a_relay_without_a_login_is_refused_by_the_configuration(config: InstanceConfigs) -> None:
    half = _digest(config.with_(CLI_SMTP_HOST="127.0.0.1"))
    assert half.returncode == 1
    assert "Traceback" not in half.stderr
    assert "smtp_username, smtp_password and smtp_from" in half.stderr


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


class _Socks5Relay:
    """A minimal SOCKS5 server (no auth, CONNECT by host name), what tor's SocksPort speaks:
    records the names it was asked for and relays the bytes. Ours, for the client's side of
    the protocol; tor itself is not started here."""

    def __init__(self) -> None:
        self.asked: list[tuple[str, int]] = []
        self.server = socket.create_server(("127.0.0.1", 0))
        self.port = self.server.getsockname()[1]
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                client, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self._one, args=(client,), daemon=True).start()

    def _one(self, client: socket.socket) -> None:
        with client:
            assert client.recv(3) == b"\x05\x01\x00"
            client.sendall(b"\x05\x00")
            head = client.recv(5)
            assert head[:4] == b"\x05\x01\x00\x03"  # CONNECT, by name: tor resolves it
            name = client.recv(head[4]).decode()
            (port,) = struct.unpack(">H", client.recv(2))
            self.asked.append((name, port))
            with socket.create_connection(("127.0.0.1", port)) as upstream:
                client.sendall(b"\x05\x00\x00\x01" + bytes(4) + b"\x00\x00")
                pipes = [
                    threading.Thread(target=_pipe, args=(a, b), daemon=True)
                    for a, b in ((client, upstream), (upstream, client))
                ]
                for pipe in pipes:
                    pipe.start()
                for pipe in pipes:
                    pipe.join(30)

    def close(self) -> None:
        self.server.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while data := source.recv(65536):
            sink.sendall(data)
        sink.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def test_smtp_proxy_sends_through_a_socks5_port_by_name(
    config: InstanceConfigs, smtp: tuple[Inbox, int], certificate: tuple[Path, Path]
) -> None:
    inbox, port = smtp
    _people(config)
    with config.session() as s, s.begin():
        for person in s.query(Reviewer).filter(Reviewer.email.is_not(None)):
            person.digest_through = YESTERDAY - dt.timedelta(days=1)
    _cases(config, "nacc", 1, YESTERDAY)
    relay = _Socks5Relay()
    try:
        proxied = _env(config, port, certificate[0]).with_(CLI_SMTP_PROXY=f"127.0.0.1:{relay.port}")
        done = _digest(proxied)
    finally:
        relay.close()
    assert done.returncode == 0, done.stderr
    assert relay.asked == [("127.0.0.1", port), ("127.0.0.1", port)]
    assert len(inbox.messages) == 2
