"""Drive the installed workstation's window like an officer would, under Xvfb (test helper).

Run by the test with the installed workstation's Python: `python window_driver.py PLAN.json`.
It presses the window's own buttons and fills its own fields, waits for the work to finish,
saves a screenshot at each step and reads back what is on screen through AT-SPI (the separate
`atspi_texts.py`, so the window keeps answering while it is read). It writes what it saw to
the plan's `report` file; the test makes every assertion.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from workstation.window import app
from workstation.window.toolkit import Gdk, GLib, Gtk, style

TIMEOUT = 60.0


def pump(until: Callable[[], bool] = lambda: False, timeout: float = 0.3) -> bool:
    """Run GTK's main loop until `until()` is true or `timeout` seconds passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        while Gtk.events_pending():
            Gtk.main_iteration_do(False)
        if until():
            return True
        time.sleep(0.01)
    return until()


class Driver:
    """One window, its screenshots and on-screen texts."""

    def __init__(self, plan: dict[str, Any]) -> None:
        self.plan = plan
        self.shots = Path(plan["screenshots"])
        self.shots.mkdir(parents=True, exist_ok=True)
        online: list[str] = plan.get("online", [])
        self.win = app.Window(plan["language"], Path(plan["home"]), lambda: list(online))
        self.win.show()
        pump()
        self.seen: dict[str, Any] = {}

    def look(self, name: str) -> None:
        """Save a screenshot and the texts on screen under `name`."""
        pump(timeout=0.5)
        gdk_window = self.win.window.get_window()
        width, height = gdk_window.get_width(), gdk_window.get_height()
        pixbuf = Gdk.pixbuf_get_from_window(gdk_window, 0, 0, width, height)
        path = self.shots / f"{name}.png"
        pixbuf.savev(str(path), "png", [], [])
        pixels = pixbuf.get_pixels()
        step = pixbuf.get_n_channels()
        colours = {pixels[i : i + 3] for i in range(0, len(pixels), step * 7)}
        atspi = subprocess.Popen(
            [sys.executable, self.plan["atspi"], app.APPLICATION],
            stdout=subprocess.PIPE,
            text=True,
        )
        pump(lambda: atspi.poll() is not None, TIMEOUT)
        texts = json.loads(atspi.communicate()[0] or "null")
        self.seen[name] = {"png": str(path), "colours": len(colours), "texts": texts}

    def wait(self, condition: Callable[[], bool], what: str) -> None:
        """Pump until `condition()`; fail the run if it never comes."""
        if not pump(condition, TIMEOUT):
            raise SystemExit(f"timed out waiting for {what}")


def keygen(d: Driver) -> None:
    """The key ceremony: desk, generated passphrase, key, public key saved to the USB stick."""
    page = d.win.keys
    d.win.show_page(0)
    page.desk.set_text(d.plan["desk"])
    page.first.set_text("short")
    page.second.set_text("short")
    page.make.clicked()
    d.look("keygen-short")
    passphrase = page.make_passphrase()
    page.make.clicked()
    d.wait(lambda: page.made is not None, "the key")
    page.save_public(Path(d.plan["usb"]))
    d.look("keygen-done")
    d.win.language_button.clicked()
    d.look("keygen-done-switched")
    made = page.made
    assert made is not None
    d.seen["key"] = {
        "passphrase": passphrase,
        "key": str(made.key_path),
        "recipient": made.recipient,
        "fingerprint": made.fingerprint,
    }


def open_bundles(d: Driver) -> None:
    """Damaged bundle, wrong passphrase, the network confirmation, then a good open and print."""
    page = d.win.opener
    d.win.show_page(1)
    page.choose_key(Path(d.plan["key"]))
    page.choose_bundle(Path(d.plan["damaged"]))
    d.wait(lambda: page.progress is None and bool(page.checked), "the damaged bundle's check")
    d.look("open-damaged")
    page.choose_bundle(Path(d.plan["bundle"]))
    d.wait(lambda: page.progress is None and bool(page.checked), "the bundle's check")
    page.out.set_text(d.plan["out"])
    d.seen["open_allowed_before_confirm"] = page.open_button.get_sensitive()
    page.confirm.set_active(True)
    d.seen["open_allowed_after_confirm"] = page.open_button.get_sensitive()
    page.passphrase.set_text("not the passphrase")
    page.open_button.clicked()
    d.wait(lambda: page.progress is None and page.message.get_visible(), "the wrong passphrase")
    d.look("open-wrong-passphrase")
    page.passphrase.set_text(d.plan["passphrase"])
    page.open_button.clicked()
    report = d.win.report
    d.wait(lambda: report.opened is not None, "the opened bundle")
    d.look("report-summary")
    assert report.opened is not None
    index = next(
        i for i, r in enumerate(report.opened.results) if r.item and r.item.kind == "message"
    )
    d.seen["complaint_before_read"] = report.complaint_button.get_sensitive()
    row = report.items.get_children()[index].get_child()
    next(w for w in row.get_children() if isinstance(w, Gtk.Button)).clicked()  # Read
    d.seen["report_text"] = report.shown_text
    d.seen["complaint_after_read"] = report.complaint_button.get_sensitive()
    d.look("report-read")
    report.export_pdf(Path(d.plan["pdf"]))  # what Print and the print dialog send
    report.export_pdf(Path(d.plan["complaint_pdf"]), "complaint")
    d.seen["risky_rows"] = sorted(
        str(r.outputs[0]) for r in report.opened.results if r.ok and r.risks
    )


def cancel(d: Driver) -> None:
    """Start opening a big bundle and press Cancel while it runs."""
    page = d.win.opener
    d.win.show_page(1)
    page.choose_key(Path(d.plan["key"]))
    page.choose_bundle(Path(d.plan["bundle"]))
    d.wait(lambda: page.progress is None and bool(page.checked), "the bundle's check")
    page.out.set_text(d.plan["out"])
    page.passphrase.set_text(d.plan["passphrase"])
    page.open_button.clicked()
    d.wait(
        lambda: page.progress is not None and page.progress.done > page.progress.total // 3,
        "the opening to be under way",
    )
    d.look("cancel-running")
    page.cancel_button.clicked()
    d.wait(lambda: page.progress is None, "the cancel")
    d.look("cancel-done")


def identity(d: Driver) -> None:
    """Open a bundle with an identity item twice: as it comes (the item stays closed), then
    with the box ticked (decision 096)."""
    page, report = d.win.opener, d.win.report
    for step, reveal in (("closed", False), ("revealed", True)):
        d.win.show_page(1)
        page.choose_key(Path(d.plan["key"]))
        page.choose_bundle(Path(d.plan["bundle"]))
        d.wait(lambda: page.progress is None and bool(page.checked), "the bundle's check")
        page.out.set_text(d.plan[f"out_{step}"])
        d.seen[f"reveal_ticked_{step}"] = page.reveal.get_active()
        page.reveal.set_active(reveal)
        page.passphrase.set_text(d.plan["passphrase"])

        def opened_anew(before: object = report.opened) -> bool:
            return report.opened is not None and report.opened is not before

        page.open_button.clicked()
        d.wait(opened_anew, "the open")
        d.look(f"identity-{step}")


SCENARIOS = {"keygen": keygen, "open": open_bundles, "cancel": cancel, "identity": identity}


def main() -> int:
    """Run the plan's scenario; write what was seen even when it fails."""
    plan = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
    GLib.set_prgname(app.APPLICATION)
    style()
    driver = Driver(plan)
    try:
        SCENARIOS[plan["scenario"]](driver)
    finally:
        Path(plan["report"]).write_text(json.dumps(driver.seen, ensure_ascii=False), "utf-8")
        driver.win.window.destroy()
    return 0


if __name__ == "__main__":
    sys.exit(main())
