"""Helpers for the source interface tests."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import func, select

from crypto import age
from crypto.inner import open_inner
from store.models import Submission
from tests.factories import Instance, csrf

PDF = b"%PDF-1.4 fake evidence " * 5000  # ~115 KB: more than one age chunk


def submit_data(client: FlaskClient, **extra: object) -> dict[str, object]:
    token = csrf(client.get("/lookup").get_data(as_text=True))
    data: dict[str, object] = {"csrf_token": token, "desk": "nacc", "msg": "เขาเรียกรับเงิน"}
    data.update(extra)
    return data


def counts(instance: Instance) -> tuple[int, int]:
    with instance.session() as s:
        return (
            s.scalar(select(func.count(Submission.id))) or 0,
            len(list(instance.config.store_root.rglob("*.age"))),
        )


def leftovers(instance: Instance) -> list[str]:
    return [p.name for p in (instance.config.store_root / "tmp").iterdir()]


def open_blob(instance: Instance, name: str) -> tuple[dict[str, object], bytes]:
    with instance.blobs.open(name) as f:
        header, content = open_inner(age.decrypt_chunks(f, [instance.desk_identity]))
        return header, b"".join(content)
