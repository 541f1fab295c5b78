"""The report's numbers, read from the conversation store in one pass.

Rows of Rasa's ``events`` table come in as a stream, in the order they were
stored (``store.stream_events``), conversations interleaved. Each patient
(``sender_id``) has a small state: the turn under way (the patient's message and
the replies that follow it) and the last few answers, for the feedback that may
come later. A turn is counted when the patient's next message, a new session or
the end of the stream closes it; a patient quiet for two hours of stream time
is closed and forgotten (only the id stays, to count patients once), so memory
grows with the patients and the distinct unanswered phrasings, never with the
events.

What counts as what (README: "Report for the clinic"):

* a *conversation* is a Rasa session (a new one after 60 minutes of silence) with
  at least one patient message in the period; a *patient* is a conversation id
  (a widget tab, a phone number, a shell); *messages* are the patients' messages.
* the channel comes from the conversation id: ``web-`` the widget
  (widget/miss-widget.js), ``sms-`` SMS (channels/sms/), ``shell-`` the
  terminal (assistant/shell.py), anything else the REST API.
* a *red flag* is a ``red_flag`` entity of a patient's message (one per kind);
  its advice is ``utter_emergency``, an after-surgery concern's (intent
  ``after_surgery_concern``) is ``utter_after_surgery``. The advice is
  *immediate* when it is the first reply to that message and was stored within
  ``immediate_seconds`` of it.
* an *unanswered* message is a patient's typed question (not a button, not a
  greeting, not a red flag) that was declined (``utter_cannot_answer`` or intent
  ``out_of_scope``), that the article search found nothing for (intent
  ``nlu_fallback`` then ``utter_cannot_answer``, or a response whose name holds
  ``not_covered``: "not covered"), that fell back to an article passage (intent
  ``nlu_fallback``), or that got a topic's answer with the classifier's
  confidence below ``low_confidence``.
* *feedback* is the widget's "Was this helpful?" (channels/rest.py stores it as
  an ``agent`` event whose data holds ``feedback``); the last choice for an
  answer counts.

Every text kept is redacted first (assistant/log_redaction.py: phone numbers,
e-mail addresses, dates); conversation ids are never kept past the stream.
"""
import re
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Deque, Dict, Iterable, List, Optional, Sequence, Set, Tuple

from assistant.log_redaction import redact

try:  # ujson comes with Rasa and reads the events' JSON about twice as fast
    from ujson import loads as _loads
except ImportError:  # pragma: no cover
    from json import loads as _loads

PROJECT_ROOT = Path(__file__).resolve().parent.parent.parent

WIDGET, SMS, SHELL, REST_API = "Widget", "SMS", "Shell", "REST API"
CHANNELS = (WIDGET, SMS, SHELL, REST_API)
WIDGET_PREFIX = "web-"     # widget/miss-widget.js: newSender()
SMS_PREFIX = "sms-"        # channels/sms/numbers.py: conversation_key()
SHELL_PREFIX = "shell-"    # assistant/shell.py and the launcher's `make shell`

DECLINED, NOT_COVERED, FELL_BACK, LOW_CONFIDENCE = (
    "declined", "not covered", "fell back", "low confidence")
REASONS = (DECLINED, NOT_COVERED, FELL_BACK, LOW_CONFIDENCE)

EMERGENCY_INTENT, AFTER_SURGERY_INTENT = "emergency", "after_surgery_concern"
FALLBACK_INTENT, OUT_OF_SCOPE_INTENT = "nlu_fallback", "out_of_scope"
EMERGENCY_RESPONSE, AFTER_SURGERY_RESPONSE = "utter_emergency", "utter_after_surgery"
CANNOT_ANSWER_RESPONSE = "utter_cannot_answer"
RED_FLAG_ENTITY, RED_FLAG_MENTION_ENTITY = "red_flag", "red_flag_mention"
AFTER_SURGERY = "after_surgery"   # the after-surgery concern, counted beside the red flags
# Messages that are not questions about the guide: never "unanswered".
NOT_QUESTIONS = frozenset({"greet", "goodbye", "thank", "bot_challenge", "contact_clinic",
                           "empty_message", "message_too_long", EMERGENCY_INTENT,
                           AFTER_SURGERY_INTENT})
FEEDBACK_KEY = "feedback"          # channels/rest.py: AgentUttered(data={"feedback": ...})

DEFAULT_LOW_CONFIDENCE = 0.5
DEFAULT_IMMEDIATE_SECONDS = 2.0
MIN_CONVERSATIONS_FOR_EXAMPLES = 3
EXAMPLES_PER_GROUP = 3
MAX_PHRASE_CHARS = 300
IDLE_SECONDS = 2 * 60 * 60         # a patient this long quiet (stream time) is closed
EVICT_EVERY_ROWS = 20_000
RECENT_ANSWERS = 12                # answers kept per patient for later feedback

_UTTER_ACTION = re.compile(r'"utter_action":\s*"([^"\\]+)"')
# Counted, never shown: their JSON is not read (unless a red flag is in it).
_ONLY_COUNTED = frozenset({"greet", "goodbye", "thank", "bot_challenge", "contact_clinic",
                           "empty_message", "message_too_long"})
_RED_FLAG_IN_JSON = '"red_flag'
_BUTTON_IN_JSON = '"text": "/'   # a button's payload (or, rarely, other text: read then)
# The message's intent as Rasa stores it: "parse_data": {"intent": {"name": ..., "confidence": C}
_INTENT_CONFIDENCE = re.compile(
    r'"parse_data":\s*\{"intent":\s*\{"name":\s*"[^"\\]*",\s*"confidence":\s*([-+0-9.eE]+)\}')
# Only a text with a digit or an @ can hold what redact() replaces.
_MAY_HOLD_DETAILS = re.compile(r"[0-9@]")


# --- what the domain calls what -----------------------------------------------

@lru_cache(maxsize=1)
def topics() -> Tuple[str, ...]:
    """The topic intents: each answered by the ``utter_<topic>`` that rests on the
    article (knowledge/sources.yml), in the domain's order."""
    import yaml

    sources = yaml.safe_load((PROJECT_ROOT / "knowledge" / "sources.yml")
                             .read_text("utf-8")) or {}
    return tuple(name[len("utter_"):] for name in sources if name.startswith("utter_"))


TOPIC_LABELS = {"what_is_miss": "What is MISS", "incisions_scarring": "Incisions and scars",
                "effectiveness_outcomes": "Outcomes", "risks_complications": "Risks",
                "conditions_treated": "Conditions treated", "candidacy": "Am I a candidate"}


def topic_label(intent: Optional[str]) -> str:
    if not intent:
        return ""
    return TOPIC_LABELS.get(intent) or intent.replace("_", " ").capitalize()


@lru_cache(maxsize=1)
def red_flag_kinds() -> Dict[str, Tuple[int, str]]:
    """Each red-flag kind of knowledge/red_flags.yml: (priority, short label)."""
    import yaml

    try:
        data = yaml.safe_load((PROJECT_ROOT / "knowledge" / "red_flags.yml")
                              .read_text("utf-8")) or {}
    except OSError:
        data = {}
    kinds = {}
    for name, spec in (data.get("kinds") or {}).items():
        spec = spec or {}
        kinds[name] = (int(spec.get("priority", 99)),
                       str(spec.get("short_label") or spec.get("label") or name))
    kinds.setdefault("unspecified", (99, "unspecified"))
    return kinds


def kind_label(kind: str) -> str:
    if kind == AFTER_SURGERY:
        return "after-surgery concern"
    return red_flag_kinds().get(kind, (0, kind.replace("_", " ")))[1]


def kind_order(kind: str) -> Tuple[int, str]:
    return (red_flag_kinds().get(kind, (100, ""))[0], kind)


def channel_of(sender: str, input_channel: Optional[str] = None) -> str:
    if sender.startswith(SMS_PREFIX) or input_channel == "twilio_sms":
        return SMS
    if sender.startswith(WIDGET_PREFIX):
        return WIDGET
    if sender.startswith(SHELL_PREFIX):
        return SHELL
    return REST_API


# --- phrasings -------------------------------------------------------------------

def shown_text(text: str) -> str:
    """A patient's text as the report may show it: redacted, on one line, not too long."""
    text = text or ""
    shown = " ".join((redact(text) if _MAY_HOLD_DETAILS.search(text) else text).split())
    return shown if len(shown) <= MAX_PHRASE_CHARS else shown[:MAX_PHRASE_CHARS - 1] + "…"


def phrase_key(shown: str) -> str:
    return " ".join(re.sub(r"[^\w\[\]']+", " ", shown.lower()).split())


@dataclass
class Phrase:
    text: str
    count: int = 0
    conversations: Set[int] = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)


class Phrases(dict):
    """Distinct phrasings (redacted), with how often and in how many conversations."""

    def __init__(self) -> None:
        super().__init__()
        self._texts: Dict[str, Tuple[str, str]] = {}

    def add(self, text: str, conversation: int, reason: Optional[str] = None,
            topic: Optional[Tuple[str, float]] = None) -> None:
        known = self._texts.get(text)
        if known is None:
            shown = shown_text(text)
            known = (shown, phrase_key(shown))
            if len(self._texts) < 200_000:   # the same words come back often
                self._texts[text] = known
        shown, key = known
        if not key:
            return
        phrase = self.get(key)
        if phrase is None:
            phrase = self[key] = Phrase(shown)
        phrase.count += 1
        phrase.conversations.add(conversation)
        if reason:
            phrase.reasons[reason] += 1
        if topic:
            phrase.topics[topic[0]] += topic[1]


@dataclass
class Group:
    """The same question asked in different words."""
    messages: int
    conversations: int
    phrasings: int
    reasons: Counter
    nearest_topic: str
    examples: List[str]      # empty unless asked in enough conversations


def group_phrases(phrases: Phrases, min_conversations: int = MIN_CONVERSATIONS_FOR_EXAMPLES,
                  threshold: Optional[float] = None, lemmatizer: Any = None) -> List[Group]:
    """Groups of the same question, largest first, each with its count, nearest
    topic and (when asked in at least ``min_conversations`` conversations) up to
    three phrasings."""
    from assistant.report import grouping

    items = list(phrases.values())
    if not items:
        return []
    kwargs = {"threshold": threshold} if threshold is not None else {}
    indexes = grouping.group([p.text for p in items], [len(p.conversations) for p in items],
                             lemmatizer=lemmatizer, **kwargs)
    groups = []
    for members in indexes:
        chosen = [items[i] for i in members]
        conversations: Set[int] = set()
        reasons: Counter = Counter()
        scores: Counter = Counter()
        for phrase in chosen:
            conversations |= phrase.conversations
            reasons.update(phrase.reasons)
            scores.update(phrase.topics)
        nearest = max(sorted(scores), key=lambda t: scores[t]) if scores else ""
        examples: List[str] = []
        if len(conversations) >= min_conversations:
            ranked = sorted(chosen, key=lambda p: (-len(p.conversations), -p.count,
                                                   len(p.text), p.text))
            examples = [p.text for p in ranked[:EXAMPLES_PER_GROUP]]
        groups.append(Group(sum(p.count for p in chosen), len(conversations), len(chosen),
                            reasons, nearest, examples))
    groups.sort(key=lambda g: (-g.messages, -g.conversations, g.nearest_topic,
                               g.examples[:1]))
    return groups


# --- the stream ------------------------------------------------------------------

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
    be needed (``Analysis._read``)."""
    __slots__ = ("ts", "text", "intent", "confidence", "kinds", "mentions", "topic",
                 "channel", "conversation", "replies", "is_button", "raw")

    def __init__(self, ts: float, text: Optional[str], intent: str, confidence: float,
                 kinds: Sequence[str], mentions: Sequence[str], topic: Any, channel: str,
                 conversation: int, raw: Optional[str] = None) -> None:
        # ``topic``: the classifier's intent ranking until Analysis._topic reads it.
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


class Analysis:
    """Feed it the event rows (``feed``), then ``finish()``; the numbers are its attributes."""

    def __init__(self, since: float, until: float,
                 low_confidence: float = DEFAULT_LOW_CONFIDENCE,
                 immediate_seconds: float = DEFAULT_IMMEDIATE_SECONDS) -> None:
        self.since, self.until = since, until
        self.low_confidence = low_confidence
        self.immediate_seconds = immediate_seconds
        self.topic_intents = frozenset(topics())
        self.rows = 0
        self._active: Dict[str, Patient] = {}
        self._seen: Set[str] = set()
        self._clock = 0.0
        self._next_conversation = 0
        self.patients = 0
        self.patients_by_channel: Counter = Counter()
        self.conversations = 0
        self.conversations_by_channel: Counter = Counter()
        self.conversations_by_day: Counter = Counter()     # (day, channel)
        self.messages = 0
        self.messages_by_channel: Counter = Counter()
        self.messages_by_day: Counter = Counter()          # (day, channel)
        self.topics: Counter = Counter()
        self.topics_by_button: Counter = Counter()
        self.answers: Counter = Counter()                  # utter_action -> times given
        self.flags: Dict[str, FlagStats] = {}
        self.flag_events: List[FlagEvent] = []
        self.mentions: Counter = Counter()
        self.unanswered = Phrases()
        self.unanswered_messages = 0
        self.unanswered_by_reason: Counter = Counter()
        self.feedback: Counter = Counter()                 # (utter_action, helpful)
        self.unhelpful = Phrases()
        self.finished = False

    # -- rows ------------------------------------------------------------------
    def feed_all(self, rows: Iterable[Sequence[Any]]) -> "Analysis":
        import gc

        feed = self.feed
        # Nothing read here makes reference cycles: the cycle collector would only
        # walk the growing counters again and again.
        enabled = gc.isenabled()
        gc.disable()
        try:
            for sender, type_name, ts, intent_name, data in rows:
                feed(sender, type_name, ts, intent_name, data)
        finally:
            if enabled:
                gc.enable()
        return self.finish()

    def feed(self, sender: str, type_name: str, ts: Optional[float], intent_name: Optional[str],
             data: Optional[str]) -> None:
        self.rows += 1
        ts = float(ts or 0.0)
        if ts > self._clock:
            self._clock = ts
        if self.rows % EVICT_EVERY_ROWS == 0:
            self._evict_idle()
        patient = self._active.get(sender)
        if type_name == "user":
            self._user(sender, patient, ts, intent_name, data)
        elif type_name == "bot":
            match = _UTTER_ACTION.search(data or "")
            utter = match.group(1) if match else "(no response name)"
            self.answers[utter] += 1
            if patient is not None:
                patient.last_ts = ts
                if patient.turn is not None:
                    patient.turn.replies.append((utter, ts))
                patient.answers.append((ts, utter, patient.turn))
        elif type_name == "session_started":
            if patient is not None:
                self._close_turn(patient)
                patient.conversation = None
        elif type_name == "agent":
            self._agent(sender, patient, ts, data)

    def _user(self, sender: str, patient: Optional[Patient], ts: float,
              intent_name: Optional[str], data: Optional[str]) -> None:
        # A greeting, or a topic's question answered with confidence (not a button, no
        # red flag), is only counted: its JSON is read later if at all (_read).
        event: Dict[str, Any] = {}
        unread = None
        confidence = 0.0
        if data and _RED_FLAG_IN_JSON not in data and (
                intent_name in _ONLY_COUNTED or (
                    intent_name in self.topic_intents and _BUTTON_IN_JSON not in data)):
            match = _INTENT_CONFIDENCE.search(data)
            if match:
                try:
                    confidence = float(match.group(1))
                except ValueError:
                    confidence = -1.0
                if intent_name in _ONLY_COUNTED or confidence >= self.low_confidence:
                    unread = data
        if unread is None:
            try:
                event = _loads(data or "{}")
            except ValueError:
                event = {}
        parse = event.get("parse_data") or {}
        if patient is None:
            patient = self._active[sender] = Patient(channel_of(sender, event.get("input_channel")))
        if sender not in self._seen:
            self._seen.add(sender)
            self.patients += 1
            self.patients_by_channel[patient.channel] += 1
        self._close_turn(patient)
        patient.last_ts = ts
        channel = patient.channel
        day = local_day(ts)
        if patient.conversation is None:
            patient.conversation = self._next_conversation
            self._next_conversation += 1
            self.conversations += 1
            self.conversations_by_channel[channel] += 1
            self.conversations_by_day[(day, channel)] += 1
        self.messages += 1
        self.messages_by_channel[channel] += 1
        self.messages_by_day[(day, channel)] += 1

        if unread is not None:
            patient.turn = Turn(ts, None, intent_name or "", confidence, (), (), None, channel,
                                patient.conversation, unread)
            return
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
        # The nearest topic is worked out only for the messages that need it (_topic).
        patient.turn = Turn(ts, text if isinstance(text, str) else str(text), name, confidence,
                            kinds, mentions, parse.get("intent_ranking"), channel,
                            patient.conversation)

    @staticmethod
    def _read(turn: Turn) -> str:
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

    def _topic(self, turn: Turn) -> Optional[Tuple[str, float]]:
        """The topic the classifier ranked highest for this message, with its score."""
        self._read(turn)
        ranking = turn.topic
        if ranking is None or isinstance(ranking, tuple):
            return ranking
        topic = None
        for ranked in ranking if isinstance(ranking, list) else ():
            if isinstance(ranked, dict) and ranked.get("name") in self.topic_intents:
                try:
                    score = float(ranked.get("confidence") or 0.0)
                except (TypeError, ValueError):
                    continue
                if topic is None or score > topic[1]:
                    topic = (ranked["name"], score)
        turn.topic = topic
        return topic

    def _agent(self, sender: str, patient: Optional[Patient], ts: float,
               data: Optional[str]) -> None:
        try:
            event = _loads(data or "{}")
        except ValueError:
            return
        feedback = (event.get("data") or {}).get(FEEDBACK_KEY) \
            if isinstance(event.get("data"), dict) else None
        if not isinstance(feedback, dict) or not isinstance(feedback.get("helpful"), bool):
            return
        utter = str(feedback.get("utter_action") or "(unknown answer)")
        answer_at = feedback.get("answer_at")
        if patient is None:
            patient = self._active[sender] = Patient(channel_of(sender))
        patient.last_ts = max(patient.last_ts, ts)
        turn = None
        key: Any = utter
        if isinstance(answer_at, (int, float)):
            key = round(float(answer_at), 3)
            for at, answered, answered_turn in patient.answers:
                if abs(at - float(answer_at)) < 1e-3 and answered == utter:
                    turn = answered_turn
                    break
        patient.feedback[key] = (utter, feedback["helpful"], turn)

    # -- turns -----------------------------------------------------------------
    def _close_turn(self, patient: Patient) -> None:
        turn = patient.turn
        if turn is None:
            return
        patient.turn = None
        if turn.intent in self.topic_intents:
            self.topics[turn.intent] += 1
            if turn.is_button:
                self.topics_by_button[turn.intent] += 1
        for kind in turn.mentions:
            self.mentions[kind] += 1
        for kind in turn.kinds:
            self._flag(turn, kind, EMERGENCY_RESPONSE)
        if not turn.kinds and turn.intent == AFTER_SURGERY_INTENT:
            self._flag(turn, AFTER_SURGERY, AFTER_SURGERY_RESPONSE)
        reason = unanswered_reason(turn, self.low_confidence, self.topic_intents)
        if reason:
            self.unanswered_messages += 1
            self.unanswered_by_reason[reason] += 1
            self.unanswered.add(self._read(turn), turn.conversation, reason,
                                self._topic(turn))

    def _flag(self, turn: Turn, kind: str, advice: str) -> None:
        stats = self.flags.setdefault(kind, FlagStats())
        stats.messages += 1
        stats.conversations.add(turn.conversation)
        advised = [ts for utter, ts in turn.replies if utter == advice]
        seconds = max(0.0, advised[0] - turn.ts) if advised else None
        first = bool(turn.replies) and turn.replies[0][0] == advice
        immediate = first and seconds is not None and seconds <= self.immediate_seconds
        stats.first += first
        stats.immediate += immediate
        if seconds is None:
            stats.no_advice += 1
        else:
            stats.seconds.append(seconds)
        self.flag_events.append(FlagEvent(local_day(turn.ts), kind, turn.channel, seconds,
                                          first, immediate))

    def _close_patient(self, patient: Patient) -> None:
        self._close_turn(patient)
        for utter, helpful, turn in patient.feedback.values():
            self.feedback[(utter, helpful)] += 1
            if not helpful and turn is not None and not turn.is_button:
                self.unhelpful.add(self._read(turn), turn.conversation, None,
                                   self._topic(turn))
        patient.feedback.clear()

    def _evict_idle(self) -> None:
        cutoff = self._clock - IDLE_SECONDS
        idle = [sender for sender, p in self._active.items() if p.last_ts < cutoff]
        for sender in idle:
            self._close_patient(self._active.pop(sender))

    def finish(self) -> "Analysis":
        if not self.finished:
            for patient in self._active.values():
                self._close_patient(patient)
            self._active.clear()
            self._seen.clear()
            self.finished = True
        return self

    # -- results ---------------------------------------------------------------
    def days(self) -> List[str]:
        """Every day of the period that had a conversation, in order."""
        return sorted({day for day, _ in self.messages_by_day})

    def channels(self) -> List[str]:
        used = set(self.messages_by_channel)
        return [c for c in CHANNELS if c in used] + sorted(used - set(CHANNELS))

    def flag_kinds(self) -> List[str]:
        return sorted((k for k in self.flags if k != AFTER_SURGERY), key=kind_order)

    def unanswered_groups(self, min_conversations: int = MIN_CONVERSATIONS_FOR_EXAMPLES
                          ) -> List[Group]:
        return group_phrases(self.unanswered, min_conversations)

    def unhelpful_groups(self, min_conversations: int = MIN_CONVERSATIONS_FOR_EXAMPLES
                         ) -> List[Group]:
        return group_phrases(self.unhelpful, min_conversations)


def median(values: Sequence[float]) -> Optional[float]:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def period_days(since: float, until: float) -> List[date]:
    """Each local day from since to until (for plots that show quiet days too)."""
    first = datetime.fromtimestamp(since).date()
    last = datetime.fromtimestamp(max(since, until - 1e-6)).date()
    days = max(0, (last - first).days)
    if days > 400:  # a period of years: only the days with conversations
        return []
    from datetime import timedelta

    return [first + timedelta(days=n) for n in range(days + 1)]


def now() -> float:
    return time.time()


__all__ = ["Analysis", "Group", "Phrases", "group_phrases", "unanswered_reason", "topics",
           "topic_label", "kind_label", "channel_of", "median", "REASONS", "CHANNELS"]
