"""Codenames and source sessions: generated words only, never stored, coarse expiry."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from flask.testing import FlaskClient
from sqlalchemy import MetaData, func, select, update

from crypto.codename import Language, wordlist
from source_interface.auth import codename_proof
from store.models import Source, SourceSession
from tests.factories import Instance, csrf, engine_for, new_source


@pytest.mark.parametrize(
    ("words", "pattern"),
    # Seven EFF words, eight Thai words (decision 091).
    [("en", r"^[a-z-]+( [a-z-]+){6}$"), ("th", r"^[\u0e01-\u0e4e]+( [\u0e01-\u0e4e]+){7}$")],
)
def test_generate_shows_a_codename_in_the_chosen_words(
    client: FlaskClient, words: str, pattern: str
) -> None:
    token = csrf(client.get("/generate").get_data(as_text=True))
    response = client.post("/generate", data={"csrf_token": token, "words": words})
    page = response.get_data(as_text=True)
    codename = re.search(r'id="codename">([^<]+)<', page)
    assert codename
    assert re.match(pattern, codename.group(1))
    assert response.headers["Cache-Control"] == "no-store"
    assert (
        "Set-Cookie" not in response.headers
        or codename.group(1) not in response.headers["Set-Cookie"]
    )


def test_create_refuses_a_self_chosen_codename(client: FlaskClient, instance: Instance) -> None:
    token = csrf(client.get("/generate").get_data(as_text=True))
    response = client.post(
        "/create", data={"csrf_token": token, "codename": "password", "proof": "0" * 64}
    )
    assert response.status_code == 400
    with instance.session() as s:
        assert s.scalar(select(func.count(Source.id))) == 0


def test_codename_never_in_cookie_or_database(client: FlaskClient, instance: Instance) -> None:
    codename = new_source(client)
    cookies = " ".join(
        c.value for name in ("sid", "src-form", "src-lang") if (c := client.get_cookie(name))
    )
    assert client.get_cookie("sid") is not None
    # The stored values only (the schema's own words, "case" or "status", could be EFF words).
    values = _dump(instance.config.database_url)
    dump = "\n".join(v.split(" VALUES", 1)[1] if v.startswith("INSERT INTO") else v for v in values)
    assert values
    for word in codename.split():
        assert word not in cookies
        assert re.search(rf"\b{re.escape(word)}\b", dump) is None, word


def _dump(url: str) -> list[str]:
    """Every row of every table, on either engine (SQLite's own dump where it has one)."""
    if url.startswith("sqlite:///"):
        import sqlite3

        with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
            return [line for line in conn.iterdump() if line.startswith("INSERT INTO")]
    engine = engine_for(url)
    meta = MetaData()
    meta.reflect(engine)
    with engine.connect() as conn:
        return [
            repr(tuple(row)) for table in meta.sorted_tables for row in conn.execute(table.select())
        ]


def test_session_cookie_flags(client: FlaskClient) -> None:
    new_source(client)
    response = client.post("/login")  # any response; look at the cookie set by /create instead
    assert response.status_code == 400
    cookie = client.get_cookie("sid")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.same_site == "Strict"


def test_login_with_respaced_codename(client: FlaskClient) -> None:
    codename = new_source(client)
    client.delete_cookie("sid")
    token = csrf(client.get("/login").get_data(as_text=True))
    typed = "  " + codename.upper().replace(" ", "   ") + " "
    response = client.post("/login", data={"csrf_token": token, "codename": typed})
    assert response.status_code == 303
    assert client.get("/lookup").status_code == 200


def test_a_seven_word_codename_from_the_old_thai_list_still_signs_in(
    client: FlaskClient, instance: Instance
) -> None:
    # Created as /create accepted it before decision 090 (the server's proof over a codename
    # it generated), from words the new list no longer has; it must still open the account.
    old = "ร็อค ลิฟท์ วีดีโอ คฑา เกมส์ ป้า ลอนดอน"
    assert not set(old.split()) & set(wordlist(Language.TH).words)
    token = csrf(client.get("/generate").get_data(as_text=True))
    proof = codename_proof(instance.config.source.secret_key, old)
    response = client.post("/create", data={"csrf_token": token, "codename": old, "proof": proof})
    assert response.status_code == 303
    client.delete_cookie("sid")
    token = csrf(client.get("/login").get_data(as_text=True))
    response = client.post("/login", data={"csrf_token": token, "codename": old.replace(" ", "")})
    assert response.status_code == 303
    assert client.get("/lookup").status_code == 200


def test_wrong_codename_gets_one_message(client: FlaskClient) -> None:
    codename = new_source(client)
    client.delete_cookie("sid")
    token = csrf(client.get("/login").get_data(as_text=True))
    pages = []
    for attempt in ["never existed at all", codename + " extra"]:
        response = client.post("/login", data={"csrf_token": token, "codename": attempt})
        assert response.status_code == 401
        page = response.get_data(as_text=True).replace(attempt, "")
        # Each page has a fresh CSRF token, signed with the current second: not the message.
        pages.append(page.replace(csrf(page), ""))
    assert pages[0] == pages[1]


def test_lookup_without_session_goes_to_login(client: FlaskClient) -> None:
    response = client.get("/lookup")
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/login")


def test_expired_session_says_so(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s, s.begin():
        s.execute(update(SourceSession).values(expires_at=dt.datetime(2000, 1, 1, tzinfo=dt.UTC)))
    response = client.get("/lookup")
    assert response.headers["Location"].endswith("/session-ended")
    assert client.get_cookie("sid") is None
    client.get("/language/en")
    assert "session has ended" in client.get("/session-ended").get_data(as_text=True)


def test_session_expiry_is_coarse(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s:
        expires = s.scalar(select(SourceSession.expires_at))
    assert expires is not None
    assert expires.minute % 10 == 0
    assert expires.second == 0


def test_logout_ends_the_session(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 200
    assert client.get_cookie("sid") is None
    with instance.session() as s:
        assert s.scalar(select(func.count(SourceSession.id))) == 0
    assert client.get("/lookup").status_code == 303


def test_a_stolen_cookie_alone_after_logout_opens_nothing(
    client: FlaskClient, instance: Instance
) -> None:
    new_source(client)
    stolen = client.get_cookie("sid")
    assert stolen is not None
    token = csrf(client.get("/lookup").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    client.set_cookie("sid", stolen.value)
    assert client.get("/lookup").headers["Location"].endswith("/session-ended")


def test_pending_sources_are_invisible_and_purged(client: FlaskClient, instance: Instance) -> None:
    new_source(client)
    with instance.session() as s, s.begin():
        source = s.scalar(select(Source))
        assert source is not None
        assert source.pending
        source.created_on = dt.date.today() - dt.timedelta(days=2)
    client.delete_cookie("sid")
    new_source(client)
    with instance.session() as s:
        assert s.scalar(select(func.count(Source.id))) == 1
