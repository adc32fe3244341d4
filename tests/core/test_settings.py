"""Instance settings, directly: defaults from the configuration, typed round trips."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session

from core import settings


def test_defaults_come_from_the_configuration(session: Session) -> None:
    loaded = settings.load(session, 20 * 1024 * 1024, "en")
    assert loaded.upload_limit_mib == 20
    assert loaded.default_language == "en"
    assert loaded.accept_files is True
    assert settings.load(session, 1000, "th").upload_limit_mib == 1  # never below 1 MiB


def test_saved_values_come_back_typed(session: Session) -> None:
    changed = replace(
        settings.load(session, 500 * 1024 * 1024, "th"),
        accept_files=False,
        retention_days=365,
        organisation="ศูนย์ต้านทุจริต",
    )
    settings.save(session, changed)
    session.flush()
    assert settings.load(session, 500 * 1024 * 1024, "th") == changed
    settings.save(session, replace(changed, accept_files=True))
    assert settings.load(session, 500 * 1024 * 1024, "th").accept_files is True
