"""Case work, directly: access per desk, deletion rows-first and blobs after commit."""

from __future__ import annotations

import os

import pytest
from sqlalchemy.orm import Session

from core import accounts, cases, deletion, desks
from core.errors import NotFound
from crypto import passphrase, totp_seal
from store.blobs import BlobStore
from store.db import make_engine, session_factory
from store.models import Case
from tests.factories import InstanceConfigs, add_case, add_source

PUBLIC = totp_seal.public_key(os.urandom(32))


def test_a_case_of_another_desk_is_not_found(session: Session, blobs: BlobStore) -> None:
    case = add_case(session, blobs, add_source(session, "a" * 64), "uni")
    hasher = passphrase.make_hasher(1, 64)
    accounts.add(session, hasher, None, "nok", False, [desks.by_slug(session, "nacc")], PUBLIC)
    nok = accounts.by_username(session, "nok")
    with pytest.raises(NotFound):
        cases.case_for(session, nok, case.id)
    with pytest.raises(NotFound):
        cases.case_for(session, nok, 999_999)


def test_delete_shreds_blobs_only_after_commit(
    session: Session, blobs: BlobStore, config: InstanceConfigs
) -> None:
    case = add_case(session, blobs, add_source(session, "a" * 64), "nacc")
    session.commit()
    name = case.submissions[0].blob_name
    cases.delete_case(session, blobs, None, case)
    session.flush()
    session.rollback()  # the delete rolled back: nothing is queued, the blob stays
    deletion.work(session_factory(make_engine(config.database_url)), blobs)
    assert blobs.exists(name)
    case = session.get(Case, case.id) or Case()
    cases.delete_case(session, blobs, None, case)
    session.commit()
    assert blobs.exists(name)  # queued: the scheduled job shreds it
    deletion.work(session_factory(make_engine(config.database_url)), blobs)
    assert not blobs.exists(name)
