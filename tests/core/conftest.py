"""Core fixtures: a migrated database session (rolled back at the end) and a blob store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session

from store.blobs import BlobStore
from tests.factories import InstanceConfigs, World, add_desk, make_world


@pytest.fixture
def session(config: InstanceConfigs) -> Iterator[Session]:
    add_desk(config, "nacc", "สำนักงาน ป.ป.ช.", "NACC")
    add_desk(config, "uni", "ศูนย์ต้านทุจริต มหาวิทยาลัย", "University centre")
    with config.session() as s:
        yield s


@pytest.fixture
def blobs(config: InstanceConfigs) -> BlobStore:
    return config.blobs


@pytest.fixture
def world(config: InstanceConfigs) -> World:
    """The two-desk world of the reviewer tests."""
    return make_world(config)
