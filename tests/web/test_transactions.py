"""One transaction per request: a view that returned commits, a view that raised rolls back
everything it wrote, and a clash with stored data is one clear 409 page."""

from __future__ import annotations

import pytest
from flask import Flask, abort
from sqlalchemy import func, select

import journalist_interface
from core.errors import NotFound
from store.models import Setting
from tests.factories import InstanceConfigs
from webcommon.db import db


@pytest.fixture
def app(config: InstanceConfigs, monkeypatch: pytest.MonkeyPatch) -> Flask:
    # The reviewer app: its database role may write settings (the source role may not).
    app = journalist_interface.create_app(config.reviewer)
    monkeypatch.setattr(
        journalist_interface.app, "PUBLIC_ENDPOINTS", {"write", "write_then_fail", "write_nul"}
    )

    @app.get("/write/<key>")
    def write(key: str) -> str:
        db().add(Setting(key=key, value="1"))
        return "ok"

    @app.get("/write-nul")
    def write_nul() -> str:
        db().add(Setting(key="nul", value="a\x00b"))
        db().flush()
        return "ok"

    @app.get("/write-then-fail/<how>")
    def write_then_fail(how: str) -> str:
        db().add(Setting(key="half", value="1"))
        db().flush()
        if how == "abort":
            abort(400)
        if how == "core":
            raise NotFound()
        raise RuntimeError("boom")

    return app


def _keys(config: InstanceConfigs) -> list[str]:
    with config.session() as s:
        return list(s.scalars(select(Setting.key).order_by(Setting.key)))


def test_a_view_that_returned_commits(app: Flask, config: InstanceConfigs) -> None:
    assert app.test_client().get("/write/one").status_code == 200
    assert _keys(config) == ["one"]


@pytest.mark.parametrize(("how", "status"), [("abort", 400), ("core", 404), ("crash", 500)])
def test_a_view_that_raised_rolls_back(
    app: Flask, config: InstanceConfigs, how: str, status: int
) -> None:
    response = app.test_client().get(f"/write-then-fail/{how}")
    assert response.status_code == status
    assert "Traceback" not in response.get_data(as_text=True)
    assert _keys(config) == []


def test_a_clash_at_commit_is_one_409_page(app: Flask, config: InstanceConfigs) -> None:
    client = app.test_client()
    assert client.get("/write/same").status_code == 200
    response = client.get("/write/same")  # the primary key exists: fails at commit
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert "Traceback" not in page
    assert "IntegrityError" not in page
    with config.session() as s:
        assert s.scalar(select(func.count()).select_from(Setting)) == 1


def test_a_value_the_database_cannot_hold_is_a_400(
    app: Flask, config: InstanceConfigs, engine_kind: str
) -> None:
    response = app.test_client().get("/write-nul")  # PostgreSQL refuses NUL in text
    assert response.status_code == (400 if engine_kind == "postgresql" else 200)
    assert "Traceback" not in response.get_data(as_text=True)
