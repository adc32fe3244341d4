"""Racing sign-ins against a real gunicorn, on SQLite and PostgreSQL (issue 9, finding 4).

The same TOTP code sent from several clients at once must sign in once; wrong guesses sent at
once must each be counted. Several sync workers make the requests truly concurrent, and a
slower passphrase hash holds them all between reading the account and writing it.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, select
from sqlalchemy.pool import Pool

from store.db import make_engine, migrate
from store.models import Reviewer
from tests.factories import InstanceConfigs, World, make_configs
from tests.servers import Browser, gunicorn, postgres

APP = "journalist_interface.app:from_environment()"
WORKERS = 4
# The shared world fixture makes an engine per session and never disposes of it; psycopg
# (unlike sqlite3) warns when such a pooled connection is garbage-collected.
pytestmark = pytest.mark.filterwarnings(
    "ignore:.*psycopg.Connection.*deleted while still open:ResourceWarning"
)
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


@pytest.fixture(params=["sqlite", "postgresql"])
def config(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[InstanceConfigs]:
    """The world fixture's instance, the one the gunicorn below serves, on either database."""
    configs = make_configs(tmp_path).with_(reviewer_passphrase_memory_kib=32 * 1024)  # ≈ 40 ms
    if request.param == "sqlite":
        yield configs
        return
    opened: list[Any] = []

    def remember(dbapi_connection: Any, _record: object) -> None:
        opened.append(dbapi_connection)

    event.listen(Pool, "connect", remember)
    try:
        with postgres() as url:
            engine = make_engine(url)
            migrate(engine)
            engine.dispose()
            yield InstanceConfigs({**configs.env, "WESTRONG_DATABASE_URL": url})
            for connection in opened:  # close what the fixtures' engines left open
                connection.close()
    finally:
        event.remove(Pool, "connect", remember)


@pytest.fixture
def port(world: World, config: InstanceConfigs, tmp_path: Path) -> Iterator[int]:
    env = {**os.environ, **config.env}
    with gunicorn(APP, env, tmp_path / "gunicorn.log", workers=WORKERS, ready_path="/login") as p:
        yield p


def race(port: int, forms: list[dict[str, str]]) -> list[int]:
    """Open one browser per form, then post all the forms to /login at the same moment."""
    browsers = []
    for _ in forms:
        browser = Browser(port)
        status, _headers, page = browser.request("GET", "/login")
        assert status == 200
        match = CSRF.search(page)
        assert match
        browser.cookies["_csrf"] = match.group(1)  # kept aside; not a cookie the app reads
        browsers.append(browser)
    start = threading.Barrier(len(forms))
    statuses: list[int] = [0] * len(forms)

    def post(i: int) -> None:
        token = browsers[i].cookies.pop("_csrf")
        start.wait()
        statuses[i] = browsers[i].request("POST", "/login", {**forms[i], "csrf_token": token})[0]

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(forms))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return statuses


def code_for(secret: str, counter: int) -> str:
    import pyotp

    return pyotp.TOTP(secret).generate_otp(counter)


def test_one_code_sent_at_once_signs_in_once(world: World, port: int) -> None:
    import datetime as dt

    import pyotp

    person = world.people["somchai"]
    first = pyotp.TOTP(person.totp_secret).timecode(dt.datetime.now(dt.UTC))
    for counter in (first, first + 1):  # both valid for the next 30 s at least
        form = {
            "username": person.username,
            "passphrase": person.passphrase,
            "token": code_for(person.totp_secret, counter),
        }
        statuses = race(port, [form] * WORKERS)
        assert sorted(statuses) == [303] + [401] * (WORKERS - 1), statuses


def test_wrong_guesses_sent_at_once_are_all_counted(world: World, port: int) -> None:
    person = world.people["somchai"]
    form = {"username": person.username, "passphrase": "wrong words", "token": "123456"}
    statuses = race(port, [form] * WORKERS)
    assert statuses == [401] * WORKERS
    with world.session() as s:
        failed = s.scalar(select(Reviewer.failed_logins).where(Reviewer.username == "somchai"))
    assert failed == WORKERS  # LOCK_AFTER is 5: four in a row are counted, not yet a lock
