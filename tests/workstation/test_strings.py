"""Every message exists in English and Thai, with the same placeholders."""

from __future__ import annotations

import re
import string

import pytest

from workstation import risk
from workstation.strings import MESSAGES, Texts, language_from_env


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_both_languages(key: str) -> None:
    english, thai = MESSAGES[key]
    assert english.strip()
    assert re.search("[\u0e00-\u0e7f]", thai), f"{key} has no Thai"
    assert _placeholders(english) == _placeholders(thai)


def test_every_reason_the_code_can_give_has_a_message() -> None:
    for reason in risk.REASONS:
        assert reason in MESSAGES


def test_language_choice() -> None:
    assert language_from_env({}) == "th"
    assert language_from_env({"WESTRONG_LANG": "en"}) == "en"
    assert language_from_env({"WESTRONG_LANG": "fr"}) == "th"
    assert Texts("en")("verify_ok", ok=1, total=2) == "1 of 2 items are intact."
    with pytest.raises(ValueError, match="language"):
        Texts("fr")
