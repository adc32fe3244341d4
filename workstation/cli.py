"""`python -m workstation`: make the desk key, check and open export bundles, offline.

Exit status: 0 everything worked; 1 some items failed (the others were opened); 2 nothing
could start (bad bundle, key file or passphrase, output folder in use); 130 interrupted.
"""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

from crypto import authorship, scrypt
from crypto.errors import CryptoError
from crypto.fingerprint import signing_fingerprint
from crypto.keys import Identity
from crypto.signing import VerifyKey
from workstation import keys, launcher, names, network, task
from workstation.bundle import Bundle, BundleError
from workstation.errors import out_reason
from workstation.opener import output_in_use
from workstation.progress import Progress
from workstation.results import ItemResult
from workstation.strings import LANGUAGES, Texts, language_from_env

EXIT_OK = 0
EXIT_ITEMS_FAILED = 1
EXIT_CANNOT_START = 2
EXIT_INTERRUPTED = 130
PASSPHRASE_ENV = "WESTRONG_KEY_PASSPHRASE"  # noqa: S105 (a variable name, not a secret)
_ATTEMPTS = 3


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(EXIT_CANNOT_START, f"error: {message}\n")


class Stop(Exception):
    """Stop the command with one message to the officer and exit status 2."""

    def __init__(self, key: str, detail: object = "") -> None:
        super().__init__(key)
        self.key = key
        self.detail = detail


def _parser() -> argparse.ArgumentParser:
    common = _Parser(add_help=False)
    common.add_argument(
        "--lang",
        choices=LANGUAGES,
        default=language_from_env(),
        help="language of messages: th (default, or $WESTRONG_LANG) or en",
    )
    secret = _Parser(add_help=False)
    secret.add_argument(
        "--passphrase-file",
        type=Path,
        help=f"read the key passphrase from this file's first line (or set ${PASSPHRASE_ENV})",
    )
    parser = _Parser(prog="python -m workstation", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser(
        "keygen", parents=[common, secret], help="สร้างกุญแจของหน่วยงานผู้รับเรื่อง / make a desk key"
    )
    keygen.add_argument("--desk", required=True, help="the desk's name, e.g. nacc")
    keygen.add_argument("--out", type=Path, help="key file to create (default: DESK.key.age)")
    keygen.add_argument(
        "--work-factor",
        type=int,
        default=scrypt.DEFAULT_WORK_FACTOR,
        choices=range(10, scrypt.MAX_WORK_FACTOR + 1),
        metavar="N",
        help=f"scrypt work factor, 2^N (default {scrypt.DEFAULT_WORK_FACTOR}, as age -p)",
    )
    pinned = _Parser(add_help=False)
    pinned.add_argument(
        "--server-key",
        type=Path,
        help=f"the pinned server key file (default: {keys.PIN_FILE} next to the desk key)",
    )
    pin = sub.add_parser(
        "pin-server",
        parents=[common],
        help="บันทึกกุญแจของเซิร์ฟเวอร์ (ครั้งเดียวตอนติดตั้ง) / pin the server's signing key",
    )
    pin.add_argument("key", help="the westrongsign1… key shown on the Desks page")
    pin.add_argument(
        "--folder", type=Path, default=Path(), help="the desk key's folder (default: here)"
    )
    opener = sub.add_parser(
        "open",
        parents=[common, secret, pinned],
        help="เปิดชุดไฟล์ส่งออก / open an export bundle",
    )
    opener.add_argument("bundle", type=Path)
    opener.add_argument("--identity", "-i", type=Path, required=True, help="the desk key file")
    opener.add_argument("--out", "-o", type=Path, required=True, help="a new or empty folder")
    opener.add_argument("--no-clean", action="store_true", help="do not run mat2")
    opener.add_argument("--no-progress", action="store_true", help="no progress bar")
    opener.add_argument(
        "--reveal-identity",
        action="store_true",
        help="also open identity details a source gave (kept apart; off unless asked)",
    )
    verify = sub.add_parser(
        "verify",
        parents=[common, pinned],
        help="ตรวจสอบชุดไฟล์ส่งออก / check a bundle (no desk key needed)",
    )
    verify.add_argument("bundle", type=Path)
    verify.add_argument(
        "--identity", "-i", type=Path, help="the desk key file (only to find the pinned key)"
    )
    verify.add_argument("--no-progress", action="store_true", help="no progress bar")
    proof = sub.add_parser(
        "verify-authorship",
        parents=[common, pinned],
        help="ตรวจลายเซ็นพิสูจน์ผู้แจ้ง / check a proof of authorship",
    )
    where = proof.add_mutually_exclusive_group(required=True)
    where.add_argument("--bundle", type=Path, help="an export bundle of the case")
    where.add_argument("--key", help="the case's westrongauth1… key")
    proof.add_argument("--case", help="the case's designation (if the bundle has several)")
    proof.add_argument("--challenge", required=True, help="the challenge the desk issued")
    proof.add_argument("--signature", required=True, help="the signature the person gave")
    sub.add_parser("window", parents=[common], help="เปิดหน้าต่างโปรแกรม / start the desktop window")
    launch = sub.add_parser(
        "install-launcher",
        parents=[common],
        help="ติดตั้งไอคอนในเมนูและบนเดสก์ท็อป / add the window to the menu and the desktop",
    )
    launch.add_argument("--home", help=argparse.SUPPRESS)
    return parser


class Console:
    """Write one-line messages in the chosen language, keeping the progress bar tidy."""

    def __init__(
        self,
        texts: Texts,
        out: TextIO,
        err: TextIO,
        interfaces: Callable[[], list[str]] = network.interfaces_up,
    ) -> None:
        self.texts = texts
        self.out = out
        self.err = err
        self.interfaces = interfaces
        self.progress: Progress | None = None

    def say(self, text: str) -> None:
        """Print a line for the officer (standard output)."""
        self.out.write(text + "\n")
        self.out.flush()

    def warn(self, text: str) -> None:
        """Print a problem (standard error), on its own line below any progress bar."""
        if self.progress is not None:
            self.progress.clear()
        self.err.write(text + "\n")
        self.err.flush()

    def reason(self, result: ItemResult) -> str:
        """Return why an item failed, in the officer's language."""
        return self.texts(result.reason, detail=result.detail)

    def item_failed(self, result: ItemResult) -> None:
        """Print one line for a failed item."""
        label = names.printable(result.label)
        self.warn(self.texts("item_failed", path=label, reason=self.reason(result)))


def _ask(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise Stop("passphrase_none") from None


def _given_passphrase(args: argparse.Namespace) -> str | None:
    """Return a passphrase given by file or environment (scripts, tests), or None."""
    if args.passphrase_file is not None:
        try:
            return keys.passphrase_from_file(args.passphrase_file)
        except (OSError, UnicodeDecodeError) as exc:
            raise Stop("passphrase_file", getattr(exc, "strerror", None) or exc) from None
    return os.environ.get(PASSPHRASE_ENV)


def _new_passphrase(args: argparse.Namespace, console: Console) -> str:
    texts = console.texts
    given = _given_passphrase(args)
    if given is not None:
        if len(given) < keys.MIN_PASSPHRASE:
            raise Stop("passphrase_short", keys.MIN_PASSPHRASE)
        return given
    for _ in range(_ATTEMPTS):
        first = _ask(texts("passphrase_new"))
        if not first:
            generated = keys.generated_passphrase()
            console.say(texts("passphrase_generated", detail=generated))
            return generated
        if len(first) < keys.MIN_PASSPHRASE:
            console.warn(texts("passphrase_short", detail=keys.MIN_PASSPHRASE))
            continue
        if _ask(texts("passphrase_again")) == first:
            return first
        console.warn(texts("passphrase_differ"))
    raise Stop("passphrase_none")


def keygen(args: argparse.Namespace, console: Console) -> int:
    """Make the desk key; print what to register."""
    texts = console.texts
    path: Path = args.out or keys.default_key_path(args.desk)
    for taken in (path, keys.public_path_for(path)):
        if os.path.lexists(taken):
            raise Stop("keygen_exists", taken)
    passphrase = _new_passphrase(args, console)
    try:
        made = keys.generate(args.desk, path, passphrase, args.work_factor)
    except FileExistsError as exc:
        raise Stop("keygen_exists", exc) from None
    except OSError as exc:
        raise Stop("keygen_failed", exc.strerror or exc) from None
    console.say(texts("keygen_done", detail=made.key_path))
    console.say(texts("keygen_public_file", detail=made.public_path))
    console.say("")
    console.say(texts("keygen_public", detail=made.recipient))
    console.say(texts("keygen_fingerprint", detail=made.fingerprint))
    console.say("")
    console.say(texts("keygen_register"))
    return EXIT_OK


def _identities(args: argparse.Namespace, console: Console) -> list[Identity]:
    given = _given_passphrase(args)
    attempts = 1 if given is not None else _ATTEMPTS
    texts = console.texts

    def ask() -> str:
        return given if given is not None else _ask(texts("passphrase_prompt"))

    for attempt in range(attempts):
        try:
            return keys.read_key_file(args.identity, ask)
        except keys.KeyFileError as exc:
            if exc.reason != "wrong_passphrase" or attempt == attempts - 1:
                raise Stop(exc.reason, exc.detail) from None
            console.warn(texts("wrong_passphrase"))
    raise AssertionError("unreachable")  # pragma: no cover


def pin_command(args: argparse.Namespace, console: Console) -> int:
    """Pin the server's bundle signing key next to the desk key; print its fingerprint."""
    texts = console.texts
    try:
        path, key, _new = keys.pin_server(args.folder, args.key)
    except keys.KeyFileError as exc:
        raise Stop(exc.reason, exc.detail) from None
    except OSError as exc:
        raise Stop("keygen_failed", exc.strerror or exc) from None
    console.say(texts("pin_done", detail=path))
    console.say(texts("pin_compare", detail=signing_fingerprint(key)))
    return EXIT_OK


def _server_key(args: argparse.Namespace) -> VerifyKey:
    """Return the pinned server key: --server-key, or the file next to the desk key."""
    path = args.server_key
    if path is None:
        identity: Path | None = getattr(args, "identity", None)
        path = keys.pin_path(identity.parent if identity is not None else Path())
    try:
        return keys.read_pin(path)
    except keys.KeyFileError as exc:
        raise Stop(exc.reason, exc.detail) from None


def _check_signature(bundle: Bundle, key: VerifyKey, console: Console) -> None:
    try:
        bundle.check_signature(key)
    except BundleError as exc:
        raise Stop(exc.reason) from None
    console.say(console.texts("signed_ok", detail=signing_fingerprint(key)))


def _open_bundle(path: Path) -> Bundle:
    try:
        return Bundle(path)
    except BundleError as exc:
        raise Stop(exc.reason) from None
    except OSError as exc:
        raise Stop("bundle_missing", exc.strerror or exc) from None


def _progress(args: argparse.Namespace, bundle: Bundle, passes: int, console: Console) -> Progress:
    total = task.progress_total(bundle, passes)
    enabled = not args.no_progress and console.err.isatty()
    console.progress = Progress(total, console.err, enabled)
    return console.progress


def warn_if_online(console: Console) -> None:
    """Say prominently when a network interface other than loopback is up."""
    up = console.interfaces()
    if up:
        console.warn(console.texts("network_up", detail=", ".join(up)))


def open_command(args: argparse.Namespace, console: Console) -> int:
    """Open a bundle into a new or empty folder; print a summary."""
    texts = console.texts
    out: Path = args.out
    warn_if_online(console)
    if output_in_use(out):  # checked before the passphrase is asked, and again after
        raise Stop("out_not_empty", out)
    server_key = _server_key(args)
    with _open_bundle(args.bundle) as bundle:
        _check_signature(bundle, server_key, console)
        identities = _identities(args, console)
        progress = _progress(args, bundle, 2, console)
        console.say(texts("opening", detail=len(bundle.items) + len(bundle.rejected)))
        try:
            opened = task.open_bundle(
                bundle,
                identities,
                out,
                progress,
                console.item_failed,
                texts,
                server_key,
                args.no_clean,
                args.reveal_identity,
            )
        except FileExistsError:
            raise Stop("out_not_empty", out) from None
        except OSError as exc:  # the output folder, index.html: nothing partial is left
            raise Stop(out_reason(exc), exc.strerror or exc) from None
    for line in opened.lines:
        console.say(line)
    if opened.summary_error:
        console.warn(texts("write_failed", detail=opened.summary_error))
        return EXIT_ITEMS_FAILED
    return EXIT_OK if opened.all_ok else EXIT_ITEMS_FAILED


def verify_command(args: argparse.Namespace, console: Console) -> int:
    """Check every item's size and SHA-256 against the manifest (no key needed)."""
    texts = console.texts
    server_key = _server_key(args)
    with _open_bundle(args.bundle) as bundle:
        _check_signature(bundle, server_key, console)
        progress = _progress(args, bundle, 1, console)
        results = task.verify_items(bundle, progress, server_key)
        progress.finish()
    for result in results:
        if not result.ok:
            console.item_failed(result)
    ok = sum(r.ok for r in results)
    console.say(texts("verify_ok", ok=ok, total=len(results)))
    if ok == len(results):
        console.say(texts("verify_all_ok"))
        return EXIT_OK
    return EXIT_ITEMS_FAILED


def _authorship_key(args: argparse.Namespace, console: Console) -> tuple[str, VerifyKey]:
    """Return the case and its authorship key: given, or from a signed bundle's manifest."""
    text, case = args.key, args.case or ""
    if args.bundle is not None:
        with _open_bundle(args.bundle) as bundle:
            _check_signature(bundle, _server_key(args), console)
            found = bundle.authorship_keys()
        if not case and len(found) == 1:
            case = next(iter(found))
        if case not in found:
            raise Stop("authorship_no_key", case or "?")
        text = found[case]
    try:
        return case, authorship.parse_public(text)
    except CryptoError as exc:
        raise Stop("authorship_bad_key", exc) from None


def verify_authorship_command(args: argparse.Namespace, console: Console) -> int:
    """Check a person's signature of a desk's challenge against a case's authorship key."""
    case, key = _authorship_key(args, console)
    try:
        authorship.verify(key, args.challenge, args.signature)
    except CryptoError:
        console.warn(console.texts("authorship_bad"))
        return EXIT_ITEMS_FAILED
    console.say(console.texts("authorship_ok", detail=case or authorship.encode_public(key)))
    return EXIT_OK


def window_command(args: argparse.Namespace, console: Console) -> int:
    """Start the desktop window (needs GTK 3 through Debian's python3-gi)."""
    try:
        from workstation.window import app
    except (ImportError, ValueError) as exc:
        raise Stop("window_no_gtk", exc) from None
    return app.main(args.lang)


def launcher_command(args: argparse.Namespace, console: Console) -> int:
    """Install the menu entry and the desktop launcher of the window for this user."""
    try:
        written = launcher.install(Path(args.home) if args.home else Path.home())
    except OSError as exc:
        raise Stop("launcher_failed", exc.strerror or exc) from None
    for path in written:
        console.say(console.texts("launcher_done", detail=path))
    return EXIT_OK


COMMANDS: dict[str, Callable[[argparse.Namespace, Console], int]] = {
    "keygen": keygen,
    "pin-server": pin_command,
    "open": open_command,
    "verify": verify_command,
    "verify-authorship": verify_authorship_command,
    "window": window_command,
    "install-launcher": launcher_command,
}


def run(
    argv: Sequence[str] | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
    interfaces: Callable[[], list[str]] = network.interfaces_up,
) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    console = Console(Texts(args.lang), out or sys.stdout, err or sys.stderr, interfaces)
    try:
        return COMMANDS[args.command](args, console)
    except Stop as stop:
        detail = names.printable(str(stop.detail), limit=300)
        console.warn(console.texts(stop.key, detail=detail))
        return EXIT_CANNOT_START
    except CryptoError as exc:  # pragma: no cover (every crypto failure is mapped above)
        console.warn(names.printable(str(exc)))
        return EXIT_CANNOT_START
    except KeyboardInterrupt:
        console.warn(console.texts("interrupted"))
        return EXIT_INTERRUPTED


def main() -> None:
    """Console script `westrong-workstation`: run the command line and exit with its status."""
    sys.exit(run())
