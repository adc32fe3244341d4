"""Sending the digest's mail: SMTP on a submission port, STARTTLS before the login, always
(decision 081). Optionally through a Tor SOCKS port, so the relay sees a Tor exit, not the
server (SOCKS5 with the host name: tor resolves it, the server makes no DNS query)."""

from __future__ import annotations

import email.message
import email.utils
import smtplib
import socket
import ssl
import struct

from config import CliConfig


class MailError(Exception):
    """The mail could not be sent; the message says why, without the password."""


def _socks_connect(proxy: str, host: str, port: int, timeout: float) -> socket.socket:
    """Open a TCP stream to host:port through a SOCKS5 proxy (no authentication)."""
    proxy_host, proxy_port = proxy.rsplit(":", 1)
    sock = socket.create_connection((proxy_host, int(proxy_port)), timeout=timeout)
    try:
        sock.sendall(b"\x05\x01\x00")
        if sock.recv(2) != b"\x05\x00":
            raise MailError("the SOCKS proxy refused the connection method")
        name = host.encode("idna")
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + struct.pack(">H", port))
        reply = sock.recv(4)
        if len(reply) < 4 or reply[1] != 0:
            raise MailError(f"the SOCKS proxy could not reach {host}:{port}")
        rest = {1: 4, 4: 16}.get(reply[3])
        length = rest if rest is not None else sock.recv(1)[0]
        sock.recv(length + 2)  # the bound address and port: not needed
    except BaseException:
        sock.close()
        raise
    return sock


class _ProxiedSMTP(smtplib.SMTP):
    def __init__(self, proxy: str, **kwargs: object) -> None:
        self._proxy = proxy
        super().__init__(**kwargs)  # type: ignore[arg-type]

    def _get_socket(self, host: str, port: int, timeout: float) -> socket.socket:
        return _socks_connect(self._proxy, host, port, timeout)


def _context(config: CliConfig) -> ssl.SSLContext:
    cafile = str(config.smtp_ca_file) if config.smtp_ca_file else None
    return ssl.create_default_context(cafile=cafile)


def send(config: CliConfig, to: str, subject: str, body: str, timeout: float = 30.0) -> None:
    """Send one plain-text mail, or raise MailError."""
    message = email.message.EmailMessage()
    message["From"] = config.smtp_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = email.utils.formatdate(usegmt=True)
    message["Message-ID"] = email.utils.make_msgid(domain=config.smtp_from.rsplit("@", 1)[-1])
    message.set_content(body)
    try:
        # The host given here is also the name STARTTLS checks the certificate against.
        where = {"host": config.smtp_host, "port": config.smtp_port, "timeout": timeout}
        if config.smtp_proxy:
            client: smtplib.SMTP = _ProxiedSMTP(config.smtp_proxy, **where)
        else:
            client = smtplib.SMTP(config.smtp_host, config.smtp_port, timeout=timeout)
        with client:
            client.starttls(context=_context(config))  # refused: SMTPNotSupportedError
            client.login(config.smtp_username, config.smtp_password)
            client.send_message(message)
    except smtplib.SMTPAuthenticationError:
        raise MailError(f"the mail server {config.smtp_host} refused the login") from None
    except smtplib.SMTPNotSupportedError:
        raise MailError(f"the mail server {config.smtp_host} offers no STARTTLS") from None
    except ssl.SSLError as exc:
        raise MailError(f"TLS with {config.smtp_host} failed: {exc.reason}") from None
    except smtplib.SMTPException as exc:
        raise MailError(f"the mail server {config.smtp_host} refused: {exc}") from None
    except OSError as exc:
        reason = exc.strerror or type(exc).__name__
        raise MailError(
            f"cannot reach the mail server {config.smtp_host}:{config.smtp_port}: {reason}"
        ) from None
