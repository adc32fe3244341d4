"""Core fixtures: the two-desk world of the reviewer tests."""

import pytest

from tests.factories import InstanceConfigs, World, make_world


@pytest.fixture
def world(config: InstanceConfigs) -> World:
    return make_world(config)
