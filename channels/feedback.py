"""The widget's "Was this helpful?", stored in its conversation.

``POST /webhooks/rest/feedback`` (channels/rest.py) takes
``{"sender": "...", "answer": "<the answer's text>", "helpful": true}`` (or
``"utter_action": "utter_pain"`` instead of ``answer``: that response's latest
answer). It is stored in the conversation as an ``agent`` event whose data is
``{"feedback": {"helpful", "utter_action", "answer_at"}}``; Rasa's policies
never read such an event (it is not an action or a message, and sets nothing),
so the dialogue goes on as if it were not there. Malformed bodies get 400, an
unknown conversation 404, an answer that conversation never got 400 (as does
emergency advice, which asks for no feedback); the report reads them
(assistant/report).
"""
import logging
import re
from typing import Any, Dict, Optional, Tuple

from channels.door import sender_problem

logger = logging.getLogger(__name__)

FEEDBACK_KEY = "feedback"
FEEDBACK_FIELDS = frozenset({"sender", "answer", "utter_action", "helpful"})
MAX_SENDER_CHARS = 128
MAX_ANSWER_CHARS = 5000
_UTTER_ACTION = re.compile(r"^utter_[a-z0-9_]{1,100}$")
URGENT_TRIAGE = "acute"


def parse_feedback(body: Any) -> Tuple[Dict[str, Any], Optional[str]]:
    """The feedback's fields, or the reason it is refused (one sentence for a 400)."""
    if not isinstance(body, dict):
        return {}, "Send a JSON object with 'sender', 'answer' and 'helpful'."
    unknown = sorted(str(k) for k in body if k not in FEEDBACK_FIELDS)
    if unknown:
        return {}, f"Unknown field(s): {', '.join(unknown)}."
    sender = body.get("sender")
    if sender_problem(sender):
        return {}, f"'sender' must be the conversation's id (1 to {MAX_SENDER_CHARS} characters)."
    helpful = body.get("helpful")
    if not isinstance(helpful, bool):
        return {}, "'helpful' must be true or false."
    answer, utter_action = body.get("answer"), body.get("utter_action")
    if (answer is None) == (utter_action is None):
        return {}, "Give either 'answer' (the answer's text) or 'utter_action', not both."
    if answer is not None and (not isinstance(answer, str) or not answer.strip()
                               or len(answer) > MAX_ANSWER_CHARS):
        return {}, f"'answer' must be the answer's text (at most {MAX_ANSWER_CHARS} characters)."
    if utter_action is not None and (not isinstance(utter_action, str)
                                     or not _UTTER_ACTION.match(utter_action)):
        return {}, "'utter_action' must name a response, like 'utter_pain'."
    return {"sender": sender.strip(), "helpful": helpful,
            "answer": " ".join(answer.split()) if answer is not None else None,
            "utter_action": utter_action}, None


def _answer_in(events: Any, fields: Dict[str, Any]) -> Any:
    """The latest answer (BotUttered) in ``events`` that the feedback is about."""
    for event in reversed(list(events)):
        if getattr(event, "type_name", "") != "bot":
            continue
        utter = (event.metadata or {}).get("utter_action")
        if fields["answer"] is not None:
            if " ".join((event.text or "").split()) == fields["answer"]:
                return event
        elif utter == fields["utter_action"]:
            return event
    return None


async def store_feedback(agent: Any, fields: Dict[str, Any]) -> Tuple[int, str]:
    """Appends the feedback to its conversation; (HTTP status, message)."""
    from rasa.shared.core.events import AgentUttered

    # The store itself, not Rasa's fail-safe wrapper, which would keep the event in
    # memory only and say nothing when the database is down.
    store = getattr(agent.tracker_store, "_tracker_store", agent.tracker_store)
    sender = fields["sender"]
    async with agent.lock_store.lock(sender):
        tracker = await store.retrieve(sender)
        if tracker is None or not tracker.events:
            return 404, "No such conversation."
        answer = _answer_in(tracker.events, fields)
        if answer is None:  # an answer from an earlier session of the same conversation
            full = await store.retrieve_full_tracker(sender)
            answer = _answer_in(full.events if full else [], fields)
        if answer is None:
            return 400, "This conversation has no such answer."
        custom = ((answer.data or {}).get("custom") or {})
        if isinstance(custom, dict) and custom.get("triage") == URGENT_TRIAGE:
            return 400, "Emergency advice asks for no feedback."
        tracker.update(AgentUttered(text=None, data={FEEDBACK_KEY: {
            "helpful": fields["helpful"],
            "utter_action": (answer.metadata or {}).get("utter_action"),
            "answer_at": answer.timestamp,
        }}))
        await store.save(tracker)
    logger.info("Feedback (%s) stored for conversation %s.",
                "helpful" if fields["helpful"] else "not helpful", sender)
    return 200, "stored"
