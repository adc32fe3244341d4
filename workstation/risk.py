"""Flag opened files that could run code or phone home when an officer opens them.

By name (what a desktop would do with the file) and by content (what it really is): a file
named `photo.jpg` that starts with `MZ` is still a Windows program. The content's type comes
from libmagic (Debian's `file` command and its maintained database, on every Debian and Tails
workstation), and only types known to be passive are left unflagged: anything else, or a type
that cannot be told, is UNKNOWN, so it is never linked either. A browser opening a link from
`file://` sniffs an extension-less file and renders XML (XHTML runs scripts), which a list of
names cannot foresee. This is a warning for a person, not a guarantee: an unflagged file can
still exploit a buggy viewer, so the workstation stays offline whatever the flags say.
"""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from pathlib import Path

from workstation.bundle import ZIP_ERRORS
from workstation.names import split_extension

EXECUTABLE = "executable"
SCRIPT = "script"
LAUNCHER = "launcher"
WEB = "web"
MACRO = "macro"
PDF_ACTIVE = "pdf_active"
ARCHIVE = "archive_risky"
UNKNOWN = "unknown_type"
REASONS = (EXECUTABLE, SCRIPT, LAUNCHER, WEB, MACRO, PDF_ACTIVE, ARCHIVE, UNKNOWN)

_BY_EXTENSION = {
    EXECUTABLE: "exe com dll scr pif msi msp cpl sys ocx so elf app apk appimage deb rpm run jar "
    "class dmg pkg xbe",
    SCRIPT: "bat cmd ps1 psm1 psd1 vbs vbe js jse mjs cjs wsf wsh sh bash zsh csh ksh fish py pyw "
    "pyc pl rb php lua tcl hta scf reg inf applescript command ahk",
    LAUNCHER: "desktop lnk url webloc website appref-ms library-ms settingcontent-ms",
    WEB: "html htm xhtml xht xhtm mht mhtml shtml svg svgz xsl xslt",
    MACRO: "docm dotm xlsm xltm xlam xlsb pptm potm ppam ppsm sldm",
}
EXTENSIONS = {ext: reason for reason, exts in _BY_EXTENSION.items() for ext in exts.split()}

# libmagic's MIME types (`file --mime-type`) that open in passive viewers. PDFs, OLE and ZIP
# office files and archives are searched further below for the active parts they may hold.
_PASSIVE = """
    inode/x-empty text/plain text/csv application/pdf
    image/jpeg image/png image/gif image/webp image/bmp image/x-ms-bmp image/tiff image/heic
    image/heif image/avif
    audio/mpeg audio/x-wav audio/wav audio/ogg audio/mp4 audio/x-m4a audio/flac audio/x-flac
    audio/aac audio/x-hx-aac-adts audio/amr
    video/mp4 video/quicktime video/webm video/x-msvideo video/mpeg video/3gpp video/x-matroska
    application/zip application/msword application/vnd.ms-excel application/vnd.ms-powerpoint
    application/vnd.openxmlformats-officedocument.wordprocessingml.document
    application/vnd.openxmlformats-officedocument.spreadsheetml.sheet
    application/vnd.openxmlformats-officedocument.presentationml.presentation
    application/vnd.oasis.opendocument.text application/vnd.oasis.opendocument.spreadsheet
    application/vnd.oasis.opendocument.presentation
"""
_PASSIVE_TYPES = frozenset(_PASSIVE.split())
_ACTIVE_TYPES = {
    WEB: "text/html application/xhtml+xml image/svg+xml text/xml application/xml "
    "application/xslt+xml",
    EXECUTABLE: "application/x-executable application/x-pie-executable application/x-sharedlib "
    "application/x-dosexec application/x-mach-binary application/x-msdownload "
    "application/java-archive application/x-java-applet application/vnd.android.package-archive "
    "application/x-msi application/vnd.debian.binary-package application/x-rpm",
    SCRIPT: "text/x-shellscript text/x-python text/x-script.python text/x-perl text/x-php "
    "text/x-ruby text/x-lua text/x-tcl text/javascript application/javascript "
    "text/x-msdos-batch application/x-bat",
    LAUNCHER: "application/x-desktop application/x-ms-shortcut application/x-mswinurl",
}
_BY_TYPE = {mime: reason for reason, types in _ACTIVE_TYPES.items() for mime in types.split()}
_FILE_TIMEOUT = 60

_HEAD = 4096
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"
_MACHO = (b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
# The stream every VBA project holds, as OLE stores directory names (UTF-16-LE).
_VBA = "_VBA_PROJECT".encode("utf-16-le")
_PDF_ACTIVE = (b"/JavaScript", b"/JS", b"/Launch", b"/EmbeddedFile", b"/RichMedia")
_WEB_STARTS = (b"<!doctype html", b"<html", b"<svg", b"<script", b"<?xml")


def by_name(name: str) -> set[str]:
    """Return the risks a file's extension alone implies."""
    _, ext = split_extension(name)
    reason = EXTENSIONS.get(ext[1:].lower())
    return {reason} if reason else set()


def mime_type(path: Path) -> str | None:
    """Return libmagic's MIME type of a file (through `file`), or None if it cannot be told."""
    program = shutil.which("file")
    if program is None:
        return None
    try:
        done = subprocess.run(  # noqa: S603 (a fixed program; the file name is ours)
            [program, "--brief", "--mime-type", "--", str(path)],
            capture_output=True,
            timeout=_FILE_TIMEOUT,
            check=False,
            env={"LC_ALL": "C", "PATH": "/usr/bin:/bin"},
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    mime = done.stdout.decode("ascii", "replace").strip().lower()
    return mime if done.returncode == 0 and "/" in mime else None


def by_type(path: Path) -> set[str]:
    """Return the risk libmagic's type implies: none only for a known passive type."""
    mime = mime_type(path)
    if mime is None:
        return {UNKNOWN}  # fail closed: a type we cannot tell is never linked
    if mime in _PASSIVE_TYPES:
        return set()
    return {_BY_TYPE.get(mime, UNKNOWN)}


def _by_head(head: bytes) -> set[str]:
    found: set[str] = set()
    if head.startswith((b"MZ", b"\x7fELF", *_MACHO)) or head.startswith(b"\xca\xfe\xba\xbe"):
        found.add(EXECUTABLE)
    if head.startswith(b"#!"):
        found.add(SCRIPT)
    if head.startswith(b"[Desktop Entry]"):
        found.add(LAUNCHER)
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(_WEB_STARTS) and (not start.startswith(b"<?xml") or b"<svg" in start):
        found.add(WEB)
    return found


class Sniffer:
    """Look at a file's content as it is written, chunk by chunk, in constant memory."""

    def __init__(self) -> None:
        self._head = b""
        self._patterns: tuple[bytes, ...] = ()
        self._tail = b""
        self._pending = True
        self.found: set[str] = set()

    def feed(self, chunk: bytes) -> None:
        """Inspect the next piece of content."""
        if self._pending:
            room = _HEAD - len(self._head)
            self._head += chunk[:room]
            if len(self._head) < _HEAD:
                return
            self._decide()
            chunk = chunk[room:]
        self._search(chunk)

    def _decide(self) -> None:
        self._pending = False
        self.found |= _by_head(self._head)
        # Only formats that hide active content deep inside are searched past the head.
        if self._head.startswith(_OLE):
            self._patterns = (_VBA,)
        elif b"%PDF-" in self._head[:1024]:
            self._patterns = _PDF_ACTIVE
        self._search(self._head)

    def _search(self, chunk: bytes) -> None:
        if not self._patterns or not chunk:
            return
        keep = max(len(p) for p in self._patterns) - 1
        # The chunk itself, and the seam with the previous one, without copying the chunk.
        seam = self._tail + chunk[:keep]
        for pattern in self._patterns:
            if pattern in chunk or pattern in seam:
                self.found.add(MACRO if pattern == _VBA else PDF_ACTIVE)
        self._tail = (self._tail + chunk)[-keep:] if len(chunk) < keep else chunk[-keep:]

    def finish(self, path: Path) -> set[str]:
        """Return every risk found, looking inside the written file if it is a ZIP."""
        if self._pending:
            self._decide()
        self.found |= by_type(path)
        if self._head.startswith(_ZIP):
            self.found |= _inside_zip(path)
        if len(self.found) > 1:
            self.found.discard(UNKNOWN)  # a named risk says more than "unknown"
        return self.found


def _inside_zip(path: Path) -> set[str]:
    """Office macros (OOXML vbaProject.bin, ODF Basic) and risky names inside an archive."""
    found: set[str] = set()
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.namelist()
    except (OSError, ValueError, *ZIP_ERRORS):
        return found
    for member in members:
        lower = member.lower()
        if lower.endswith("vbaproject.bin") or lower.startswith(("basic/", "scripts/")):
            found.add(MACRO)
        elif by_name(member.rsplit("/", 1)[-1]) - {WEB}:
            found.add(ARCHIVE)
    return found
