"""The REST channel with the input guard in front, answering bad requests with 400.

The website widget and the command-line shell both talk to this channel.

``POST /webhooks/rest/feedback`` takes the widget's "Was this helpful?":
``{"sender": "...", "answer": "<the answer's text>", "helpful": true}`` (or
``"utter_action": "utter_pain"`` instead of ``answer``: that response's latest
answer). It is stored in the conversation as an ``agent`` event whose data is
``{"feedback": {"helpful", "utter_action", "answer_at"}}``; Rasa's policies
never read such an event (it is not an action or a message, and sets nothing),
so the dialogue goes on as if it were not there. Malformed bodies get 400, an
unknown conversation 404, an answer that conversation never got 400 (as does
emergency advice, which asks for no feedback); the report reads them
(assistant/report).

Every request is checked at the door first (channels/door.py): conversation
ids, reserved name spaces, metadata; lone surrogates and NULs are removed from
the text. With the HTTP API on, every API route needs a valid token
(channels/api_auth.py).
"""
import logging
import re
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Tuple

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic.request import Request

from assistant.tracker_store import watch_refusals
from channels import api_auth
from channels.door import (SHELL_TOKEN_HEADER, check_rest_body, reserved_problem,
                           sender_problem, shell_token, without_unsafe_characters)
from channels.guard import clean_message
from channels.rate_limit import REST_ERROR, client_address, limiter

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"

FEEDBACK_KEY = "feedback"
FEEDBACK_FIELDS = frozenset({"sender", "answer", "utter_action", "helpful"})
MAX_SENDER_CHARS = 128
MAX_ANSWER_CHARS = 5000
_UTTER_ACTION = re.compile(r"^utter_[a-z0-9_]{1,100}$")
URGENT_TRIAGE = "acute"


def never_silent(on_new_message: Callable[[UserMessage], Awaitable[Any]]
                 ) -> Callable[[UserMessage], Awaitable[None]]:
    """Handles a message; if nothing at all was said back (an action server or
    database that is down, an exception), says ``utter_service_unavailable``."""

    async def handle(message: UserMessage) -> None:
        output = message.output_channel
        sent = []
        persist = getattr(output, "_persist_message", None)
        if persist is not None:
            async def counted(msg: Any) -> None:
                sent.append(msg)
                await persist(msg)

            output._persist_message = counted
        with watch_refusals() as refused:
            try:
                await on_new_message(message)
            except Exception:
                logger.exception("Could not handle a message of conversation %s.",
                                 message.sender_id)
        if refused:  # answered from a conversation that could not be stored
            logger.error("The conversation store refused conversation %r; answering that "
                         "the service is unavailable.", message.sender_id)
            sent.clear()
            if isinstance(getattr(output, "messages", None), list):
                output.messages.clear()
        if persist is not None and not sent:
            from assistant.nlg import render

            await output.send_response(message.sender_id, render(UNAVAILABLE_RESPONSE))

    return handle


class GuardedRestInput(RestInput):
    """Rasa's REST channel (same URL, /webhooks/rest/webhook) with clean input."""

    @classmethod
    def name(cls) -> Text:
        return "rest"

    async def _extract_sender(self, req: Request) -> Optional[Text]:
        sender, _ = check_rest_body(_json_object(req), req.headers.get(SHELL_TOKEN_HEADER))
        return sender

    def _extract_message(self, req: Request) -> Optional[Text]:
        text = _json_object(req).get("message")
        return clean_message(without_unsafe_characters(text) if isinstance(text, str) else text)

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request):
        metadata = _json_object(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message):
        blueprint = super().blueprint(never_silent(on_new_message))
        shell_token()  # made once, for the terminal chat's `shell-` ids
        blueprint.listener("before_server_start")(api_auth.install)

        @blueprint.middleware("request")
        async def reject_malformed(request: Request):
            from sanic import response

            if request.method != "POST" or request.path.endswith("/feedback"):
                return None
            sender, problem = check_rest_body(_json_or_none(request),
                                              request.headers.get(SHELL_TOKEN_HEADER))
            if problem:
                return response.json({"error": problem}, status=400)
            decision = limiter().check(sender, client_address(request))
            if not decision.allowed:
                if decision.first_refusal:
                    logger.warning("Rate limit reached by conversation %s.", sender)
                return response.json({"error": REST_ERROR}, status=429,
                                     headers={"Retry-After": str(decision.retry_after)})
            return None

        @blueprint.route("/feedback", methods=["POST"])
        async def feedback(request: Request):
            from sanic import response

            fields, error = parse_feedback(_json_or_none(request))
            if not error:
                error = reserved_problem(fields["sender"],
                                         request.headers.get(SHELL_TOKEN_HEADER))
            if error:
                return response.json({"error": error}, status=400)
            agent = getattr(request.app.ctx, "agent", None)
            if agent is None or agent.tracker_store is None:
                return response.json({"error": "The assistant is not ready."}, status=503)
            try:
                status, message = await store_feedback(agent, fields)
            except Exception:
                logger.exception("Could not store feedback for conversation %s.",
                                 fields["sender"])
                status, message = 503, "Feedback could not be stored; please try again."
            if status != 200:
                return response.json({"error": message}, status=status)
            return response.json({"status": "stored"})

        return blueprint


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


def _json_or_none(req: Request) -> Any:
    try:
        return req.json
    except Exception:  # sanic raises on bodies that are not JSON
        return None


def _json_object(req: Request) -> dict:
    try:
        body = req.json
    except Exception:  # sanic raises on bodies that are not JSON
        return {}
    return body if isinstance(body, dict) else {}
