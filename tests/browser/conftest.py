"""Browser fixtures: Debian's chromium driven by Playwright, JavaScript off, on a phone viewport.

`live_source` and `live_reviewer` serve the real apps on 127.0.0.1 (a free port, a background
thread) over one migrated database (SQLite or PostgreSQL, see tests/conftest.py) with one desk;
`screenshot(page, name)` saves a full-page PNG under artifacts/screenshots/ for a human to
look at.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import Browser, Page, sync_playwright
from werkzeug.serving import BaseWSGIServer, make_server

import journalist_interface
import source_interface
from crypto.keys import Identity
from tests.browser.support import LiveApp
from tests.factories import InstanceConfigs, add_desk
from tests.tools import require_tool
from webcommon.serving import QuietRequestHandler

REPO_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = REPO_ROOT / "artifacts" / "screenshots"

CHROMIUM_ARGS = [
    "--no-sandbox",  # the tests may run as root, where chromium's sandbox refuses to start
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

DESK_SLUG = "nacc"
AppFactory = Callable[[InstanceConfigs], Flask]


@pytest.fixture(scope="session")
def chromium_path() -> str:
    return require_tool("chromium")


@pytest.fixture(scope="session")
def browser(chromium_path: str) -> Iterator[Browser]:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh page with JavaScript off, as in Tor Browser's Safest level, on a small phone."""
    context = browser.new_context(
        java_script_enabled=False,
        viewport={"width": 360, "height": 740},
        locale="th-TH",
    )
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass
class _LiveServers:
    """Serves apps for one test; the database is migrated and seeded once, on first use."""

    config: InstanceConfigs
    desk_identity: Identity | None = None
    _running: list[tuple[BaseWSGIServer, threading.Thread]] = field(default_factory=list)

    def _seed(self) -> Identity:
        if self.desk_identity is None:
            self.desk_identity = add_desk(self.config, DESK_SLUG, "สำนักงาน ป.ป.ช.", "NACC (test)")
        return self.desk_identity

    def serve(self, create_app: AppFactory) -> LiveApp:
        identity = self._seed()
        app = create_app(self.config)
        server = make_server(
            "127.0.0.1", 0, app, threaded=True, request_handler=QuietRequestHandler
        )
        # A short poll interval: shutdown() waits up to one interval (Werkzeug's default is 0.5 s).
        thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="live-server",
            daemon=True,
        )
        thread.start()
        self._running.append((server, thread))
        host, port = server.server_address[:2]
        return LiveApp(url=f"http://{host!s}:{port}", desk_identity=identity, config=self.config)

    def shutdown(self) -> None:
        for server, thread in self._running:
            server.shutdown()
            server.server_close()
            thread.join(timeout=10)
        self._running.clear()


@pytest.fixture
def live_server(
    config: InstanceConfigs,
) -> Iterator[Callable[[AppFactory], LiveApp]]:
    """A factory: `live_server(create_app)` serves that app; all apps of a test share one DB."""
    servers = _LiveServers(config)
    try:
        yield servers.serve
    finally:
        servers.shutdown()


@pytest.fixture
def live_source(live_server: Callable[[AppFactory], LiveApp]) -> LiveApp:
    return live_server(lambda c: source_interface.create_app(c.source))


@pytest.fixture
def live_reviewer(live_server: Callable[[AppFactory], LiveApp]) -> LiveApp:
    return live_server(lambda c: journalist_interface.create_app(c.reviewer))


def _safe(name: str) -> str:
    """A file-name-safe version of a test or shot name (parametrized ids carry brackets)."""
    return re.sub(r"[^\w.-]+", "_", name).strip("_")


@pytest.fixture
def screenshot(request: pytest.FixtureRequest) -> Callable[[Page, str], Path]:
    """`screenshot(page, name)` saves artifacts/screenshots/<test>-<name>.png (full page)."""
    test_name = _safe(request.node.name)

    def take(page: Page, name: str) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{test_name}-{_safe(name)}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
