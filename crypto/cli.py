"""`python -m crypto`: an age-compatible keygen / encrypt / decrypt for operators and checks."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import BinaryIO

from crypto import age
from crypto.errors import CryptoError
from crypto.keys import Identity, Recipient, parse_identity_file


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(1, f"error: {message}\n")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="python -m crypto", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)
    keygen = sub.add_parser("keygen", help="generate an identity (like age-keygen)")
    keygen.add_argument("-o", "--output", help="write the identity to this new file")
    enc = sub.add_parser("encrypt", help="encrypt to one or more age1… recipients")
    enc.add_argument("-r", "--recipient", action="append", required=True)
    enc.add_argument("-o", "--output")
    enc.add_argument("input", nargs="?")
    dec = sub.add_parser("decrypt", help="decrypt with an identity file")
    dec.add_argument("-i", "--identity", required=True)
    dec.add_argument("-o", "--output")
    dec.add_argument("input", nargs="?")
    return parser


@contextlib.contextmanager
def _input(path: str | None) -> Iterator[BinaryIO]:
    if path is None or path == "-":
        yield sys.stdin.buffer
    else:
        with open(path, "rb") as f:
            yield f


@contextlib.contextmanager
def _output(path: str | None) -> Iterator[BinaryIO]:
    """Write to a temporary name beside the target; rename only after success."""
    if path is None or path == "-":
        yield sys.stdout.buffer
        sys.stdout.buffer.flush()
        return
    tmp = f"{path}.partial"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as f:
            yield f
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        raise


def _keygen(output: str | None) -> None:
    identity = Identity.generate()
    created = datetime.now(UTC).replace(microsecond=0).isoformat()
    text = f"# created: {created}\n# public key: {identity.recipient}\n{identity.encode()}\n"
    if output is None:
        sys.stdout.write(text)
        return
    # Refuse to overwrite: losing a desk key loses every tip encrypted to it.
    fd = os.open(output, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    sys.stderr.write(f"Public key: {identity.recipient}\n")


def run(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit status."""
    args = _parser().parse_args(argv)
    try:
        if args.command == "keygen":
            _keygen(args.output)
        elif args.command == "encrypt":
            recipients = [Recipient.parse(r) for r in args.recipient]
            with _input(args.input) as src, _output(args.output) as out:
                age.encrypt(src, out, recipients)
        else:
            with open(args.identity, encoding="utf-8") as f:
                identities = parse_identity_file(f.read())
            with _input(args.input) as src, _output(args.output) as out:
                age.decrypt(src, out, identities)
    except (CryptoError, OSError, UnicodeDecodeError) as exc:
        sys.stderr.write(f"error: {exc}\n")
        return 1
    return 0
