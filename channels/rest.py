"""The REST channel with the input guard in front, answering bad requests with 400.

The website widget and the command-line shell both talk to this channel, at
Rasa's usual ``/webhooks/rest/webhook`` (``?stream=true`` streams the answers as
they come). Every message gets an answer: when nothing at all was said back (a
database that is down, an exception) or the conversation could
not be stored, the answer is ``utter_service_unavailable`` (:func:`answer_never_silent`,
with the output channels below). ``/webhooks/rest/feedback`` takes the widget's
"Was this helpful?" (channels/feedback.py).

Every request is checked at the door first (channels/door.py): conversation
ids, reserved name spaces, metadata; lone surrogates and NULs are removed from
the text. With the HTTP API on, every API route needs a valid token
(channels/api_auth.py).
"""
import inspect
import logging
from asyncio import CancelledError, Queue
from typing import Any, Awaitable, Callable, Dict, Optional, Text, Union

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import QueueOutputChannel, RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse, ResponseStream

from assistant.tracker_store import watch_refusals
from channels import api_auth
from channels.door import (SHELL_TOKEN_HEADER, check_rest_body, reserved_problem, shell_token,
                           without_unsafe_characters)
from channels.feedback import parse_feedback, store_feedback
from channels.guard import clean_message
from channels.rate_limit import REST_ERROR, client_address, limiter

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"
# The parts of a bot message that Rasa's output channels send (OutputChannel.send_response).
_SENT_PARTS = ("text", "buttons", "quick_replies", "custom", "image", "attachment", "elements")

Handler = Callable[[UserMessage], Awaitable[Any]]


class _RemembersAnswers:
    """For Rasa's collecting output channels: whether this turn has said anything yet.

    Rasa sends every bot message through ``send_response``."""

    answered = False

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        if any(message.get(part) for part in _SENT_PARTS):
            self.answered = True
        await super().send_response(recipient_id, message)

    def forget_answers(self) -> None:
        """What was said came from a conversation that could not be stored: it does not count."""
        self.answered = False


class NeverSilentCollector(_RemembersAnswers, CollectingOutputChannel):
    """Rasa's collector for one REST turn, answered as one JSON list."""

    def forget_answers(self) -> None:
        super().forget_answers()
        self.messages.clear()


class NeverSilentQueue(_RemembersAnswers, QueueOutputChannel):
    """Rasa's queue for one streamed REST turn (what is streamed is already gone)."""


async def answer_never_silent(on_new_message: Handler, message: UserMessage) -> None:
    """Handles a message; if nothing at all was said back, or the conversation store
    refused the conversation, says ``utter_service_unavailable``. ``message`` carries
    one of the never-silent output channels above."""
    output = message.output_channel
    with watch_refusals() as refused:
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Could not handle a message of conversation %s.",
                             message.sender_id)
    if refused:  # answered from a conversation that could not be stored
        logger.error("The conversation store refused conversation %r; answering that "
                     "the service is unavailable.", message.sender_id)
        output.forget_answers()
    if not output.answered:
        from assistant.nlg import render

        await output.send_response(message.sender_id, render(UNAVAILABLE_RESPONSE))


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

    @staticmethod
    async def on_message_wrapper(on_new_message: Handler, text: Text, queue: Queue,
                                 sender_id: Text, input_channel: Text,
                                 metadata: Optional[Dict[Text, Any]]) -> None:
        """A streamed turn (RestInput.stream_response calls this)."""
        message = UserMessage(text, NeverSilentQueue(queue), sender_id,
                              input_channel=input_channel, metadata=metadata)
        await answer_never_silent(on_new_message, message)
        await queue.put("DONE")

    def blueprint(self, on_new_message: Handler) -> Blueprint:
        """Rasa's REST routes, each turn with a never-silent output channel, behind
        the door, the rate limit and (with the HTTP API on) the token check."""
        module = inspect.getmodule(self)
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}",
                            module.__name__ if module else None)
        shell_token()  # made once, for the terminal chat's `shell-` ids
        webhook.listener("before_server_start")(api_auth.install)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> Union[ResponseStream, HTTPResponse]:
            return await self.receive(request, on_new_message)

        webhook.middleware("request")(reject_malformed)
        webhook.route("/feedback", methods=["POST"])(feedback)
        return webhook

    async def receive(self, request: Request,
                      on_new_message: Handler) -> Union[ResponseStream, HTTPResponse]:
        """One patient message: the answers as a JSON list, or streamed with ?stream=true."""
        from rasa.utils.endpoints import bool_arg

        sender_id = await self._extract_sender(request)
        text = self._extract_message(request)
        input_channel = self._extract_input_channel(request)
        metadata = self.get_metadata(request)
        if bool_arg(request, "stream", default=False):
            return response.stream(
                self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                content_type="text/event-stream")
        collector = NeverSilentCollector()
        try:
            await answer_never_silent(on_new_message, UserMessage(
                text, collector, sender_id, input_channel=input_channel, metadata=metadata))
        except CancelledError:
            logger.error("Handling a message of conversation %s timed out.", sender_id)
        except Exception:
            logger.exception("Could not answer a message of conversation %s.", sender_id)
        return response.json(collector.messages)


async def reject_malformed(request: Request) -> Optional[HTTPResponse]:
    """400 for a message the door refuses, 429 over the rate limit (feedback aside)."""
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


async def feedback(request: Request) -> HTTPResponse:
    """The widget's "Was this helpful?" (channels/feedback.py)."""
    fields, error = parse_feedback(_json_or_none(request))
    if not error:
        error = reserved_problem(fields["sender"], request.headers.get(SHELL_TOKEN_HEADER))
    if error:
        return response.json({"error": error}, status=400)
    agent = getattr(request.app.ctx, "agent", None)
    if agent is None or agent.tracker_store is None:
        return response.json({"error": "The assistant is not ready."}, status=503)
    try:
        status, message = await store_feedback(agent, fields)
    except Exception:
        logger.exception("Could not store feedback for conversation %s.", fields["sender"])
        status, message = 503, "Feedback could not be stored; please try again."
    if status != 200:
        return response.json({"error": message}, status=status)
    return response.json({"status": "stored"})


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
