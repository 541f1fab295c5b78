"""What every channel does to patient text before the assistant sees it."""
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rasa.shared.constants import INTENT_MESSAGE_PREFIX
from rasa.shared.core.training_data.story_reader.yaml_story_reader import YAMLStoryReader
from rasa.shared.nlu.training_data.message import Message

from channels.guard import EMPTY_MESSAGE, button_payloads, clean_message, forces_an_intent

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
    # Long text is passed on whole: the red-flag check reads all of it.
    ("x" * 5000, "x" * 5000),
])
def test_clean_message(typed, seen):
    assert clean_message(typed, BUTTONS) == seen


# Every shape found so far that got past the first guard (strip "/" then whitespace).
@pytest.mark.parametrize("typed", [
    '/ /emergency{"red_flag":"crisis"}', "/ /out_of_scope", "/\n/restart",
    "/\u2028/bot_challenge", "/\u2029/greet", "/\t/emergency", "/\x0b/emergency",
    "/\x85/emergency", "/\u3000/emergency", "/\u00a0/emergency", "/\u200b/emergency",
    "/\ufeff/emergency", "/\u2060/emergency", "/ \u2028 / \u2029 /emergency",
    " / / / /emergency", "/\r\n/emergency",
])
def test_known_slash_variants_cannot_force_an_intent(typed):
    cleaned = clean_message(typed, BUTTONS)
    assert not forces_an_intent(cleaned), repr(cleaned)
    assert _rasa_reads_an_intent(cleaned) is False


SEPARATORS = st.sampled_from([
    "/", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\x1f", "\x85",
    "\u00a0", "\u1680", "\u2000", "\u2007", "\u200a", "\u2028", "\u2029", "\u202f", "\u205f",
    "\u3000", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u202e", "\x00",
])


@settings(max_examples=400, deadline=None)
@given(prefix=st.lists(SEPARATORS, min_size=1, max_size=8),
       intent=st.sampled_from(["emergency", "out_of_scope", "restart", "bot_challenge",
                               'emergency{"red_flag": "crisis"}', "recovery_time"]),
       tail=st.text(max_size=20))
def test_no_generated_variant_reaches_rasa_as_an_intent(prefix, intent, tail):
    typed = "".join(prefix) + "/" + intent + tail
    cleaned = clean_message(typed, BUTTONS)
    if cleaned in BUTTONS:
        return  # exactly a button's payload, which is allowed
    assert not forces_an_intent(cleaned), repr(cleaned)
    assert _rasa_reads_an_intent(cleaned) is False


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=60))
def test_nothing_typed_reaches_rasa_as_an_intent_unless_it_is_a_button(typed):
    cleaned = clean_message(typed, BUTTONS)
    assert cleaned in BUTTONS or cleaned == EMPTY_MESSAGE or not forces_an_intent(cleaned)


def _rasa_reads_an_intent(text: str) -> bool:
    """Asks Rasa's own parser (RegexMessageHandler) whether it would set an intent."""
    message = Message(data={"text": text})
    unpacked = YAMLStoryReader.unpack_regex_message(message)
    return unpacked is not message and bool(unpacked.get("intent"))


def test_forces_an_intent_follows_rasas_prefix():
    assert INTENT_MESSAGE_PREFIX == "/"
    assert forces_an_intent(" \u2028/greet") and not forces_an_intent("greet /x")


def test_only_the_domains_own_button_payloads_may_force_an_intent():
    payloads = button_payloads()
    assert "/recovery_time" in payloads and "/contact_clinic" in payloads
    assert "/emergency" not in payloads and "/out_of_scope" not in payloads
