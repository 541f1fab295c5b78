"""What every input channel does to a patient's text before Rasa sees it.

* Rasa treats text starting with ``/`` as a hard-coded intent (``/emergency``,
  ``/faq{"x": 1}``). Only the exact payloads the assistant's own buttons offer
  may do that; any other leading slash is removed.
* Control characters become spaces; empty text becomes ``/empty_message`` and
  text over the length limit ``/message_too_long``, so that the patient gets a
  polite reply from the domain and the turn is kept in the conversation.
"""
import os
import re
import unicodedata
from functools import lru_cache
from pathlib import Path
from typing import Any, FrozenSet, Optional

import yaml

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_MAX_CHARS = 1000

EMPTY_MESSAGE = "/empty_message"
MESSAGE_TOO_LONG = "/message_too_long"

# C0/C1 controls except tab and newline, plus zero-width and bidi format marks.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2060-\u2064\ufeff]")


def max_message_chars() -> int:
    try:
        return max(1, int(os.environ.get("MISS_MAX_MESSAGE_CHARS", DEFAULT_MAX_CHARS)))
    except ValueError:
        return DEFAULT_MAX_CHARS


@lru_cache(maxsize=1)
def button_payloads(domain_path: Optional[Path] = None) -> FrozenSet[str]:
    """Every payload that a button in the domain offers the patient."""
    domain = yaml.safe_load((domain_path or PROJECT_ROOT / "domain.yml").read_text("utf-8"))
    payloads = {
        button["payload"]
        for variations in (domain.get("responses") or {}).values()
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
    if len(text) > max_message_chars():
        return MESSAGE_TOO_LONG
    text = text.lstrip("/").strip()
    return text or EMPTY_MESSAGE
