"""Source interface fixtures: a migrated instance with one desk, and a test client."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, replace

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

import source_interface
from config import Config
from crypto.fingerprint import fingerprint
from crypto.keys import Identity
from store import repository as repo
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory


@dataclass
class Instance:
    """What a test needs to look behind the app: its config, desk key, database and blobs."""

    config: Config
    app: Flask
    desk_identity: Identity
    blobs: BlobStore

    def session(self) -> Session:
        return session_factory(make_engine(self.config.database_url))()


def make_instance(config: Config) -> Instance:
    migrate(make_engine(config.database_url))
    identity = Identity.generate()
    with session_factory(make_engine(config.database_url))() as s, s.begin():
        recipient = identity.recipient
        repo.add_desk(
            s, "nacc", "สำนักงาน ป.ป.ช.", "NACC", [(str(recipient), fingerprint(recipient))]
        )
    app = source_interface.create_app(config)
    app.config["TESTING"] = True
    return Instance(config, app, identity, BlobStore(config.store_root))


@pytest.fixture
def instance(config: Config) -> Instance:
    return make_instance(config)


@pytest.fixture
def small_limit_instance(config: Config) -> Instance:
    return make_instance(replace(config, max_upload_bytes=20_000))


@pytest.fixture
def client(instance: Instance) -> Iterator[FlaskClient]:
    with instance.app.test_client() as client:
        yield client


CSRF = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)
CODENAME = re.compile(r'id="codename">([^<]+)<')
PROOF = re.compile(r'id="proof" name="proof" type="hidden" value="([^"]+)"')


def csrf(page: str) -> str:
    match = CSRF.search(page)
    assert match, "no CSRF token in page"
    return match.group(1) or match.group(2)


def new_source(client: FlaskClient, words: str = "en") -> str:
    """Go through /generate and /create; return the codename."""
    token = csrf(client.get("/generate").get_data(as_text=True))
    page = client.post("/generate", data={"csrf_token": token, "words": words}).get_data(
        as_text=True
    )
    match, proof = CODENAME.search(page), PROOF.search(page)
    assert match
    assert proof
    codename = match.group(1)
    response = client.post(
        "/create", data={"csrf_token": csrf(page), "codename": codename, "proof": proof.group(1)}
    )
    assert response.status_code == 303
    assert response.headers["Location"].endswith("/lookup")
    return codename
