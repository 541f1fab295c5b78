"""A patient's turns as the report reads them from the stored events: the message,
its replies, its red flags, whether it went unanswered.

Most messages need only be counted: their stored JSON is read only when it must be
(a red flag, a button, a low confidence), or later if the message turns out to be
needed (:func:`text_of`)."""
import re
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from assistant.report.labels import (
    CANNOT_ANSWER_RESPONSE, DECLINED, EMERGENCY_INTENT, FALLBACK_INTENT, FEEDBACK_KEY, FELL_BACK,
    LOW_CONFIDENCE, NOT_COVERED, NOT_QUESTIONS, OUT_OF_SCOPE_INTENT, RED_FLAG_ENTITY,
    RED_FLAG_MENTION_ENTITY, topics)

try:  # ujson comes with Rasa and reads the events' JSON about twice as fast
    from ujson import loads as _loads
except ImportError:  # pragma: no cover
    from json import loads as _loads

DEFAULT_LOW_CONFIDENCE = 0.5
RECENT_ANSWERS = 12                # answers kept per patient for later feedback

UTTER_ACTION = re.compile(r'"utter_action":\s*"([^"\\]+)"')
# Counted, never shown: their JSON is not read (unless a red flag is in it).
_ONLY_COUNTED = frozenset({"greet", "goodbye", "thank", "bot_challenge", "contact_clinic",
                           "empty_message", "message_too_long"})
_RED_FLAG_IN_JSON = '"red_flag'
_BUTTON_IN_JSON = '"text": "/'   # a button's payload (or, rarely, other text: read then)
# The message's intent as Rasa stores it: "parse_data": {"intent": {"name": ..., "confidence": C}
_INTENT_CONFIDENCE = re.compile(
    r'"parse_data":\s*\{"intent":\s*\{"name":\s*"[^"\\]*",\s*"confidence":\s*([-+0-9.eE]+)\}')


@dataclass
class FlagStats:
    """One red-flag kind (or the after-surgery concern)."""
    messages: int = 0
    conversations: Set[int] = field(default_factory=set)
    first: int = 0          # the advice was the first reply
    immediate: int = 0      # ... and came within immediate_seconds
    no_advice: int = 0
    seconds: List[float] = field(default_factory=list)


@dataclass
class FlagEvent:
    day: str
    kind: str
    channel: str
    seconds: Optional[float]
    first: bool
    immediate: bool


class Turn:
    """A patient's message and the replies to it.

    Most messages need only be counted: then ``raw`` keeps the stored JSON unread,
    and ``text`` and ``topic`` are read from it only if the message turns out to
    be needed (:func:`text_of`)."""
    __slots__ = ("ts", "text", "intent", "confidence", "kinds", "mentions", "topic",
                 "channel", "conversation", "replies", "is_button", "raw")

    def __init__(self, ts: float, text: Optional[str], intent: str, confidence: float,
                 kinds: Sequence[str], mentions: Sequence[str], topic: Any, channel: str,
                 conversation: int, raw: Optional[str] = None) -> None:
        # ``topic``: the classifier's intent ranking until topic_of reads it.
        self.ts, self.text, self.intent, self.confidence = ts, text, intent, confidence
        self.kinds, self.mentions, self.topic = kinds, mentions, topic
        self.channel, self.conversation = channel, conversation
        self.replies: List[Tuple[str, float]] = []
        self.is_button = bool(text) and text.startswith("/")
        self.raw = raw


class Patient:
    __slots__ = ("channel", "conversation", "turn", "last_ts", "answers", "feedback")

    def __init__(self, channel: str) -> None:
        self.channel = channel
        self.conversation: Optional[int] = None
        self.turn: Optional[Turn] = None
        self.last_ts = 0.0
        self.answers: Deque[Tuple[float, str, Optional[Turn]]] = deque(maxlen=RECENT_ANSWERS)
        self.feedback: Dict[Any, Tuple[str, bool, Optional[Turn]]] = {}


def unanswered_reason(turn: Turn, low_confidence: float = DEFAULT_LOW_CONFIDENCE,
                      topic_intents: Optional[Iterable[str]] = None) -> Optional[str]:
    """Why a patient's message counts as unanswered, or None."""
    if turn.is_button or turn.intent in NOT_QUESTIONS or turn.kinds:
        return None
    replies = {utter for utter, _ in turn.replies}
    if CANNOT_ANSWER_RESPONSE in replies:
        return NOT_COVERED if turn.intent == FALLBACK_INTENT else DECLINED
    if any("not_covered" in utter for utter in replies):
        return NOT_COVERED
    if turn.intent == OUT_OF_SCOPE_INTENT:
        return DECLINED
    if turn.intent == FALLBACK_INTENT:
        return FELL_BACK
    if turn.intent in (topic_intents if topic_intents is not None else topics()) \
            and turn.confidence < low_confidence:
        return LOW_CONFIDENCE
    return None


_days: Dict[int, str] = {}


def local_day(ts: float) -> str:
    """The local date of a time stamp, worked out once per quarter of an hour (every time
    zone's offset is a multiple of it)."""
    quarter = int(ts // 900)
    day = _days.get(quarter)
    if day is None:
        day = _days[quarter] = datetime.fromtimestamp(quarter * 900).date().isoformat()
    return day




def read_user_event(data: Optional[str], intent_name: Optional[str],
                    topic_intents: frozenset, low_confidence: float
                    ) -> Tuple[Optional[str], Dict[str, Any], float]:
    """(The JSON left unread or None, the event as read, the intent's confidence).

    A greeting, or a topic's question answered with confidence (not a button, no
    red flag), is only counted: its JSON is read later if at all (text_of)."""
    event: Dict[str, Any] = {}
    unread = None
    confidence = 0.0
    if data and _RED_FLAG_IN_JSON not in data and (
            intent_name in _ONLY_COUNTED or (
                intent_name in topic_intents and _BUTTON_IN_JSON not in data)):
        match = _INTENT_CONFIDENCE.search(data)
        if match:
            try:
                confidence = float(match.group(1))
            except ValueError:
                confidence = -1.0
            if intent_name in _ONLY_COUNTED or confidence >= low_confidence:
                unread = data
    if unread is None:
        try:
            event = _loads(data or "{}")
        except ValueError:
            event = {}
    return unread, event, confidence


def turn_of(ts: float, intent_name: Optional[str], unread: Optional[str],
            event: Dict[str, Any], confidence: float, channel: str,
            conversation: int) -> Turn:
    """The patient's message as a turn, from read_user_event's reading."""
    if unread is not None:
        return Turn(ts, None, intent_name or "", confidence, (), (), None, channel,
                    conversation, unread)
    parse = event.get("parse_data") or {}
    intent = parse.get("intent") or {}
    name = (intent.get("name") if intent else None) or intent_name or ""
    try:
        confidence = float(intent.get("confidence") or 0.0)
    except (TypeError, ValueError):
        confidence = 0.0
    kinds: List[str] = []
    mentions: List[str] = []
    for entity in parse.get("entities") or ():
        if not isinstance(entity, dict):  # (most messages have none)
            continue
        value = str(entity.get("value") or "unspecified")
        if entity.get("entity") == RED_FLAG_ENTITY and value not in kinds:
            kinds.append(value)
        elif entity.get("entity") == RED_FLAG_MENTION_ENTITY and value not in mentions:
            mentions.append(value)
    if name == EMERGENCY_INTENT and not kinds:
        kinds.append("unspecified")
    text = event.get("text") or ""
    # The nearest topic is worked out only for the messages that need it (topic_of).
    return Turn(ts, text if isinstance(text, str) else str(text), name, confidence,
                kinds, mentions, parse.get("intent_ranking"), channel, conversation)


def text_of(turn: Turn) -> str:
    """The text of the message (reading its JSON if that was put off)."""
    if turn.raw is not None:
        try:
            event = _loads(turn.raw)
        except ValueError:
            event = {}
        text = event.get("text") or ""
        turn.text = text if isinstance(text, str) else str(text)
        turn.topic = (event.get("parse_data") or {}).get("intent_ranking")
        turn.raw = None
    return turn.text or ""


def topic_of(turn: Turn, topic_intents: frozenset) -> Optional[Tuple[str, float]]:
    """The topic the classifier ranked highest for this message, with its score."""
    text_of(turn)
    ranking = turn.topic
    if ranking is None or isinstance(ranking, tuple):
        return ranking
    topic = None
    for ranked in ranking if isinstance(ranking, list) else ():
        if isinstance(ranked, dict) and ranked.get("name") in topic_intents:
            try:
                score = float(ranked.get("confidence") or 0.0)
            except (TypeError, ValueError):
                continue
            if topic is None or score > topic[1]:
                topic = (ranked["name"], score)
    turn.topic = topic
    return topic


def feedback_of(data: Optional[str]) -> Optional[Dict[str, Any]]:
    """The widget's feedback an ``agent`` event holds (channels/rest.py), or None."""
    try:
        event = _loads(data or "{}")
    except ValueError:
        return None
    feedback = (event.get("data") or {}).get(FEEDBACK_KEY) \
        if isinstance(event.get("data"), dict) else None
    if not isinstance(feedback, dict) or not isinstance(feedback.get("helpful"), bool):
        return None
    return feedback
