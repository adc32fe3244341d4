"""Reviewer interface fixtures: two desks, three reviewers, cases submitted by real sources."""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

import journalist_interface
from config import Config
from crypto import passphrase
from crypto.fingerprint import fingerprint
from crypto.keys import Identity
from store import repository as repo
from store.blobs import BlobStore
from store.db import make_engine, session_factory
from store.models import Source
from tests.source.conftest import csrf, make_instance, new_source


@dataclass
class Person:
    username: str
    passphrase: str
    totp_secret: str


@dataclass
class World:
    config: Config
    reviewer_app: Flask
    source_app: Flask
    desks: dict[str, Identity]
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)  # desk slug -> a source id

    def session(self) -> Session:
        return session_factory(make_engine(self.config.database_url))()

    @property
    def blobs(self) -> BlobStore:
        return BlobStore(self.config.store_root)


def _add_person(world: World, name: str, admin: bool, desks: list[str]) -> None:
    words, secret = passphrase.generate(), pyotp.random_base32()
    hasher = passphrase.make_hasher(
        world.config.passphrase_time_cost, world.config.passphrase_memory_kib
    )
    with world.session() as s, s.begin():
        chosen = [d for d in repo.desks(s) if d.slug in desks]
        repo.add_reviewer(s, name, passphrase.hash_passphrase(words, hasher), secret, admin, chosen)
    world.people[name] = Person(name, words, secret)


def submit_tip(world: World, desk: str, message: str, files: int = 1) -> int:
    """Have a source report through the real source app; return the source id."""
    client = world.source_app.test_client()
    new_source(client)
    token = csrf(client.get("/lookup").get_data(as_text=True))
    data: dict[str, object] = {
        "csrf_token": token,
        "desk": desk,
        "msg": message,
        "agency": "กรมบัญชีกลาง",
        "fh": [
            (io.BytesIO(f"file {i} of {message}".encode() * 1000), f"หลักฐาน-{i}.pdf")
            for i in range(files)
        ],
    }
    response = client.post("/submit", data=data, content_type="multipart/form-data")
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    with world.session() as s:
        source_id = s.scalars(select(Source.id).order_by(Source.id.desc())).first()
    assert source_id is not None
    return source_id


@pytest.fixture
def world(config: Config) -> World:
    source = make_instance(config)  # migrates and adds desk "nacc"
    uni = Identity.generate()
    with session_factory(make_engine(config.database_url))() as s, s.begin():
        repo.add_desk(
            s,
            "uni",
            "ศูนย์ต้านทุจริต มหาวิทยาลัย",
            "University centre",
            [(str(uni.recipient), fingerprint(uni.recipient))],
        )
    reviewer_app = journalist_interface.create_app(config)
    reviewer_app.config["TESTING"] = True
    w = World(config, reviewer_app, source.app, {"nacc": source.desk_identity, "uni": uni})
    _add_person(w, "admin", True, ["nacc"])
    _add_person(w, "somchai", False, ["nacc"])
    _add_person(w, "malee", False, ["uni"])
    w.cases["nacc"] = submit_tip(w, "nacc", "เรื่องที่หนึ่ง")
    w.cases["uni"] = submit_tip(w, "uni", "เรื่องที่สอง")
    return w


def totp_now(secret: str, offset: int = 0) -> str:
    """Return the TOTP code of the current step plus an offset (±1 is accepted)."""
    import datetime as dt

    totp = pyotp.TOTP(secret)
    return totp.generate_otp(totp.timecode(dt.datetime.now(dt.UTC)) + offset)


def sign_in(world: World, name: str, offset: int = 0) -> FlaskClient:
    client = world.reviewer_app.test_client()
    person = world.people[name]
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login",
        data={
            "csrf_token": csrf(page),
            "username": name,
            "passphrase": person.passphrase,
            "token": totp_now(person.totp_secret, offset),
        },
    )
    assert response.status_code == 303, response.get_data(as_text=True)[:400]
    return client


def token_of(client: FlaskClient, path: str) -> str:
    return csrf(client.get(path).get_data(as_text=True))


def case_ids(page: str) -> list[int]:
    return [int(x) for x in re.findall(r'href="/cases/(\d+)"', page)]


@pytest.fixture
def admin(world: World) -> FlaskClient:
    return sign_in(world, "admin")
