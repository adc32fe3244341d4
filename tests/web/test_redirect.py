"""The language switch sends people back only to a path on the same site (issue 9, finding 1)."""

from __future__ import annotations

import string
from collections.abc import Callable
from urllib.parse import quote, urljoin, urlsplit

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import journalist_interface
import source_interface
from tests.factories import InstanceConfigs

FACTORIES: list[Callable[[InstanceConfigs], Flask]] = [
    lambda configs: source_interface.create_app(configs.source),
    lambda configs: journalist_interface.create_app(configs.reviewer),
]
SITE = "http://site.example/page"
PRINTABLE = set(string.ascii_letters + string.digits + "/%:@!$&'()*+,;=-._~")

# Each value is sent as it appears in the query string (already percent-encoded, as a browser
# would send it); every one of them must land on the home page.
TRICKS = [
    "/%09/evil.example/x",  # tab: Werkzeug and browsers drop it, leaving //evil.example
    "/%0d%0a/evil.example",  # CR LF: header splitting, or a 500 on today's code
    "/%0a/evil.example",
    "/%0d/evil.example",
    "%09//evil.example",
    "%20//evil.example",  # leading space, which browsers strip
    "/%00/evil.example",  # NUL
    "%00//evil.example",
    "//evil.example",
    "///evil.example",
    "/%2F/evil.example",  # an encoded slash decodes to //
    "%2F%2Fevil.example",
    "/%5Cevil.example",  # a backslash reads as a slash in browsers
    "/%5C/evil.example",
    "%5C%5Cevil.example",
    "/%5C%5Cevil.example",
    "https://evil.example/",
    "https:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(1)",
    "evil.example",
    "/%7F/evil.example",  # DEL
    "/" + "a" * 5000,  # too long to be one of our paths
]


@pytest.fixture(params=FACTORIES, ids=["source", "reviewer"])
def app(request: pytest.FixtureRequest, config: InstanceConfigs) -> Flask:
    made: Flask = request.param(config)
    return made


def assert_same_site(location: str) -> None:
    """A browser resolving location against our page stays on our host."""
    assert location.startswith("/")
    assert location[1:2] not in {"/", "\\"}
    assert set(location) <= PRINTABLE, location
    assert urlsplit(urljoin(SITE, location)).netloc == "site.example"


@pytest.mark.parametrize("trick", TRICKS)
def test_hostile_next_goes_home(app: Flask, trick: str) -> None:
    response = app.test_client().get(f"/language/en?next={trick}")
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


@pytest.mark.parametrize(
    ("sent", "expected"),
    [
        ("/lookup", "/lookup"),
        ("/cases/3", "/cases/3"),
        ("/a/b?page=2", "/a/b"),  # only the path is kept
        ("/%E0%B8%81", "/%E0%B8%81"),  # a Thai path stays encoded
        ("/%252F/evil.example", "/%2F/evil.example"),  # one path on our site, not a host
        ("/%20/x", "/%20/x"),
    ],
)
def test_local_paths_are_kept(app: Flask, sent: str, expected: str) -> None:
    response = app.test_client().get(f"/language/en?next={sent}")
    assert response.status_code == 303
    assert response.headers["Location"] == expected
    assert_same_site(expected)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    st.text(
        alphabet=st.sampled_from([*"/\\\t\r\n\x00 .:%@?#e", "\u3000", "\uff0f", "ก"]),
        max_size=12,
    )
)
def test_any_next_is_same_site_and_never_an_error(app: Flask, value: str) -> None:
    response = app.test_client().get("/language/th?next=" + quote(value, safe=""))
    assert response.status_code == 303
    assert_same_site(response.headers["Location"])
