"""Migrations 0002 and 0003 on a populated database (SQLite and PostgreSQL): every row of every
table made by 0001 comes through each upgrade unchanged, with the new column's default, and
the new tables take rows."""

from alembic import command
from sqlalchemy import Engine, MetaData, select, text

from store.db import alembic_config

ROWS = [
    "INSERT INTO desks (id, slug, name_th, name_en, active) VALUES "
    "(1, 'nacc', 'ป.ป.ช.', 'NACC', TRUE), (2, 'uni', 'ศูนย์', 'Centre', FALSE)",
    "INSERT INTO desk_recipients (id, desk_id, recipient, fingerprint, label) VALUES "
    "(1, 1, 'age1one', 'fp-one', 'main'), (2, 2, 'age1two', 'fp-two', '')",
    "INSERT INTO reviewers (id, username, passphrase_hash, totp_secret, last_totp_counter, "
    "is_admin, active, failed_logins, locked_until, created_at) VALUES "
    "(1, 'nok', 'h1', 's1', 57, TRUE, TRUE, 0, NULL, '2026-11-01 08:00:00+00'), "
    "(2, 'malee', 'h2', 's2', NULL, FALSE, FALSE, 3, '2026-11-02 09:30:00+00', "
    "'2026-11-01 08:05:00+00')",
    "INSERT INTO reviewer_desks (reviewer_id, desk_id) VALUES (1, 1), (2, 2)",
    "INSERT INTO audit_events (id, at, reviewer_id, action, case_designation, detail) VALUES "
    "(1, '2026-11-01 08:10:00+00', 1, 'login', NULL, ''), "
    "(2, '2026-11-01 08:11:00+00', NULL, 'purge', 'brave otter', '2 cases')",
    "INSERT INTO sources (id, lookup_id, reply_recipient, designation, pending, created_on, "
    "last_activity_on, desk_id, status, received_on, acknowledge_due_on, acknowledged_on, "
    "feedback_due_on, conclusion, external_reference, category, province, assignee_id, "
    "starred) VALUES "
    "(1, 'L1', 'age1a', 'brave otter', FALSE, '2026-11-01', '2026-11-03', 1, 'concluded', "
    "'2026-11-01', '2026-11-08', '2026-11-02', '2027-02-01', 'substantiated', 'REF-1', "
    "'bribery', 'TH-10', 1, TRUE), "
    "(2, 'L2', 'age1b', 'quiet heron', TRUE, '2026-11-03', '2026-11-03', NULL, 'received', "
    "NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, FALSE)",
    "INSERT INTO submissions (id, source_id, desk_id, kind, blob_name, ciphertext_size, "
    "created_on) VALUES (1, 1, 1, 'message', 'aa01.age', 6, '2026-11-01'), "
    "(2, 1, 1, 'file', 'bb02.age', 70000, '2026-11-02')",
    "INSERT INTO submission_seen (submission_id, reviewer_id) VALUES (1, 1), (2, 1)",
    "INSERT INTO replies (id, source_id, reviewer_id, blob_name, ciphertext_size, created_at, "
    "deleted_by_source) VALUES (1, 1, 1, 'cc03.age', 5, '2026-11-02 10:00:00+00', TRUE), "
    "(2, 1, NULL, 'dd04.age', 9, '2026-11-02 11:00:00+00', FALSE)",
]


def _snapshot(engine: Engine) -> dict[str, set[tuple[tuple[str, object], ...]]]:
    """Every row of every table except Alembic's, as sorted (column, value) pairs."""
    meta = MetaData()
    meta.reflect(engine)
    out: dict[str, set[tuple[tuple[str, object], ...]]] = {}
    with engine.connect() as conn:
        for table in meta.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = conn.execute(select(table)).mappings()
            out[table.name] = {tuple(sorted((str(k), v) for k, v in r.items())) for r in rows}
    return out


def _without(
    snapshot: dict[str, set[tuple[tuple[str, object], ...]]], column: str
) -> dict[str, set[tuple[tuple[str, object], ...]]]:
    return {
        t: {tuple(p for p in row if p[0] != column) for row in rows} for t, rows in snapshot.items()
    }


def test_0002_and_0003_keep_every_row(blank_engine: Engine) -> None:
    engine = blank_engine
    cfg = alembic_config(engine)
    command.upgrade(cfg, "0001")
    with engine.begin() as conn:
        for statement in ROWS:
            conn.execute(text(statement))  # fixed test data
    before = _snapshot(engine)
    assert sum(len(rows) for rows in before.values()) == 18

    command.upgrade(cfg, "0002")
    after_0002 = _snapshot(engine)
    assert after_0002.pop("source_sessions") == set()
    assert after_0002 == before
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO source_sessions (token_hash, source_id, sealed_reply_key, "
                "expires_at) VALUES ('t1', 1, :key, '2026-11-03 12:00:00+00')"
            ),
            {"key": b"\x00sealed\xff"},
        )

    command.upgrade(cfg, "0003")
    after_0003 = _snapshot(engine)
    assert after_0003.pop("settings") == set()
    assert after_0003.pop("reviewer_sessions") == set()
    sessions = after_0003.pop("source_sessions")
    assert [dict(row)["sealed_reply_key"] for row in sessions] == [b"\x00sealed\xff"]
    # The new flag: every existing submission starts unseen; nothing else changed.
    assert {dict(row)["seen"] for row in after_0003["submissions"]} == {False}
    assert _without(after_0003, "seen") == before
