"""What the SMS channel says itself (knowledge/sms.yml), and a turn's reply as SMS messages."""
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Mapping, Optional

import yaml

from channels.sms.text import keyword, menu_lines, pack_messages, to_sms_text
from miss_config.knowledge import knowledge_dir, load_clinic

SMS_FILE = "sms.yml"


@dataclass(frozen=True)
class SmsConfig:
    """knowledge/sms.yml with the clinic's details filled in."""

    texts: Mapping[str, str]
    menu_line: str
    stop_words: FrozenSet[str]
    start_words: FrozenSet[str]
    start_when_opted_out: FrozenSet[str]
    help_words: FrozenSet[str]
    urgent_responses: FrozenSet[str]
    segments_per_message: int
    segments_per_reply: int

    TEXT_KEYS = ("first_message", "help", "stop_confirmation", "start_confirmation",
                 "media_only", "media_ignored", "unavailable", "rate_limited")

    @classmethod
    def load(cls, path: Optional[Path] = None,
             clinic: Optional[Mapping[str, str]] = None) -> "SmsConfig":
        path = Path(path or knowledge_dir() / SMS_FILE)
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        clinic = dict(clinic or load_clinic())
        texts = data.get("texts") or {}
        missing = [k for k in cls.TEXT_KEYS + ("menu_line",) if not str(texts.get(k) or "").strip()]
        if missing:
            raise ValueError(f"{path} is missing texts: {', '.join(missing)}")
        keywords = data.get("keywords") or {}
        limits = data.get("limits") or {}

        def words(name: str) -> FrozenSet[str]:
            return frozenset(keyword(str(w)) for w in keywords.get(name) or [])

        return cls(
            texts={k: to_sms_text(str(texts[k]).format(**clinic)) for k in cls.TEXT_KEYS},
            menu_line=str(texts["menu_line"]),
            stop_words=words("stop"),
            start_words=words("start"),
            start_when_opted_out=words("start_when_opted_out"),
            help_words=words("help"),
            urgent_responses=frozenset(data.get("urgent_responses") or []),
            segments_per_message=int(limits.get("segments_per_message", 3)),
            segments_per_reply=int(limits.get("segments_per_reply", 6)),
        )


def render_reply(bot_messages: List[Dict[str, Any]], config: SmsConfig,
                 first_in_conversation: bool = False, had_media: bool = False) -> List[str]:
    """The assistant's messages for one turn as the SMS messages to send.

    Buttons are numbered across the whole turn, in the order the assistant sent
    them, as ``offered_payloads`` numbers them when the patient answers.
    """
    urgent: List[str] = []
    parts: List[str] = []
    number = 1
    for message in bot_messages:
        text = to_sms_text(message.get("text"))
        buttons = [b for b in message.get("buttons") or [] if b.get("payload")]
        lines = menu_lines(buttons, config.menu_line, start=number)
        number += len(buttons)
        part = "\n".join([text] + lines if text else lines)
        if not part:
            continue
        (urgent if message.get("utter_action") in config.urgent_responses else parts).append(part)
    notice = [config.texts["first_message"]] if first_in_conversation else []
    media = [config.texts["media_ignored"]] if had_media else []
    return pack_messages(urgent + notice + parts + media,
                         config.segments_per_message, config.segments_per_reply)
