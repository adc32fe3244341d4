"""Instance settings that admins change in the reviewer interface and both apps read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields

from sqlalchemy import select
from sqlalchemy.orm import Session

from store.models import Setting

STATISTICS_K_MIN = 5


@dataclass(frozen=True)
class Settings:
    """Typed settings; missing rows take the defaults (some come from the configuration)."""

    organisation: str = "WE STRONG"
    # How people reach the operator about their personal data (PDPA): the privacy notice shows it.
    privacy_contact: str = ""
    accept_files: bool = True
    upload_limit_mib: int = 500
    min_message_length: int = 0
    retention_days: int = 365  # closed cases, counted from closing; 0 keeps them
    inactive_source_days: int = 365  # codenames with no case left; 0 keeps them
    default_language: str = "th"
    logo_png: str = ""  # base64 of a small PNG an admin uploaded, or empty
    statistics_k: int = 10  # public statistics: cells below k are suppressed (never below 5)
    onion_address: str = ""  # the source interface's onion address, for the campaign kit


def load(session: Session, max_upload_bytes: int, default_language: str) -> Settings:
    """Read the settings rows over the defaults (the upload limit defaults to the config's)."""
    stored = {row.key: row.value for row in session.scalars(select(Setting))}
    base = Settings(
        upload_limit_mib=max(1, max_upload_bytes // (1024 * 1024)),
        default_language=default_language,
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
    values["statistics_k"] = max(STATISTICS_K_MIN, int(values["statistics_k"]))
    return Settings(**values)


def save(session: Session, settings: Settings) -> None:
    """Write every setting."""
    for key, value in asdict(settings).items():
        text = ("1" if value else "0") if isinstance(value, bool) else str(value)
        row = session.get(Setting, key)
        if row is None:
            session.add(Setting(key=key, value=text))
        else:
            row.value = text
