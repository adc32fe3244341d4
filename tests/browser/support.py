"""Helpers for the browser tests."""

from __future__ import annotations

from dataclasses import dataclass

from crypto.keys import Identity
from tests.factories import InstanceConfigs


@dataclass(frozen=True)
class LiveApp:
    """One app served over HTTP: its base URL (no trailing slash) and what the tests need."""

    url: str
    desk_identity: Identity
    config: InstanceConfigs
