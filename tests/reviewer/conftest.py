"""Reviewer interface fixtures: two desks, three reviewers, cases submitted by real sources."""

from __future__ import annotations

import pytest
from flask.testing import FlaskClient

from tests.factories import InstanceConfigs, World, make_world, sign_in


@pytest.fixture
def world(config: InstanceConfigs) -> World:
    return make_world(config)


@pytest.fixture
def admin(world: World) -> FlaskClient:
    return sign_in(world, "admin")
