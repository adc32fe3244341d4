"""Source interface fixtures: a migrated instance with one desk, and a test client."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from flask.testing import FlaskClient

from tests.factories import Instance, InstanceConfigs, make_instance


@pytest.fixture
def instance(config: InstanceConfigs) -> Instance:
    return make_instance(config)


@pytest.fixture
def small_limit_instance(config: InstanceConfigs) -> Instance:
    return make_instance(config.with_(max_upload_bytes=20_000))


@pytest.fixture
def client(instance: Instance) -> Iterator[FlaskClient]:
    with instance.app.test_client() as client:
        yield client
