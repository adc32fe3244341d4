"""Instance settings that admins change in the reviewer interface and both apps read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from flask import current_app, g
from sqlalchemy.orm import Session

from config import Config
from store.models import Setting


@dataclass(frozen=True)
class Settings:
    """Typed settings; missing rows take the configuration's defaults."""

    organisation: str = "WE STRONG"
    accept_files: bool = True
    upload_limit_mib: int = 500
    min_message_length: int = 0
    retention_days: int = 0
    default_language: str = "th"
    logo_png: str = ""  # base64 of a small PNG an admin uploaded, or empty


def load(db: Session, config: Config) -> Settings:
    """Read the settings rows over the defaults (the upload limit defaults to the config's)."""
    stored = {row.key: row.value for row in db.query(Setting)}
    base = Settings(
        upload_limit_mib=max(1, config.max_upload_bytes // (1024 * 1024)),
        default_language=config.default_language,
    )
    values = asdict(base)
    for f in fields(Settings):
        if f.name in stored:
            raw = stored[f.name]
            if f.type == "bool":
                values[f.name] = raw == "1"
            elif f.type == "int":
                values[f.name] = int(raw)
            else:
                values[f.name] = raw
    return Settings(**values)


def save(db: Session, settings: Settings) -> None:
    """Write every setting (the caller commits)."""
    for key, value in asdict(settings).items():
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        row = db.get(Setting, key)
        if row is None:
            db.add(Setting(key=key, value=text))
        else:
            row.value = text


def current() -> Settings:
    """Return this request's settings (read once per request)."""
    if "settings" not in g:
        from webcommon.db import db

        g.settings = load(db(), current_app.extensions["westrong_config"])
    value: Settings = g.settings
    return value
