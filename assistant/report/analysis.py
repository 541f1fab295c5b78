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
  ``out_of_scope``), that the guide does not cover or the classifier could not
  place (a response whose name holds ``not_covered``, or intent ``nlu_fallback``
  then ``utter_cannot_answer``: "not covered"), that fell back to an article
  passage (intent ``nlu_fallback`` without a decline: only in conversations stored
  before the article search was removed), or that got a topic's answer with the
  classifier's confidence below ``low_confidence``.
* *feedback* is the widget's "Was this helpful?" (channels/rest.py stores it as
  an ``agent`` event whose data holds ``feedback``); the last choice for an
  answer counts.

The words (channels, topics, kinds, reasons) are in labels.py, the turns as read
from the events in turns.py, the phrasings and their groups in phrases.py.

Every text kept is redacted first (assistant/log_redaction.py: phone numbers,
e-mail addresses, dates); conversation ids are never kept past the stream.
"""
import time
from collections import Counter
from datetime import date, datetime
from typing import Any, Dict, Iterable, List, Optional, Sequence, Set

from assistant.report.labels import (
    AFTER_SURGERY, AFTER_SURGERY_INTENT, AFTER_SURGERY_RESPONSE, CHANNELS, EMERGENCY_RESPONSE,
    channel_of, kind_order, topics)
from assistant.report.phrases import MIN_CONVERSATIONS_FOR_EXAMPLES, Group, Phrases, group_phrases
from assistant.report.turns import (
    DEFAULT_LOW_CONFIDENCE, UTTER_ACTION, FlagEvent, FlagStats, Patient, Turn, feedback_of,
    local_day, read_user_event, text_of, topic_of, turn_of, unanswered_reason)

DEFAULT_IMMEDIATE_SECONDS = 2.0
IDLE_SECONDS = 2 * 60 * 60         # a patient this long quiet (stream time) is closed
EVICT_EVERY_ROWS = 20_000


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
            match = UTTER_ACTION.search(data or "")
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
        unread, event, confidence = read_user_event(data, intent_name, self.topic_intents,
                                                    self.low_confidence)
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
        patient.turn = turn_of(ts, intent_name, unread, event, confidence, channel,
                               patient.conversation)

    def _agent(self, sender: str, patient: Optional[Patient], ts: float,
               data: Optional[str]) -> None:
        feedback = feedback_of(data)
        if feedback is None:
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
            self.unanswered.add(text_of(turn), turn.conversation, reason,
                                topic_of(turn, self.topic_intents))

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
                self.unhelpful.add(text_of(turn), turn.conversation, None,
                                   topic_of(turn, self.topic_intents))
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
