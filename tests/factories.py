"""Test helpers and factories (conftest files only declare fixtures over these).

A test instance is a set of `WESTRONG_*` variables, from which each process's configuration
is loaded exactly as production loads it. Its database is a copy of one SQLite file migrated
once per test run, so a test gets a migrated database for the price of a file copy.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import shutil
import tempfile
import weakref
from dataclasses import dataclass, field
from pathlib import Path

import pyotp
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import Connection, Engine, event, select
from sqlalchemy.orm import Session

from config import (
    CliConfig,
    ReviewerConfig,
    SourceConfig,
    load_cli_config,
    load_reviewer_config,
    load_source_config,
)
from core import accounts, desks
from crypto import passphrase, totp_seal
from crypto.keys import Identity
from store.blobs import BlobStore
from store.db import make_engine, migrate, session_factory
from store.models import Case, DeskRole, Source, SubmissionKind

_TEMPLATE: Path | None = None
_ENGINES: dict[str, Engine] = {}


def engine_for(url: str) -> Engine:
    """Return one engine per database URL for the tests' own look behind the apps."""
    if url not in _ENGINES:
        _ENGINES[url] = make_engine(url)
    return _ENGINES[url]


_LIVE: weakref.WeakSet[Engine] = weakref.WeakSet()


@event.listens_for(Engine, "engine_connect")
def _remember(connection: Connection) -> None:
    _LIVE.add(connection.engine)


def dispose_engines(database: str) -> None:
    """Close every pooled connection this test run holds to a database (the apps' and the
    tests' own), before the database is dropped."""
    for url in [u for u, e in _ENGINES.items() if e.url.database == database]:
        del _ENGINES[url]
    for engine in list(_LIVE):
        if engine.url.database == database:
            engine.dispose()


def dispose_all_engines() -> None:
    """Close every pooled connection (apps' and tests' own) after a test: each SQLite
    connection holds three file descriptors, and a run of two thousand tests that kept
    its pools open passed the 1,024 that `select()` can watch."""
    _ENGINES.clear()
    for engine in list(_LIVE):
        engine.dispose()


def migrated_database(path: Path) -> str:
    """Copy the run's migrated template database to `path`; return its URL."""
    global _TEMPLATE
    if _TEMPLATE is None:
        folder = Path(tempfile.mkdtemp(prefix="westrong-template-"))
        template = folder / "template.sqlite"
        engine = make_engine(f"sqlite:///{template}")
        migrate(engine)
        engine.dispose()
        _TEMPLATE = template
    shutil.copyfile(_TEMPLATE, path)
    return f"sqlite:///{path}"


@dataclass(frozen=True)
class InstanceConfigs:
    """One instance's environment and the configuration each process loads from it."""

    env: dict[str, str]

    def with_(self, **values: str | int) -> InstanceConfigs:
        """Return the same instance with some `WESTRONG_*` values changed."""
        extra = {f"WESTRONG_{k.upper()}": str(v) for k, v in values.items()}
        return InstanceConfigs({**self.env, **extra})

    @property
    def source(self) -> SourceConfig:
        return load_source_config(self.env)

    @property
    def reviewer(self) -> ReviewerConfig:
        return load_reviewer_config(self.env)

    @property
    def cli(self) -> CliConfig:
        return load_cli_config(self.env)

    @property
    def database_url(self) -> str:
        return self.env["WESTRONG_DATABASE_URL"]

    @property
    def store_root(self) -> Path:
        return Path(self.env["WESTRONG_STORE_ROOT"])

    def session(self) -> Session:
        return session_factory(engine_for(self.database_url))()

    @property
    def blobs(self) -> BlobStore:
        return BlobStore(self.store_root)


@dataclass(frozen=True)
class DatabaseUrls:
    """Where each process connects: the owner (tests looking behind the apps, migrations)
    and, on PostgreSQL, each process as its own least-privilege role."""

    owner: str
    source: str | None = None
    reviewer: str | None = None
    cli: str | None = None

    def env(self) -> dict[str, str]:
        out = {"WESTRONG_DATABASE_URL": self.owner}
        for process in ("source", "reviewer", "cli"):
            if (url := getattr(self, process)) is not None:
                out[f"WESTRONG_{process.upper()}_DATABASE_URL"] = url
        return out


def make_configs(
    tmp_path: Path, migrated: bool = True, database: DatabaseUrls | None = None
) -> InstanceConfigs:
    """Return a testing instance under tmp_path (cheap KDFs, fresh secrets), on a migrated
    SQLite copy unless `database` names another (a PostgreSQL database, its roles)."""
    if database is None:
        path = tmp_path / "test.sqlite"
        database = DatabaseUrls(migrated_database(path) if migrated else f"sqlite:///{path}")
    totp_key = os.urandom(32)
    return InstanceConfigs(
        {
            "WESTRONG_MODE": "testing",
            **database.env(),
            "WESTRONG_STORE_ROOT": str(tmp_path / "store"),
            "WESTRONG_SOURCE_PEPPER": os.urandom(32).hex(),
            "WESTRONG_SOURCE_SECRET_KEY": os.urandom(32).hex(),
            "WESTRONG_REVIEWER_SECRET_KEY": os.urandom(32).hex(),
            "WESTRONG_REVIEWER_TOTP_KEY": totp_key.hex(),
            "WESTRONG_CLI_TOTP_PUBLIC_KEY": totp_seal.public_key(totp_key),
            "WESTRONG_REVIEWER_SIGNING_KEY": os.urandom(32).hex(),
            "WESTRONG_SOURCE_KDF_OPS": "1",
            "WESTRONG_SOURCE_KDF_MEM": str(8 * 1024 * 1024),
            "WESTRONG_SOURCE_KDF_PER_SECOND": "1000",
            "WESTRONG_REVIEWER_PASSPHRASE_TIME_COST": "1",
            "WESTRONG_REVIEWER_PASSPHRASE_MEMORY_KIB": "64",
            "WESTRONG_CLI_PASSPHRASE_TIME_COST": "1",
            "WESTRONG_CLI_PASSPHRASE_MEMORY_KIB": "64",
        }
    )


def add_desk(configs: InstanceConfigs, slug: str, name_th: str, name_en: str) -> Identity:
    """Add a desk with a fresh key pair; return the pair (its secret stays in the test)."""
    identity = Identity.generate()
    with configs.session() as s, s.begin():
        desks.add(s, None, slug, name_th, name_en, [str(identity.recipient)])
    return identity


# --- the source interface --------------------------------------------------------------


@dataclass
class Instance:
    """What a test needs to look behind the source app: configs, desk key, database, blobs."""

    config: InstanceConfigs
    app: Flask
    desk_identity: Identity
    blobs: BlobStore

    def session(self) -> Session:
        return self.config.session()


def make_instance(configs: InstanceConfigs) -> Instance:
    """A migrated instance with desk "nacc" and the source app."""
    import source_interface

    identity = add_desk(configs, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    app = source_interface.create_app(configs.source)
    app.config["TESTING"] = True
    return Instance(configs, app, identity, configs.blobs)


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


def send_tip(client: FlaskClient, desk: str, message: str, files: int = 1) -> None:
    """Submit a tip with a message, one structured field and some files, as a signed-in
    source's browser would."""
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
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    assert response.headers["Location"] == "/submitted"


# --- the reviewer interface ------------------------------------------------------------


@dataclass
class Person:
    username: str
    passphrase: str
    totp_secret: str


@dataclass
class World:
    """Two desks, reviewers, and cases sent by real sources through the source app."""

    config: InstanceConfigs
    reviewer_app: Flask
    source_app: Flask
    desks: dict[str, Identity]
    people: dict[str, Person] = field(default_factory=dict)
    cases: dict[str, int] = field(default_factory=dict)  # desk slug -> a case id

    def session(self) -> Session:
        return self.config.session()

    @property
    def blobs(self) -> BlobStore:
        return self.config.blobs


def add_person(
    world: World,
    name: str,
    admin: bool,
    desk_slugs: list[str],
    role: DeskRole = DeskRole.OFFICER,
) -> Person:
    """Add a reviewer through the use case (with one role at their desks); remember their
    credentials."""
    hasher = passphrase.make_hasher(1, 64)
    with world.session() as s, s.begin():
        chosen = [d for d in desks.listed(s) if d.slug in desk_slugs]
        public = totp_seal.public_key(world.config.reviewer.totp_key)
        roles = {d.id: role for d in chosen}
        made = accounts.add(s, hasher, None, name, admin, chosen, public, roles)
    person = Person(name, made.passphrase or "", made.totp_secret or "")
    world.people[name] = person
    return person


def latest_case(world: World) -> int:
    with world.session() as s:
        case_id = s.scalars(select(Case.id).order_by(Case.id.desc())).first()
    assert case_id is not None
    return case_id


def submit_tip(world: World, desk: str, message: str, files: int = 1) -> int:
    """Have a new source report through the real source app; return the case id."""
    client = world.source_app.test_client()
    new_source(client)
    send_tip(client, desk, message, files)
    return latest_case(world)


def make_world(configs: InstanceConfigs, one_source: bool = False) -> World:
    """Desks nacc and uni; admin and somchai at nacc, malee at uni; one case at each, from
    two sources, or (`one_source`) from one source who reported to both desks."""
    import journalist_interface

    source = make_instance(configs)
    uni = add_desk(configs, "uni", "ศูนย์ต้านทุจริต มหาวิทยาลัย", "University centre")
    reviewer_app = journalist_interface.create_app(configs.reviewer)
    reviewer_app.config["TESTING"] = True
    w = World(configs, reviewer_app, source.app, {"nacc": source.desk_identity, "uni": uni})
    add_person(w, "admin", True, ["nacc"])
    add_person(w, "somchai", False, ["nacc"])
    add_person(w, "malee", False, ["uni"])
    if one_source:
        client = w.source_app.test_client()
        new_source(client)
        send_tip(client, "nacc", "เรื่องที่หนึ่ง")
        w.cases["nacc"] = latest_case(w)
        send_tip(client, "uni", "เรื่องที่สอง")
        w.cases["uni"] = latest_case(w)
        return w
    w.cases["nacc"] = submit_tip(w, "nacc", "เรื่องที่หนึ่ง")
    w.cases["uni"] = submit_tip(w, "uni", "เรื่องที่สอง")
    return w


def totp_now(secret: str, offset: int = 0) -> str:
    """Return the TOTP code of the current step plus an offset (±1 is accepted)."""
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


# --- rows made directly (for use-case and command tests) -------------------------------


def add_source(session: Session, lookup_id: str, created_on: dt.date | None = None) -> Source:
    """Add a pending source row (what /create makes, without the KDF)."""
    day = created_on or dt.date.today()
    source = Source(
        lookup_id=lookup_id,
        reply_recipient=str(Identity.generate().recipient),
        pending=True,
        created_on=day,
        last_activity_on=day,
    )
    session.add(source)
    session.flush()
    return source


def add_case(
    session: Session,
    blobs: BlobStore,
    source: Source,
    desk_slug: str,
    content: bytes = b"ciphertext",
) -> Case:
    """File one stored blob as a message in the source's case at a desk; return the case."""
    from core import tips

    with blobs.writer() as writer:
        writer.write(content)
        name = writer.commit()
    stored = tips.StoredBlob(SubmissionKind.MESSAGE, name, len(content), writer.sha256)
    return tips.file_tip(session, blobs, source, desks.by_slug(session, desk_slug), [stored])


def add_labelled_cases(
    session: Session,
    blobs: BlobStore,
    desk_slug: str,
    count: int,
    received_on: dt.date,
    category: str | None = "bribery",
    province: str | None = "TH-10",
    acknowledge_after: int | None = None,
) -> list[Case]:
    """File `count` cases at a desk received on a day, with reviewer labels (and, given
    `acknowledge_after` days, acknowledged through the workflow); return them."""
    from core import workflow
    from store.models import CaseStatus

    made = []
    for _ in range(count):
        source = add_source(session, os.urandom(32).hex(), received_on)
        case = add_case(session, blobs, source, desk_slug)
        workflow.start_clocks(case, received_on)
        case.category, case.province = category, province
        if acknowledge_after is not None:
            day = received_on + dt.timedelta(days=acknowledge_after)
            workflow.move(case, CaseStatus.ACKNOWLEDGED, day)
        made.append(case)
    session.flush()
    return made
