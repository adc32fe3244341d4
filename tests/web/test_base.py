"""What both apps share: strict headers, calm error pages, no client data in logs."""

import logging
import threading
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from werkzeug.serving import make_server

import journalist_interface
import source_interface
from tests.factories import InstanceConfigs
from webcommon.serving import QuietRequestHandler

FACTORIES: list[Callable[[InstanceConfigs], Flask]] = [
    lambda c: source_interface.create_app(c.source),
    lambda c: journalist_interface.create_app(c.reviewer),
]


@pytest.fixture
def migrated(config: InstanceConfigs) -> InstanceConfigs:
    return config


@pytest.fixture(params=FACTORIES, ids=["source", "reviewer"])
def app(request: pytest.FixtureRequest, migrated: InstanceConfigs) -> Flask:
    app: Flask = request.param(migrated)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail /home/user/tip.pdf")

    return app


def test_strict_headers_on_pages_and_errors(app: Flask) -> None:
    client = app.test_client()
    home = "/" if app.import_name.startswith("source") else "/login"
    boom = ("/boom", 500) if home == "/" else ("/", 303)  # the reviewer app signs in first
    for path, status in [(home, 200), ("/no-such-page", 404), boom]:
        response = client.get(path)
        assert response.status_code == status
        csp = response.headers["Content-Security-Policy"]
        assert csp.startswith("default-src 'none'")
        assert "frame-ancestors 'none'" in csp
        assert "script-src" not in csp
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "no-store"
        assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_error_page_is_bilingual_and_has_no_trace(migrated: InstanceConfigs) -> None:
    app = source_interface.create_app(migrated.source)

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail /home/user/tip.pdf")

    response = app.test_client().get("/boom")
    page = response.get_data(as_text=True)
    assert "เกิดข้อผิดพลาด" in page
    assert "Something went wrong" in page
    assert "Traceback" not in page
    assert "secret detail" not in page


def test_pages_load_nothing_third_party(app: Flask) -> None:
    home = "/" if app.import_name.startswith("source") else "/login"
    page = app.test_client().get(home).get_data(as_text=True)
    assert "<script" not in page
    assert "http://" not in page
    assert "https://" not in page


@pytest.fixture
def served(migrated: InstanceConfigs) -> Iterator[str]:
    server = make_server(
        "127.0.0.1",
        0,
        source_interface.create_app(migrated.source),
        request_handler=QuietRequestHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


def test_server_logs_no_address_agent_or_query(
    served: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO)
    request = urllib.request.Request(
        served + "/?codename=brave+otter",
        headers={"User-Agent": "Mozilla/5.0 TorBrowser", "Referer": "http://example.org/"},
    )
    urllib.request.urlopen(request).read()
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.urlopen(served + "/missing")
    text = "\n".join(r.getMessage() for r in caplog.records)
    assert "GET / 200" in text
    for leaked in ("127.0.0.1", "Mozilla", "example.org", "brave", "codename"):
        assert leaked not in text


def test_each_app_has_its_own_cookie_names(migrated: InstanceConfigs) -> None:
    import journalist_interface
    import source_interface
    from webcommon.cookies import CookieNames

    plain = [
        source_interface.create_app(migrated.source),
        journalist_interface.create_app(migrated.reviewer),
    ]
    secure_configs = migrated.with_(secure_cookies="true")
    secure = [
        source_interface.create_app(secure_configs.source),
        journalist_interface.create_app(secure_configs.reviewer),
    ]
    for apps in (plain, secure):
        names: list[CookieNames] = [a.extensions["westrong_cookie_names"] for a in apps]
        every = [n for one in names for n in (one.session, one.form, one.language)]
        assert len(set(every)) == len(every)  # no name shared between or within the apps
        assert all(
            a.config["SESSION_COOKIE_NAME"] == n.form for a, n in zip(apps, names, strict=True)
        )
    for app in secure:
        names_ = app.extensions["westrong_cookie_names"]
        assert all(n.startswith("__Host-") for n in (names_.session, names_.form))
        # What the browser gets: Secure, Path=/, no Domain (the __Host- rules).
        with app.test_request_context("/", base_url="https://drop.example"):
            from flask import make_response, session

            session["x"] = 1
            response = make_response("")
            app.session_interface.save_session(app, session, response)
            header = response.headers["Set-Cookie"]
        assert header.startswith(f"{names_.form}=")
        assert "Secure" in header
        assert "Path=/" in header
        assert "Domain" not in header
