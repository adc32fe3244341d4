"""Least privilege on the real server: connected as each role, every denial holds, the audit
log is append-only for all three, `db-roles` is idempotent, and the apps work as their roles."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from cli.commands import run
from store.db import make_engine
from store.roles import RoleNames
from tests.factories import DatabaseUrls, InstanceConfigs, make_world, sign_in
from webcommon.db import sessions

pytestmark = pytest.mark.engines("postgresql")
ROLES = RoleNames()
INSUFFICIENT_PRIVILEGE = "42501"

AUDIT_ROW = (
    "INSERT INTO audit_events (at, action, detail, row_hash) "
    "VALUES (now(), 'x', '', repeat('0', 64))"
)


@pytest.fixture
def as_role(database: DatabaseUrls) -> Iterator[dict[str, Engine]]:
    engines = {
        "source": make_engine(database.source or ""),
        "reviewer": make_engine(database.reviewer or ""),
        "jobs": make_engine(database.cli or ""),
        "owner": make_engine(database.owner),
    }
    with engines["owner"].begin() as conn:  # one row in each table the denials touch
        conn.execute(
            text(
                "INSERT INTO reviewers (username, passphrase_hash, totp_secret, is_admin, "
                "active, failed_logins, created_at) VALUES ('nok', 'h', 's', false, true, 0, "
                "now());"
                "INSERT INTO audit_events (at, action, detail, row_hash) "
                "VALUES (now(), 'login', '', repeat('0', 64));"
                "INSERT INTO desks (slug, name_th, name_en, active) VALUES ('d', 'd', 'd', true);"
                "INSERT INTO sources (lookup_id, reply_recipient, pending, created_on, "
                "last_activity_on) VALUES ('L', 'age1x', false, current_date, current_date);"
                "INSERT INTO cases (source_id, desk_id, designation, last_activity_on, status, "
                "received_on, starred, audit_ref) SELECT s.id, d.id, 'brave otter', "
                "current_date, 'received', current_date, false, 'r1' FROM sources s, desks d;"
            )
        )
    yield engines
    for engine in engines.values():
        engine.dispose()


def _denied(engine: Engine, sql: str) -> bool:
    """Run one statement; True when the server refused it for lack of privilege."""
    with engine.connect() as conn:
        try:
            conn.execute(text(sql))
        except DBAPIError as exc:
            conn.rollback()
            return getattr(exc.orig, "sqlstate", None) == INSUFFICIENT_PRIVILEGE
        conn.rollback()
    return False


AUDIT_CHANGES = [
    "UPDATE audit_events SET detail = 'forged'",
    "DELETE FROM audit_events",
    "TRUNCATE audit_events",
]
SCHEMA_CHANGES = [
    "CREATE TABLE planted (x int)",
    "ALTER TABLE audit_events DISABLE TRIGGER ALL",
    "DROP TABLE audit_events",
]


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT passphrase_hash FROM reviewers",
        "SELECT totp_secret FROM reviewers",
        "SELECT count(*) FROM reviewers",
        "SELECT * FROM reviewer_sessions",
        "SELECT * FROM reviewer_desks",
        "SELECT * FROM submission_seen",
        "SELECT * FROM audit_events",
        AUDIT_ROW,
        "UPDATE cases SET status = 'closed'",
        "UPDATE cases SET assignee_id = NULL",
        "UPDATE sources SET reply_recipient = 'age1attacker'",
        "DELETE FROM cases",
        "DELETE FROM submissions",
        "UPDATE desks SET active = false",
        "INSERT INTO desk_recipients (desk_id, recipient, fingerprint, label) "
        "SELECT id, 'age1attacker', 'f', '' FROM desks",
        "UPDATE settings SET value = 'x'",
        *AUDIT_CHANGES,
        *SCHEMA_CHANGES,
    ],
)
def test_the_source_role_is_refused(as_role: dict[str, Engine], sql: str) -> None:
    assert _denied(as_role["source"], sql), sql


@pytest.mark.parametrize(
    "sql",
    [
        "SELECT * FROM source_sessions",
        "SELECT sealed_reply_key FROM source_sessions",
        "DELETE FROM source_sessions",
        "UPDATE sources SET lookup_id = 'other'",
        "INSERT INTO sources (lookup_id, reply_recipient, pending, created_on, "
        "last_activity_on) VALUES ('L2', 'age1y', true, current_date, current_date)",
        "DELETE FROM sources",
        "INSERT INTO submissions (case_id, kind, blob_name, ciphertext_size, created_on, seen) "
        "SELECT id, 'message', 'forged.age', 1, current_date, false FROM cases",
        *AUDIT_CHANGES,
        *SCHEMA_CHANGES,
    ],
)
def test_the_reviewer_role_is_refused(as_role: dict[str, Engine], sql: str) -> None:
    assert _denied(as_role["reviewer"], sql), sql


@pytest.mark.parametrize("sql", [*AUDIT_CHANGES, *SCHEMA_CHANGES, "DELETE FROM alembic_version"])
def test_the_jobs_role_is_refused(as_role: dict[str, Engine], sql: str) -> None:
    assert _denied(as_role["jobs"], sql), sql


@pytest.mark.parametrize(
    ("role", "sql"),
    [
        ("source", "SELECT lookup_id, reply_recipient FROM sources"),
        ("source", "SELECT designation, status FROM cases"),
        ("source", "UPDATE cases SET last_activity_on = current_date"),
        ("reviewer", "SELECT username, totp_secret FROM reviewers"),
        ("reviewer", AUDIT_ROW),
        ("reviewer", "SELECT * FROM audit_events"),
        ("reviewer", "UPDATE cases SET status = 'triage'"),
        ("jobs", "DELETE FROM sources WHERE pending"),
        ("jobs", AUDIT_ROW),
    ],
)
def test_what_each_role_needs_is_allowed(as_role: dict[str, Engine], role: str, sql: str) -> None:
    with as_role[role].connect() as conn:
        conn.execute(text(sql))
        conn.rollback()


def test_no_role_is_special(as_role: dict[str, Engine]) -> None:
    with as_role["owner"].connect() as conn:
        rows = conn.execute(
            text(
                "SELECT rolname, rolsuper, rolcreaterole, rolcreatedb, rolreplication, "
                "rolbypassrls FROM pg_roles WHERE rolname LIKE 'westrong_%' ORDER BY rolname"
            )
        ).all()
    assert [r.rolname for r in rows] == sorted([ROLES.jobs, ROLES.reviewer, ROLES.source])
    assert all(not any(r[1:]) for r in rows)


def _grants(engine: Engine) -> set[tuple[str, ...]]:
    with engine.connect() as conn:
        tables = conn.execute(
            text(
                "SELECT grantee, table_name, privilege_type FROM "
                "information_schema.role_table_grants WHERE grantee LIKE 'westrong_%'"
            )
        ).all()
        columns = conn.execute(
            text(
                "SELECT grantee, table_name, column_name, privilege_type FROM "
                "information_schema.column_privileges WHERE grantee LIKE 'westrong_%' "
                "AND privilege_type = 'UPDATE'"
            )
        ).all()
    return {tuple(r) for r in tables} | {tuple(r) for r in columns}


def test_db_roles_is_idempotent_and_takes_extra_rights_away(
    as_role: dict[str, Engine], database: DatabaseUrls, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _grants(as_role["owner"])
    assert ("westrong_source", "submissions", "INSERT") in before
    assert not any(g[:2] == ("westrong_source", "reviewers") for g in before)
    assert run(["db-roles", "--database-url", database.owner]) == 0
    assert "westrong_source\texists; grants applied" in capsys.readouterr().out
    assert _grants(as_role["owner"]) == before
    with as_role["owner"].begin() as conn:  # a hand-made grant that the policy does not hold
        conn.execute(text("GRANT SELECT, UPDATE ON reviewers, audit_events TO westrong_source"))
    assert not _denied(as_role["source"], "SELECT totp_secret FROM reviewers")
    assert run(["db-roles", "--database-url", database.owner]) == 0
    assert _grants(as_role["owner"]) == before
    assert _denied(as_role["source"], "SELECT totp_secret FROM reviewers")
    assert _denied(as_role["source"], "UPDATE audit_events SET detail = ''")


def test_db_roles_refuses_sqlite(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["db-roles", "--database-url", "sqlite://"]) == 1
    assert "need PostgreSQL" in capsys.readouterr().err


def _current_user(app: object) -> str:
    with sessions(app)() as s:  # type: ignore[arg-type]
        return str(s.execute(text("SELECT current_user")).scalar_one())


def test_the_apps_work_as_their_roles(config: InstanceConfigs) -> None:
    world = make_world(config)  # sources report through the source app
    assert _current_user(world.source_app) == ROLES.source
    assert _current_user(world.reviewer_app) == ROLES.reviewer
    client = sign_in(world, "somchai")
    case = world.cases["nacc"]
    page = client.get(f"/cases/{case}")
    assert page.status_code == 200
    assert client.get(f"/cases/{case}").status_code == 200
    inbox = client.get("/").get_data(as_text=True)
    assert f'href="/cases/{case}"' in inbox
