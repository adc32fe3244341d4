"""Open a bundle: check it, ask the passphrase once, open with progress, allow a clean cancel.

Every step calls the workstation's own functions (task.verify_items, keys.read_key_file,
task.open_bundle): the window only chooses the files, shows progress and relays messages.
"""

from __future__ import annotations

import bisect
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any

from crypto.fingerprint import signing_fingerprint
from workstation import keys, task
from workstation.errors import WorkstationError
from workstation.opener import output_in_use
from workstation.results import ItemResult
from workstation.window import media
from workstation.window.opening import Cancelled, WindowProgress, open_bundle, run_open
from workstation.window.texts import Translated
from workstation.window.toolkit import GLib, Gtk, in_background

_REFRESH_MS = 100
_REFUSED = frozenset({"unsigned", "bad_signature", "not_pinned", "pin_bad"})


class OpenPage:
    """The "open a bundle" tab. `opened` is called with the task's outcome."""

    def __init__(
        self,
        t: Translated,
        home: Path,
        online: Callable[[], list[str]],
        opened: Callable[[task.Opened], None],
    ) -> None:
        self.t = t
        self.home = home
        self.online = online
        self.on_opened = opened
        self.bundle_path: Path | None = None
        self.signed_by = ""
        self.checked: list[ItemResult] = []
        self.cancel = threading.Event()
        self.progress: WindowProgress | None = None
        self._starts: list[int] = []
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10, margin=20)
        self.widget = box
        box.pack_start(t.label("win_bundle"), False, False, 0)
        self.bundle_chooser = Gtk.FileChooserButton(action=Gtk.FileChooserAction.OPEN)
        zips = Gtk.FileFilter()
        zips.add_pattern("*.zip")
        self.bundle_chooser.set_filter(zips)
        self.bundle_chooser.set_current_folder(str(media.start_folder(home)))
        self.bundle_chooser.connect(
            "file-set", lambda b: self.choose_bundle(Path(b.get_filename()))
        )
        box.pack_start(self.bundle_chooser, False, False, 0)
        self.check_status = t.label("win_choose_bundle")
        box.pack_start(self.check_status, False, False, 0)
        box.pack_start(t.label("win_key_file"), False, False, 0)
        self.key_chooser = Gtk.FileChooserButton(action=Gtk.FileChooserAction.OPEN)
        self.key_chooser.set_current_folder(str(home))
        self.key_path: Path | None = next(iter(sorted(home.glob("*.key.age"))), None)
        if self.key_path is not None:
            self.key_chooser.set_filename(str(self.key_path))
        self.key_chooser.connect("file-set", lambda b: self.choose_key(Path(b.get_filename())))
        box.pack_start(self.key_chooser, False, False, 0)
        box.pack_start(t.label("win_out"), False, False, 0)
        self.out = Gtk.Entry()
        box.pack_start(self.out, False, False, 0)
        box.pack_start(t.label("win_passphrase"), False, False, 0)
        self.passphrase = Gtk.Entry(visibility=False)
        self.passphrase.connect("activate", lambda _e: self.start())
        box.pack_start(self.passphrase, False, False, 0)
        self.confirm = Gtk.CheckButton()
        t.bind(self.confirm.set_label, "win_network_confirm")
        self.confirm.connect("toggled", lambda _c: self.refresh_network())
        box.pack_start(self.confirm, False, False, 0)
        # Identity items stay closed unless the officer asks (decision 096).
        self.reveal = Gtk.CheckButton()
        t.bind(self.reveal.set_label, "win_reveal_identity")
        box.pack_start(self.reveal, False, False, 0)
        buttons = Gtk.Box(spacing=10)
        self.open_button = t.button("win_open")
        self.open_button.connect("clicked", lambda _b: self.start())
        self.cancel_button = t.button("win_cancel")
        self.cancel_button.connect("clicked", lambda _b: self.cancel.set())
        self.cancel_button.set_sensitive(False)
        buttons.pack_start(self.open_button, False, False, 0)
        buttons.pack_start(self.cancel_button, False, False, 0)
        box.pack_start(buttons, False, False, 0)
        self.message = t.label("win_choose_bundle", css="problem")
        box.pack_start(self.message, False, False, 0)
        self.failures = t.label("win_choose_bundle")
        box.pack_start(self.failures, False, False, 0)
        self.item_label = t.label("win_item_progress", ok=0, total=0)
        self.item_bar = Gtk.ProgressBar(show_text=True)
        self.overall_label = t.label("win_overall")
        self.overall_bar = Gtk.ProgressBar(show_text=True)
        for widget in (self.item_label, self.item_bar, self.overall_label, self.overall_bar):
            box.pack_start(widget, False, False, 0)

    def show(self) -> None:
        """Show the page with its progress parts hidden until something runs."""
        self.widget.show_all()
        for widget in (self.message, self.failures, self.item_label, self.item_bar):
            widget.set_visible(False)
        self.refresh_network()

    def refresh_network(self) -> None:
        """Offer the confirmation only when online; allow opening only once it is ticked."""
        online = bool(self.online())
        self.confirm.set_visible(online)
        busy = self.progress is not None
        self.open_button.set_sensitive(not busy and (not online or self.confirm.get_active()))

    def say(self, key: str, **values: object) -> None:
        """Show one message to the officer under the buttons."""
        self.t.bind(self.message.set_text, key, **values)
        self.message.set_visible(True)

    def choose_key(self, path: Path) -> None:
        """Use this key file."""
        self.key_path = path

    def choose_bundle(self, path: Path) -> None:
        """Check the bundle's items against its manifest (no key needed), on a thread."""
        self.bundle_path = path
        self.checked = []
        if self.bundle_chooser.get_filename() != str(path):
            self.bundle_chooser.set_filename(str(path))
        stamp = datetime.now().strftime("%Y-%m-%d-%H%M")
        self.out.set_text(str(self.home / "เบาะแส" / f"{path.stem}-{stamp}"))
        self.message.set_visible(False)
        self.t.bind(self.check_status.set_text, "win_checking")
        self._begin(0)

        server_key = self.pinned_path()

        def check() -> list[ItemResult]:
            pinned = keys.read_pin(server_key)
            with open_bundle(path) as bundle:
                assert self.progress is not None  # noqa: S101 (set by _begin above)
                self.progress.total = max(task.progress_total(bundle, 1), 1)
                self.signed_by = signing_fingerprint(pinned)
                return task.verify_items(bundle, self.progress, pinned)

        in_background(check, self._checked, self._failed)

    def pinned_path(self) -> Path:
        """Return the pinned server key's file: next to the chosen desk key, or in home."""
        return keys.pin_path(self.key_path.parent if self.key_path is not None else self.home)

    def _checked(self, results: Any) -> None:
        self._end()
        self.t.bind(self.message.set_text, "signed_ok", detail=self.signed_by)
        self.message.get_style_context().remove_class("problem")
        self.message.set_visible(True)
        self.checked = results
        bad = [r for r in results if not r.ok]
        if bad:
            self.t.bind(self.check_status.set_text, "win_bundle_damaged", detail=len(bad))
            self.check_status.get_style_context().add_class("problem")
            self._show_failures(bad)
        else:
            self.check_status.get_style_context().remove_class("problem")
            self.t.bind(self.check_status.set_text, "verify_all_ok")
            self.failures.set_visible(False)

    def _show_failures(self, failed: list[ItemResult]) -> None:
        lines = [f"{r.label}: {self.t(r.reason, detail=r.detail)}" for r in failed]
        self.failures.set_text("\n".join(lines))
        self.failures.set_visible(True)

    def start(self) -> None:
        """Read the key with the passphrase, then open everything, on a thread."""
        if self.progress is not None or not self.open_button.get_sensitive():
            return
        if self.bundle_path is None:
            self.say("win_choose_bundle")
            return
        if self.key_path is None:
            self.say("win_choose_key")
            return
        out = Path(self.out.get_text().strip()).expanduser()
        bundle_path, key_path, passphrase = (
            self.bundle_path,
            self.key_path,
            self.passphrase.get_text(),
        )
        reveal = self.reveal.get_active()
        if output_in_use(out):
            self.say("out_not_empty", detail=out)
            return
        self.message.set_visible(False)
        self.failures.set_visible(False)
        self._begin(2)
        progress = self.progress
        assert progress is not None  # noqa: S101 (set by _begin above)
        server_key = self.pinned_path()

        def work() -> task.Opened:
            return run_open(
                bundle_path, key_path, passphrase, server_key, out, progress, self.t.texts,
                self._set_starts, reveal_identity=reveal,
            )  # fmt: skip

        in_background(work, self._opened, self._failed)

    def _set_starts(self, starts: list[int]) -> None:
        self._starts = starts

    def _begin(self, passes: int) -> None:
        self.cancel.clear()
        self.progress = WindowProgress(1, self.cancel)
        self._starts = []
        self.cancel_button.set_sensitive(True)
        self.refresh_network()
        self.item_label.set_visible(passes == 2)
        self.item_bar.set_visible(passes == 2)
        self.overall_bar.set_fraction(0.0)
        GLib.timeout_add(_REFRESH_MS, self._tick)

    def _tick(self) -> bool:
        progress = self.progress
        if progress is None:
            return False  # stop the timer
        self.overall_bar.set_fraction(min(progress.done / progress.total, 1.0))
        starts = self._starts
        if len(starts) > 1:
            index = min(bisect.bisect_right(starts, progress.done) - 1, len(starts) - 2)
            span = max(starts[index + 1] - starts[index], 1)
            self.item_bar.set_fraction(min((progress.done - starts[index]) / span, 1.0))
            self.t.bind(
                self.item_label.set_text, "win_item_progress", ok=index + 1, total=len(starts) - 1
            )
        return True

    def _end(self) -> None:
        self.progress = None
        self.cancel_button.set_sensitive(False)
        self.overall_bar.set_fraction(1.0)
        self.refresh_network()

    def _opened(self, opened: Any) -> None:
        self._end()
        self.passphrase.set_text("")
        ok = sum(r.ok for r in opened.results)
        self.say("win_opened", ok=ok, total=len(opened.results))
        failed = [r for r in opened.results if not r.ok]
        if failed:
            self._show_failures(failed)
        self.on_opened(opened)

    def _failed(self, exc: BaseException) -> None:
        self._end()
        self.message.get_style_context().add_class("problem")
        self.overall_bar.set_fraction(0.0)
        if isinstance(exc, Cancelled):
            self.say("win_cancelled")
        elif isinstance(exc, WorkstationError):
            self.say(exc.reason, detail=exc.detail)
            if exc.reason in _REFUSED:  # the verdict on the bundle itself: shown where it is
                self.t.bind(self.check_status.set_text, exc.reason, detail=exc.detail)
                self.check_status.get_style_context().add_class("problem")
            if exc.reason == "wrong_passphrase":
                self.passphrase.grab_focus()
        else:
            self.say("write_failed", detail=exc)
