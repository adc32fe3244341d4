"""A private Tor network on 127.0.0.1 made of Debian's `tor`: 3 directory authorities (keys from
`tor-gencert`), 3 relays, clients and an onion-service tor, all with TestingTorNetwork and
DirAuthority lines that point at loopback only, so nothing here can reach the public network.

Used by the end-to-end test and by bench/onion_upload.py. Settings from
../shared/notes/RECIPES.md (fast voting, AssumeReachable, equal bandwidths, Stable guaranteed).
`TorNet` is a context manager: every tor it started is stopped when the block ends, also when
it fails. A SOCKS5 client with Tor's extended error codes and an HTTP client over it complete it.
"""

from __future__ import annotations

import http.client
import re
import shutil
import signal
import socket
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Self

from bench._harness import Client
from tests.tools import free_port

# Tor's extended SOCKS errors (SocksPort … ExtendedErrors), proposal 304.
ONION_NOT_FOUND = 0xF0
INTRODUCTION_FAILED = 0xF2
MISSING_CLIENT_AUTH = 0xF4
BAD_CLIENT_AUTH = 0xF5
HSDIR = re.compile(r"^s .*\bHSDir\b", re.MULTILINE)


class SocksError(OSError):
    """The SOCKS server refused the connection; `code` is the SOCKS5 reply field."""

    def __init__(self, code: int) -> None:
        super().__init__(f"SOCKS reply 0x{code:02X}")
        self.code = code


def _recv_exactly(sock: socket.socket, n: int) -> bytes:
    data = b""
    while len(data) < n:
        more = sock.recv(n - len(data))
        if not more:
            raise ConnectionError("SOCKS server closed the connection")
        data += more
    return data


def socks_connect(socks_port: int, host: str, port: int, timeout: float) -> socket.socket:
    """Open a stream to host:port through the SOCKS5 server on 127.0.0.1:socks_port."""
    sock = socket.create_connection(("127.0.0.1", socks_port), timeout=timeout)
    try:
        sock.sendall(b"\x05\x01\x00")
        if _recv_exactly(sock, 2) != b"\x05\x00":
            raise ConnectionError("SOCKS server wants authentication")
        name = host.encode("ascii")
        sock.sendall(b"\x05\x01\x00\x03" + bytes([len(name)]) + name + port.to_bytes(2, "big"))
        reply = _recv_exactly(sock, 4)
        if reply[1] != 0:
            raise SocksError(reply[1])
        rest = {1: 4, 4: 16}.get(reply[3]) or _recv_exactly(sock, 1)[0]
        _recv_exactly(sock, rest + 2)
    except BaseException:
        sock.close()
        raise
    return sock


class OnionConnection(http.client.HTTPConnection):
    """An HTTP connection to an onion address through a Tor client's SOCKS port."""

    def __init__(self, socks_port: int, onion: str, timeout: float) -> None:
        super().__init__(onion, 80, timeout=timeout)
        self.socks_port = socks_port

    def connect(self) -> None:
        self.sock = socks_connect(self.socks_port, self.host, self.port, self.timeout or 60)


class OnionClient(Client):
    """bench._harness.Client (cookies, forms) over a Tor client's SOCKS port."""

    def __init__(self, socks_port: int, onion: str, timeout: float = 120) -> None:
        super().__init__(0, timeout)
        self.socks_port, self.onion = socks_port, onion

    def connection(self) -> http.client.HTTPConnection:
        if self._conn is None:
            self._conn = OnionConnection(self.socks_port, self.onion, self.timeout)
        return self._conn


@dataclass
class Tor:
    """One tor process: its folder, log and (for clients) SOCKS port.

    A supervised tor is started again when it exits (as systemd's Restart=always does), so
    that `kill -TERM $(cat tor.pid)` is a restart."""

    name: str
    dir: Path
    args: list[str]
    socks_port: int = 0
    control_port: int = 0
    supervised: bool = False
    proc: subprocess.Popen[bytes] | None = None
    starts: int = 0
    _stopping: bool = False
    _thread: threading.Thread | None = field(default=None, repr=False)

    @property
    def log(self) -> Path:
        return self.dir / "tor.log"

    @property
    def pid_file(self) -> Path:
        return self.dir / "tor.pid"

    def start(self) -> None:
        self._spawn()
        if self.supervised:
            self._thread = threading.Thread(target=self._supervise, daemon=True)
            self._thread.start()

    def _spawn(self) -> None:
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                [shutil.which("tor") or "tor", *self.args],
                stdout=log,
                stderr=subprocess.STDOUT,
                stdin=subprocess.DEVNULL,
            )
        self.starts += 1

    def _supervise(self) -> None:
        while not self._stopping:
            proc = self.proc
            if proc is not None and proc.poll() is not None and not self._stopping:
                time.sleep(0.2)
                if not self._stopping:
                    self._spawn()
            time.sleep(0.1)

    def wait_uploaded(self, address: str, timeout: float = 60, quiet: float = 2.0) -> float:
        """Through the control port (`control_port`), wait until the service has uploaded
        the descriptors of `address` (no new upload for `quiet` s); return the seconds."""
        start = time.monotonic()
        deadline = start + timeout
        while True:
            try:
                control = socket.create_connection(("127.0.0.1", self.control_port), timeout=5)
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        with control:
            control.sendall(b'AUTHENTICATE ""\r\nSETEVENTS HS_DESC\r\n')
            buffer, uploads, last = b"", 0, 0.0
            control.settimeout(0.5)
            while time.monotonic() < deadline:
                if uploads and time.monotonic() - last > quiet:
                    return last - start
                try:
                    data = control.recv(4096)
                except TimeoutError:
                    continue
                if not data:
                    raise ConnectionError("control port closed")
                buffer += data
                *lines, buffer = buffer.split(b"\r\n")
                for line in lines:
                    if line.startswith(
                        b"650 HS_DESC UPLOADED " + address.removesuffix(".onion").encode()
                    ):
                        uploads, last = uploads + 1, time.monotonic()
        raise TimeoutError(f"{address}: no descriptor uploaded in {timeout} s")

    def catches(self, signum: int) -> bool:
        """Whether tor has installed its handler for signum (SigCgt in /proc)."""
        if self.proc is None or self.proc.poll() is not None:
            return False
        try:
            status = Path(f"/proc/{self.proc.pid}/status").read_text()
        except OSError:
            return False
        caught = next(line for line in status.splitlines() if line.startswith("SigCgt:"))
        return bool(int(caught.split()[1], 16) >> (signum - 1) & 1)

    def signal(self, signum: int, timeout: float = 10) -> None:
        """Send signum once tor handles it: a tor signalled in its first milliseconds, before
        it installs its handlers, dies of the default action without a word in its log."""
        proc, deadline = self.proc, time.monotonic() + timeout
        while not self.catches(signum):
            if proc is None or proc.poll() is not None:
                return
            if time.monotonic() > deadline:
                raise TimeoutError(f"tor {self.name} installed no handler for signal {signum}")
            time.sleep(0.01)
        if proc is not None:
            proc.send_signal(signum)

    def exit_text(self) -> str:
        code = self.proc.poll() if self.proc is not None else None
        if code is not None and code < 0:
            return f"killed by {signal.Signals(-code).name}"
        return f"exit code {code}"

    def log_text(self) -> str:
        return self.log.read_text("utf-8", "replace") if self.log.exists() else ""

    def stop(self) -> None:
        self._stopping = True
        if self._thread is not None:
            self._thread.join(timeout=5)
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


class TorNet:
    """3 authorities and 3 relays on loopback; clients and services join with `client()` and
    `service()`. Use as a context manager."""

    def __init__(self, root: Path, authorities: int = 3, relays: int = 3) -> None:
        self.root = root
        self.n_authorities, self.n_relays = authorities, relays
        self.tors: list[Tor] = []
        self.dir_authority_lines: list[str] = []
        self.dir_ports: list[int] = []
        self.started_at = 0.0

    # --- setting up -----------------------------------------------------------------------

    def _common(self, name: str, folder: Path) -> list[str]:
        return [
            "TestingTorNetwork 1",
            *self.dir_authority_lines,
            f"DataDirectory {folder}",
            f"Nickname {name}",
            f"PidFile {folder / 'tor.pid'}",
            "Log notice stdout",
            "SafeLogging 0",
            "ShutdownWaitLength 0",
            "ClientUseIPv6 0",
            "ControlPort 0",
            "DisableDebuggerAttachment 0",
        ]

    def _fingerprint(self, folder: Path, name: str, or_port: int) -> str:
        empty = self.root / "empty"
        empty.touch()
        subprocess.run(
            [
                shutil.which("tor") or "tor",
                "--list-fingerprint",
                "--DataDirectory", str(folder),
                "--ORPort", f"127.0.0.1:{or_port}",
                "--Nickname", name,
                "-f", str(empty),
                "--defaults-torrc", str(empty),
                "--DisableNetwork", "1",
                "--Log", "err stdout",
            ],
            check=True,
            capture_output=True,
            timeout=30,
        )  # fmt: skip
        return (folder / "fingerprint").read_text().split()[1]

    def _relay_config(self, name: str, folder: Path, or_port: int, dir_port: int) -> list[str]:
        return [
            f"ORPort 127.0.0.1:{or_port}",
            f"DirPort 127.0.0.1:{dir_port}",
            "Address 127.0.0.1",
            "AssumeReachable 1",
            "ExitRelay 0",
            "ExitPolicy reject *:*",
            "SocksPort 0",
            "ContactInfo westrong-test@localhost",
        ]

    def start(self) -> None:
        """Write every node's keys and torrc, then start the authorities and relays."""
        self.started_at = time.monotonic()
        gencert = shutil.which("tor-gencert") or "tor-gencert"
        nodes: list[tuple[str, Path, int, int, bool]] = []
        fingerprints: list[str] = []
        for i in range(self.n_authorities + self.n_relays):
            authority = i < self.n_authorities
            name = f"auth{i}" if authority else f"relay{i - self.n_authorities}"
            folder = self.root / name
            (folder / "keys").mkdir(parents=True, mode=0o700)
            or_port, dir_port = free_port(), free_port()
            if authority:
                keys = folder / "keys"
                subprocess.run(
                    [
                        gencert, "--create-identity-key", "-m", "12",
                        "-a", f"127.0.0.1:{dir_port}",
                        "-i", str(keys / "authority_identity_key"),
                        "-s", str(keys / "authority_signing_key"),
                        "-c", str(keys / "authority_certificate"),
                        "--passphrase-fd", "0",
                    ],
                    input=b"\n",
                    check=True,
                    capture_output=True,
                    timeout=60,
                )  # fmt: skip
            fingerprint = self._fingerprint(folder, name, or_port)
            fingerprints.append(fingerprint)
            nodes.append((name, folder, or_port, dir_port, authority))
            if authority:
                self.dir_ports.append(dir_port)
                cert = (folder / "keys" / "authority_certificate").read_text()
                v3ident = next(
                    line.split()[1] for line in cert.splitlines() if line.startswith("fingerprint")
                )
                self.dir_authority_lines.append(
                    f"DirAuthority {name} orport={or_port} no-v2 v3ident={v3ident} "
                    f"127.0.0.1:{dir_port} {fingerprint}"
                )
        bandwidths = self.root / "bandwidths"
        bandwidths.write_text(
            f"{int(time.time())}\n" + "".join(f"node_id=${fp} bw=1000\n" for fp in fingerprints)
        )
        for name, folder, or_port, dir_port, authority in nodes:
            lines = self._common(name, folder) + self._relay_config(name, folder, or_port, dir_port)
            if authority:
                lines += [
                    "AuthoritativeDirectory 1",
                    "V3AuthoritativeDirectory 1",
                    "TestingV3AuthInitialVotingInterval 10",
                    "TestingV3AuthInitialVoteDelay 2",
                    "TestingV3AuthInitialDistDelay 2",
                    "V3AuthVotingInterval 10",
                    "V3AuthVoteDelay 2",
                    "V3AuthDistDelay 2",
                    "TestingDirAuthVoteHSDir *",
                    "TestingDirAuthVoteGuard *",
                    "AuthDirVoteStableGuaranteeMinUptime 0",
                    "AuthDirMaxServersPerAddr 0",
                    f"V3BandwidthsFile {bandwidths}",
                ]
            self._launch(name, folder, lines)

    def _launch(
        self, name: str, folder: Path, lines: list[str], extra: list[str] | None = None,
        socks_port: int = 0, supervised: bool = False,
    ) -> Tor:  # fmt: skip
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        torrc = folder / "torrc"
        torrc.write_text("\n".join(lines) + "\n")
        args = extra if extra is not None else ["-f", str(torrc), "--defaults-torrc", str(torrc)]
        tor = Tor(name, folder, args, socks_port=socks_port, supervised=supervised)
        self.tors.append(tor)
        tor.start()
        return tor

    def client(self, name: str, auth_dir: Path | None = None) -> Tor:
        """Start a Tor client with a SOCKS port (extended errors) and, if given, a folder of
        onion client keys (`*.auth_private`)."""
        folder = self.root / name
        port = free_port()
        lines = [*self._common(name, folder), f"SocksPort 127.0.0.1:{port} ExtendedErrors"]
        if auth_dir is not None:
            auth_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
            lines.append(f"ClientOnionAuthDir {auth_dir}")
        return self._launch(name, folder, lines, socks_port=port)

    def service(self, name: str, torrc: Path) -> Tor:
        """Start a supervised tor on a generated torrc, the network's settings as its
        defaults (the generated file itself stays as production runs it)."""
        folder = self.root / name
        defaults = self._common(name, folder)
        defaults.remove(f"DataDirectory {folder}")  # the generated torrc names its own
        defaults.remove("Log notice stdout")
        control = free_port()
        defaults.remove("ControlPort 0")
        defaults.append(f"ControlPort 127.0.0.1:{control}")  # loopback, for HS_DESC events
        tor = self._launch(
            name, folder, defaults, supervised=True,
            extra=["-f", str(torrc), "--defaults-torrc", str(folder / "torrc")],
        )  # fmt: skip
        tor.control_port = control
        return tor

    # --- waiting --------------------------------------------------------------------------

    def _consensus(self) -> str:
        """The microdescriptor consensus the first authority serves ('' before it has one)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.dir_ports[0], timeout=5)
        try:
            conn.request("GET", "/tor/status-vote/current/consensus-microdesc")
            response = conn.getresponse()
            body = response.read().decode("ascii", "replace")
            return body if response.status == 200 else ""
        except OSError:
            return ""
        finally:
            conn.close()

    def wait_relays(self, timeout: float = 60) -> float:
        """Wait for the first consensus, wake every node out of the back-off its early 404s
        earned (SIGHUP), then wait for a consensus that lists every relay as an HSDir; return
        the seconds since start()."""
        deadline = time.monotonic() + timeout
        total = self.n_authorities + self.n_relays
        while not (consensus := self._consensus()):
            self._tick(deadline, "no first consensus")
        if len(HSDIR.findall(consensus)) < total:
            for tor in self.tors:
                tor.signal(signal.SIGHUP)
        while len(HSDIR.findall(self._consensus())) < total:
            self._tick(deadline, "relays are not all in the consensus")
        return time.monotonic() - self.started_at

    def _tick(self, deadline: float, what: str) -> None:
        self.check_alive()
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what}:\n{self.logs()}")
        time.sleep(0.3)

    def wait_bootstrapped(self, tors: list[Tor], timeout: float = 60) -> float:
        """Wait until each tor logs "Bootstrapped 100%"; return the seconds since start()."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            self.check_alive()
            if all("Bootstrapped 100%" in t.log_text() for t in tors):
                return time.monotonic() - self.started_at
            time.sleep(0.5)
        raise TimeoutError("not bootstrapped:\n" + self.logs(tors))

    def check_alive(self) -> None:
        for tor in self.tors:
            if not tor.supervised and tor.proc is not None and tor.proc.poll() is not None:
                raise RuntimeError(
                    f"tor {tor.name} exited ({tor.exit_text()}):\n{tor.log_text()[-3000:]}"
                )

    def logs(self, tors: list[Tor] | None = None) -> str:
        return "\n".join(f"--- {t.name}\n{t.log_text()[-2000:]}" for t in tors or self.tors)

    # --- the context manager --------------------------------------------------------------

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self) -> None:
        for tor in self.tors:
            tor.stop()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


def wait_for(what: str, check: object, timeout: float, every: float = 1.0) -> object:
    """Call check() until it returns a true value (exceptions count as not yet)."""
    deadline = time.monotonic() + timeout
    seen: list[str] = []
    while time.monotonic() < deadline:
        try:
            result = check()  # type: ignore[operator]
            if result:
                return result
        except Exception as exc:  # not yet: remember why
            if repr(exc) not in seen:
                seen.append(repr(exc))
        time.sleep(every)
    raise TimeoutError(f"{what}: not within {timeout:.0f} s (errors seen: {seen})")


def kill_command(pid_file: Path, signum: signal.Signals) -> str:
    """A shell command that signals the tor whose pid is in pid_file (none running: no-op)."""
    name = signum.name.removeprefix("SIG")
    return f"sh -c '[ ! -s {pid_file} ] || kill -{name} \"$(cat {pid_file})\"'"


__all__ = ["OnionClient", "SocksError", "TorNet", "kill_command", "socks_connect", "wait_for"]
