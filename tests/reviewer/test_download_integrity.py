"""A download never answers 200 with bytes that are not the stored ciphertext: a blob zeroed
in place (a deletion cut short, a bad disk) or gone is refused, on the web and the API."""

from __future__ import annotations

import os

import pytest
from sqlalchemy import select

from store.models import Submission
from tests.factories import World, sign_in


@pytest.mark.parametrize("damage", ["zeroed", "truncated", "missing"])
def test_a_damaged_blob_is_never_served(world: World, damage: str) -> None:
    client = sign_in(world, "somchai")
    case_id = world.cases["nacc"]
    with world.session() as s:
        item = s.scalars(select(Submission).where(Submission.case_id == case_id)).first()
        assert item is not None
        item_id, name = item.id, item.blob_name
    url = f"/cases/{case_id}/submissions/{item_id}/download"
    first = client.get(url)
    assert first.status_code == 200
    first.close()
    path = world.blobs.path(name)
    size = path.stat().st_size
    if damage == "zeroed":
        fd = os.open(path, os.O_WRONLY)
        os.pwrite(fd, bytes(size), 0)
        os.close(fd)
    elif damage == "truncated":
        os.truncate(path, size // 2)
    else:
        path.unlink()
    response = client.get(url)
    assert response.status_code == 500
    assert response.get_data() != bytes(size)
