"""What every channel does to patient text before the assistant sees it."""
import pytest

from channels.guard import (EMPTY_MESSAGE, MESSAGE_TOO_LONG, button_payloads,
                            clean_message)

BUTTONS = frozenset({"/recovery_time", "/contact_clinic"})


@pytest.mark.parametrize("typed,seen", [
    ("how long is recovery?", "how long is recovery?"),
    ("/emergency", "emergency"),
    ('/faq{"topic": "cost"}', 'faq{"topic": "cost"}'),
    ("  //out_of_scope", "out_of_scope"),
    ("/recovery_time", "/recovery_time"),
    ("/recovery_time{\"x\": 1}", "recovery_time{\"x\": 1}"),
    ("", EMPTY_MESSAGE),
    ("   \n\t ", EMPTY_MESSAGE),
    ("/", EMPTY_MESSAGE),
    (None, EMPTY_MESSAGE),
    (42, EMPTY_MESSAGE),
    ("scar\x00 size\x1b", "scar  size"),
    ("\u200b/emergency", "emergency"),
    ("x" * 1001, MESSAGE_TOO_LONG),
    ("x" * 1000, "x" * 1000),
])
def test_clean_message(typed, seen):
    assert clean_message(typed, BUTTONS) == seen


def test_length_limit_comes_from_configuration(monkeypatch):
    monkeypatch.setenv("MISS_MAX_MESSAGE_CHARS", "10")
    assert clean_message("a short one", BUTTONS) == MESSAGE_TOO_LONG


def test_only_the_domains_own_button_payloads_may_force_an_intent():
    payloads = button_payloads()
    assert "/recovery_time" in payloads and "/contact_clinic" in payloads
    assert "/emergency" not in payloads and "/out_of_scope" not in payloads
