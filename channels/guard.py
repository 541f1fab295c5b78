"""What every input channel does to a patient's text before Rasa sees it.

* Rasa reads a message as a hard-coded intent (``/emergency``, ``/faq{"x": 1}``) when
  its text, stripped the way Rasa strips it, starts with ``/``: that would skip the
  understanding and the red-flag check. Only the exact payloads of the assistant's
  own buttons may do that; from any other text, leading slashes and whatever Rasa
  would strip around them are removed until Rasa would no longer see an intent
  (:func:`forces_an_intent` asks Rasa's own prefix test).
* Control characters and zero-width or bidi marks become spaces; empty text becomes
  ``/empty_message``, so that the patient gets a polite reply from the domain and the
  turn is kept in the conversation.
* Long text is passed on whole: the red-flag check reads all of it first, and only
  then is the patient asked to shorten it (miss_nlp.components.Triage).
"""
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Optional

from rasa.shared.constants import INTENT_MESSAGE_PREFIX

from miss_config.knowledge import domain_responses
from miss_config.paths import DOMAIN_FILE

EMPTY_MESSAGE = "/empty_message"

# C0/C1 controls except tab and newline, plus zero-width and bidi format marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def forces_an_intent(text: str) -> bool:
    """True when Rasa would read ``text`` as ``/intent``: it strips the text
    (``UserMessage``, ``YAMLStoryReader.unpack_regex_message``) and looks at the prefix."""
    return text.strip().startswith(INTENT_MESSAGE_PREFIX)


@lru_cache(maxsize=1)
def button_payloads(domain_path: Optional[Path] = None) -> FrozenSet[str]:
    """Every payload that a button in the domain offers the patient."""
    payloads = {
        button["payload"]
        for variations in domain_responses(domain_path or DOMAIN_FILE).values()
        for variation in variations
        for button in variation.get("buttons") or []
    }
    return frozenset(payloads)


def clean_message(text: Any, allowed_payloads: Optional[FrozenSet[str]] = None) -> str:
    if not isinstance(text, str):
        return EMPTY_MESSAGE
    allowed = button_payloads() if allowed_payloads is None else allowed_payloads
    text = _CONTROL.sub(" ", unicodedata.normalize("NFC", text)).strip()
    if text in allowed:
        return text
    while forces_an_intent(text):
        text = text.strip()[len(INTENT_MESSAGE_PREFIX):]
    text = text.strip()
    return text or EMPTY_MESSAGE
