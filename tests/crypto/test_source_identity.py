"""Codename key derivation: stable, separated by purpose and pepper, and bounded."""

import os
import threading

import pytest

from crypto import age
from crypto.errors import BusyError
from crypto.gate import Gate
from crypto.source_identity import TEST_PARAMS, derive

PEPPER = bytes(range(32))


def test_same_codename_any_spelling_same_identity() -> None:
    a = derive("abacus zoom yo-yo", PEPPER, TEST_PARAMS)
    b = derive("  ABACUS zoom yoyo ", PEPPER, TEST_PARAMS)
    assert a.lookup_id == b.lookup_id
    assert a.reply_identity == b.reply_identity


def test_lookup_id_and_reply_key_are_independent_values() -> None:
    ident = derive("abacus zoom", PEPPER, TEST_PARAMS)
    assert len(ident.lookup_id) == 64
    assert ident.lookup_id != ident.reply_identity.secret_key.hex()
    assert ident.lookup_id != ident.reply_identity.recipient.public_key.hex()
    assert "abacus" not in repr(ident)
    assert ident.reply_identity.secret_key.hex() not in repr(ident)


def test_pepper_changes_everything() -> None:
    a = derive("abacus zoom", PEPPER, TEST_PARAMS)
    b = derive("abacus zoom", os.urandom(32), TEST_PARAMS)
    assert a.lookup_id != b.lookup_id
    assert a.reply_identity != b.reply_identity


def test_reply_key_opens_replies() -> None:
    ident = derive("abacus zoom", PEPPER, TEST_PARAMS)
    reply = age.encrypt_bytes(b"thank you", [ident.reply_identity.recipient])
    again = derive("abacuszoom", PEPPER, TEST_PARAMS)
    assert age.decrypt_bytes(reply, [again.reply_identity]) == b"thank you"


def test_pepper_size_is_checked() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        derive("abacus zoom", b"short", TEST_PARAMS)


def test_known_answer_at_default_parameters() -> None:
    # Pins the derivation: a change here would lock every existing source out.
    ident = derive("abacus zoom", PEPPER)
    assert ident.lookup_id == KNOWN_LOOKUP_ID


def test_rate_budget_refuses_fast() -> None:
    now = [0.0]
    gate = Gate(concurrency=4, per_second=3, clock=lambda: now[0])
    for _ in range(3):
        gate.run(lambda: derive("abacus zoom", PEPPER, TEST_PARAMS))
    with pytest.raises(BusyError):
        gate.run(lambda: derive("abacus zoom", PEPPER, TEST_PARAMS))
    now[0] += 1.0
    gate.run(lambda: derive("abacus zoom", PEPPER, TEST_PARAMS))


def test_concurrency_bound_refuses_when_slots_are_held() -> None:
    gate = Gate(concurrency=2, per_second=100, wait=0.05)
    results: list[object] = []
    barrier = threading.Barrier(3)

    def hold() -> None:
        # Stands for a derivation in progress: holds a slot until the test is done.
        gate._slots.acquire()
        barrier.wait()
        barrier.wait()
        gate._slots.release()

    holders = [threading.Thread(target=hold) for _ in range(2)]
    for t in holders:
        t.start()
    barrier.wait()
    try:
        with pytest.raises(BusyError):
            gate.run(lambda: derive("abacus zoom", PEPPER, TEST_PARAMS))
    finally:
        barrier.wait()
        for t in holders:
            t.join()
    results.append(gate.run(lambda: derive("abacus zoom", PEPPER, TEST_PARAMS)))
    assert results


KNOWN_LOOKUP_ID = "cc114a033be8132ba7e4bdfc37b13f1cd3d42d65bbc3705ca2c615142527aae1"


# Seven words of the Thai list of 2025 that decision 090 removed (variants, a tone twin, a
# city). Sources who hold such a codename must keep their identity: the derivation never
# consults the wordlist, and this answer was computed before the list changed.
OLD_LIST_CODENAME = "ร็อค ลิฟท์ วีดีโอ คฑา เกมส์ ป้า ลอนดอน"
OLD_LIST_LOOKUP_ID = "8dcc12cd3efddd883ee07687a33ff25d139e3edf0e163687515a61a2b8608a8f"


def test_a_codename_from_the_old_thai_list_keeps_its_identity() -> None:
    assert derive(OLD_LIST_CODENAME, PEPPER, TEST_PARAMS).lookup_id == OLD_LIST_LOOKUP_ID
    typed = OLD_LIST_CODENAME.replace(" ", "")  # Thai is typed without spaces
    assert derive(typed, PEPPER, TEST_PARAMS).lookup_id == OLD_LIST_LOOKUP_ID
