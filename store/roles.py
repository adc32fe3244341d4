"""PostgreSQL roles for least privilege: the source app, the reviewer app and the scheduled
jobs (the command line) each connect as their own role, with only the grants it needs.

The grants are the whole policy, in one table (`POLICY`), applied by `apply_roles` from the
database owner's connection: it creates missing roles, revokes everything each role held on
our tables and sequences, and grants the policy again, so a run is idempotent and a run after
a narrowed policy takes the extra rights away. Run it after every migration (new tables get no
grants until then). See docs/decisions/046-database-roles.md.

Nobody gets UPDATE, DELETE or TRUNCATE on the audit log: it is append-only. The schema (DDL)
stays with the owner, who runs the migrations.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, text

from store.models import Base

SELECT, INSERT, UPDATE, DELETE = "SELECT", "INSERT", "UPDATE", "DELETE"
ALL = (SELECT, INSERT, UPDATE, DELETE)
APPEND = (SELECT, INSERT)


@dataclass(frozen=True)
class Grant:
    """Privileges on one table; `UPDATE` limited to some columns when `update_columns` is set."""

    privileges: tuple[str, ...]
    update_columns: tuple[str, ...] = ()


# The source interface: creates codenames, cases, submissions and its own sessions; reads
# desks, settings, its cases and the replies to them; never a reviewer's row, the reviewer
# sessions, who saw what, or the audit log. It deletes sources only to purge never-used
# codenames (a day old, no case); the cascade to their rows runs as the owner.
SOURCE: dict[str, Grant] = {
    "desks": Grant((SELECT,)),
    "desk_recipients": Grant((SELECT,)),
    "settings": Grant((SELECT,)),
    "sources": Grant((SELECT, INSERT, UPDATE, DELETE), ("pending", "last_activity_on")),
    # The authorship key of a case opened before it is set at the source's next sign-in.
    "cases": Grant(
        (SELECT, INSERT, UPDATE), ("last_activity_on", "authorship_key", "authorship_salt")
    ),
    "submissions": Grant((SELECT, INSERT)),
    "replies": Grant(
        (SELECT, UPDATE),
        (
            "deleted_by_source",
            "source_could_not_open",
            "source_blob_name",
            "source_ciphertext_size",
            "source_ciphertext_sha256",
        ),
    ),
    "source_sessions": Grant(ALL),
    # A source's delete of a reply queues their copy; the queue is worked elsewhere (the
    # scheduled job; the reviewer app in development), and never shreds a blob a row names.
    "pending_deletions": Grant((SELECT, INSERT)),
    # A closed month's published figures: read, and stored on the first view after it closes.
    "monthly_statistics": Grant((SELECT, INSERT)),
}

# The reviewer interface: the case workflow, replies, downloads, accounts and desks (admins),
# settings; appends to the audit log and reads it (the admin's audit page). Never a source's
# session (it holds the sealed reply key), and sources only to read their reply key.
REVIEWER: dict[str, Grant] = {
    "desks": Grant(ALL),
    "desk_recipients": Grant(ALL),
    "settings": Grant(ALL),
    "sources": Grant((SELECT,)),
    "cases": Grant((SELECT, UPDATE, DELETE)),
    "submissions": Grant((SELECT, UPDATE, DELETE)),
    "submission_seen": Grant(ALL),
    "replies": Grant(ALL),
    "reviewers": Grant(ALL),
    "reviewer_desks": Grant(ALL),
    "reviewer_sessions": Grant(ALL),
    "desk_key_notices": Grant(ALL),
    "monthly_statistics": Grant((SELECT, INSERT)),
    # Deletes queue blob names; in development the app also works the queue (core.deletion).
    "pending_deletions": Grant(ALL),
    "audit_events": Grant(APPEND),
    # The chain's head: the last hash and the row count, moved on with every append.
    "audit_head": Grant((SELECT, UPDATE)),
}

# The command line and the scheduled jobs (retention, purges, accounts, desks): every table,
# the audit log append-only; no schema changes.
JOBS: dict[str, Grant] = {
    **{name: Grant(ALL) for name in Base.metadata.tables},
    "audit_events": Grant(APPEND),
    "audit_head": Grant((SELECT, UPDATE)),
    "alembic_version": Grant((SELECT,)),
}


@dataclass(frozen=True)
class RoleNames:
    """The three login roles' names (the defaults match docs/DEPLOY.md)."""

    source: str = "westrong_source"
    reviewer: str = "westrong_reviewer"
    jobs: str = "westrong_jobs"

    def policy(self) -> dict[str, dict[str, Grant]]:
        return {self.source: SOURCE, self.reviewer: REVIEWER, self.jobs: JOBS}


_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class RoleError(ValueError):
    """A role name is not a plain lower-case identifier, or the engine is not PostgreSQL."""


def _ident(name: str) -> str:
    if not _NAME.match(name):
        raise RoleError(f"not a plain role name: {name!r} (a-z, 0-9, _)")
    return f'"{name}"'


def _tables(conn: Connection) -> list[str]:
    rows = conn.execute(
        text("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
    ).scalars()
    return sorted(rows)


def _sequences(conn: Connection) -> dict[str, str]:
    """Map each table to the sequence behind its id column."""
    rows = conn.execute(
        text(
            "SELECT t.relname AS table_name, s.relname AS sequence_name FROM pg_depend d "
            "JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S' "
            "JOIN pg_class t ON t.oid = d.refobjid "
            "JOIN pg_namespace n ON n.oid = s.relnamespace AND n.nspname = current_schema() "
            "WHERE d.deptype IN ('a', 'i')"
        )
    )
    return {r.table_name: r.sequence_name for r in rows}


def _ensure_role(conn: Connection, name: str) -> bool:
    """Create a login role without any special attribute; return whether it was new."""
    exists = conn.execute(text("SELECT 1 FROM pg_roles WHERE rolname = :n"), {"n": name}).first()
    attributes = "LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS INHERIT"
    verb = "ALTER" if exists else "CREATE"
    conn.exec_driver_sql(f"{verb} ROLE {_ident(name)} {attributes}")
    return exists is None


def _statements(conn: Connection, names: RoleNames) -> list[str]:
    tables, sequences = _tables(conn), _sequences(conn)
    database = conn.execute(text("SELECT current_database()")).scalar_one()
    schema = conn.execute(text("SELECT current_schema()")).scalar_one()
    out = [
        # Nobody but the owner creates objects; PUBLIC never touches the audit log.
        f'REVOKE CREATE ON SCHEMA "{schema}" FROM PUBLIC',
        f'REVOKE ALL ON TABLE "{schema}"."audit_events" FROM PUBLIC',
    ]
    for role, policy in names.policy().items():
        who = _ident(role)
        out.append(f'GRANT CONNECT ON DATABASE "{database}" TO {who}')
        out.append(f'GRANT USAGE ON SCHEMA "{schema}" TO {who}')
        out.append(f'REVOKE ALL ON ALL TABLES IN SCHEMA "{schema}" FROM {who}')
        out.append(f'REVOKE ALL ON ALL SEQUENCES IN SCHEMA "{schema}" FROM {who}')
        for table in tables:
            grant = policy.get(table)
            if grant is None:
                continue
            whole = [p for p in grant.privileges if not (p == UPDATE and grant.update_columns)]
            if whole:
                out.append(f'GRANT {", ".join(whole)} ON TABLE "{table}" TO {who}')
            if UPDATE in grant.privileges and grant.update_columns:
                columns = ", ".join(f'"{c}"' for c in grant.update_columns)
                out.append(f'GRANT UPDATE ({columns}) ON TABLE "{table}" TO {who}')
            if INSERT in grant.privileges and table in sequences:
                out.append(f'GRANT USAGE ON SEQUENCE "{sequences[table]}" TO {who}')
    return out


def apply_roles(engine: Engine, names: RoleNames | None = None) -> list[str]:
    """Create the roles and (re)grant the policy on this database, in one transaction;
    return the names of the roles that were created. Needs the owner (or a superuser)."""
    if engine.dialect.name != "postgresql":
        raise RoleError("database roles need PostgreSQL (SQLite has no users)")
    names = names or RoleNames()
    with engine.begin() as conn:
        # Roles are per cluster: two concurrent runs must not both try to create one.
        conn.execute(text("SELECT pg_advisory_xact_lock(4711)"))
        created = [r for r in (names.source, names.reviewer, names.jobs) if _ensure_role(conn, r)]
        for statement in _statements(conn, names):
            conn.exec_driver_sql(statement)
    return created
