"""The key ceremony: make the desk key, show what to register, save the public key to USB."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from workstation import keys
from workstation.window import media
from workstation.window.texts import Translated
from workstation.window.toolkit import Gtk, in_background

GOOD_LENGTH = 20  # characters; a generated passphrase (seven words) is far longer


def strength(passphrase: str) -> str:
    """Return the message key of the hint shown under a passphrase being typed."""
    if not passphrase:
        return "win_strength_empty"
    if len(passphrase) < keys.MIN_PASSPHRASE:
        return "win_strength_short"
    if len(passphrase) < GOOD_LENGTH and len(passphrase.split()) < 4:
        return "win_strength_fair"
    return "win_strength_good"


class KeyPage:
    """The "make the desk key" tab; the key goes where the command line puts it, in `home`."""

    def __init__(self, t: Translated, home: Path) -> None:
        self.t = t
        self.home = home
        self.made: keys.NewKey | None = None
        box = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10, margin=20)
        self.widget = box
        box.pack_start(t.label("win_key_intro"), False, False, 0)
        self.status = t.label("win_no_report", css="problem")
        box.pack_start(self.status, False, False, 0)
        form = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=10)
        self.form = form  # hidden once the key is made: the page then shows what to register
        box.pack_start(form, False, False, 0)
        form.pack_start(t.label("win_desk"), False, False, 0)
        self.desk = Gtk.Entry()
        self.desk.connect("changed", lambda _e: self._where())
        form.pack_start(self.desk, False, False, 0)
        self.where = t.label("win_key_where", detail="")
        form.pack_start(self.where, False, False, 0)
        form.pack_start(t.label("win_passphrase_new"), False, False, 0)
        self.first = Gtk.Entry(visibility=False)
        self.first.connect("changed", lambda _e: self._hint())
        form.pack_start(self.first, False, False, 0)
        form.pack_start(t.label("win_passphrase_again"), False, False, 0)
        self.second = Gtk.Entry(visibility=False)
        form.pack_start(self.second, False, False, 0)
        self.hint = t.label("win_strength_empty", detail=keys.MIN_PASSPHRASE)
        form.pack_start(self.hint, False, False, 0)
        self.generate = t.button("win_generate")
        self.generate.connect("clicked", lambda _b: self.make_passphrase())
        form.pack_start(self.generate, False, False, 0)
        self.generated_title = t.label("win_generated")
        self.generated = Gtk.Label(xalign=0.0, selectable=True)
        self.generated.get_style_context().add_class("big")
        self.generated.set_line_wrap(True)
        self.make = t.button("win_make_key")
        self.make.connect("clicked", lambda _b: self.make_key())
        form.pack_start(self.make, False, False, 0)
        box.pack_start(self.generated_title, False, False, 0)
        box.pack_start(self.generated, False, False, 0)
        self.result = Gtk.Box(orientation=Gtk.Orientation.VERTICAL, spacing=8)
        self.public = Gtk.Label(xalign=0.0, selectable=True, wrap=True)
        self.public.set_line_wrap_mode(2)  # Pango.WrapMode.CHAR: the key has no spaces
        self.public.get_style_context().add_class("big")
        self.fingerprint = Gtk.Label(xalign=0.0, selectable=True, wrap=True)
        self.fingerprint.get_style_context().add_class("big")
        self.save = t.button("win_save_public")
        self.save.connect("clicked", lambda _b: self._choose_usb())
        self.saved = t.label("win_no_report")
        for widget in (
            t.label("win_public_key"),
            self.public,
            t.label("win_fingerprint"),
            self.fingerprint,
            self.save,
            self.saved,
            t.label("win_backup", css="problem"),
        ):
            self.result.pack_start(widget, False, False, 0)
        box.pack_start(self.result, False, False, 0)
        self._where()

    def show(self) -> None:
        """Show the page, with the parts that have nothing to show yet hidden."""
        self.widget.show_all()
        for widget in (self.generated_title, self.generated, self.status, self.saved):
            widget.set_visible(False)
        self.result.set_visible(self.made is not None)

    def key_path(self) -> Path:
        """Return where the key file will be written (as `keygen` in the home folder)."""
        return keys.default_key_path(self.desk.get_text().strip() or "desk", self.home)

    def _where(self) -> None:
        self.t.bind(self.where.set_text, "win_key_where", detail=self.key_path())

    def _hint(self) -> None:
        key = strength(self.first.get_text())
        self.t.bind(self.hint.set_text, key, detail=keys.MIN_PASSPHRASE)

    def _say(self, key: str, **values: object) -> None:
        self.t.bind(self.status.set_text, key, **values)
        self.status.set_visible(True)

    def make_passphrase(self) -> str:
        """Fill both fields with a generated diceware passphrase and show it to write down."""
        passphrase = keys.generated_passphrase()
        for entry in (self.first, self.second):
            entry.set_text(passphrase)
        self.generated.set_text(passphrase)
        self.generated_title.set_visible(True)
        self.generated.set_visible(True)
        return passphrase

    def make_key(self) -> None:
        """Check the form, then make the key on a thread (scrypt takes a second)."""
        desk = self.desk.get_text().strip()
        passphrase = self.first.get_text()
        if not desk:
            self._say("win_desk")
            return
        if len(passphrase) < keys.MIN_PASSPHRASE:
            self._say("passphrase_short", detail=keys.MIN_PASSPHRASE)
            return
        if self.second.get_text() != passphrase:
            self._say("passphrase_differ")
            return
        path = self.key_path()
        self.make.set_sensitive(False)
        self._say("win_working")
        in_background(lambda: keys.generate(desk, path, passphrase), self._made, self._failed)

    def _made(self, made: Any) -> None:
        self.made = made
        self.make.set_sensitive(True)
        self._say("win_key_done", detail=made.key_path)
        self.public.set_text(made.recipient)
        self.fingerprint.set_text(made.fingerprint)
        self.form.set_visible(False)
        self.result.show_all()
        self.saved.set_visible(False)

    def _failed(self, exc: BaseException) -> None:
        self.make.set_sensitive(True)
        if isinstance(exc, FileExistsError):
            self._say("keygen_exists", detail=exc)
        elif isinstance(exc, OSError):
            self._say("keygen_failed", detail=exc.strerror or exc)
        else:
            self._say("keygen_failed", detail=exc)

    def _choose_usb(self) -> None:
        dialog = Gtk.FileChooserDialog(
            title=self.t("win_save_public"),
            transient_for=self.widget.get_toplevel(),
            action=Gtk.FileChooserAction.SELECT_FOLDER,
        )
        dialog.add_buttons(self.t("win_cancel"), Gtk.ResponseType.CANCEL, "OK", Gtk.ResponseType.OK)
        dialog.set_current_folder(str(media.start_folder(self.home)))
        if dialog.run() == Gtk.ResponseType.OK:
            self.save_public(Path(dialog.get_filename()))
        dialog.destroy()

    def save_public(self, folder: Path) -> Path | None:
        """Copy the public key file into `folder` (never over a file); say where."""
        if self.made is None:
            return None
        target = folder / self.made.public_path.name
        try:
            with open(self.made.public_path, "rb") as src, open(target, "xb") as dst:
                shutil.copyfileobj(src, dst)
        except OSError as exc:
            self.t.bind(self.saved.set_text, "win_public_save_failed", detail=exc.strerror or exc)
            self.saved.set_visible(True)
            return None
        self.t.bind(self.saved.set_text, "win_public_saved", detail=target)
        self.saved.set_visible(True)
        return target
