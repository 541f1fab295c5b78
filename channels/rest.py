"""The REST channel with the input guard in front, answering bad requests with 400.

The website widget and the command-line shell both talk to this channel.
"""
import logging
from typing import Any, Awaitable, Callable, Optional, Text

from rasa.core.channels.channel import UserMessage
from rasa.core.channels.rest import RestInput
from sanic.request import Request

from channels.guard import clean_message

logger = logging.getLogger(__name__)

UNAVAILABLE_RESPONSE = "utter_service_unavailable"


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
        try:
            await on_new_message(message)
        except Exception:
            logger.exception("Could not handle a message of conversation %s.", message.sender_id)
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
        body = _json_object(req)
        sender = body.get("sender")
        if isinstance(sender, (str, int)) and str(sender).strip():
            return str(sender).strip()[:128]
        return None

    def _extract_message(self, req: Request) -> Optional[Text]:
        return clean_message(_json_object(req).get("message"))

    def _extract_input_channel(self, req: Request) -> Text:
        return self.name()

    def get_metadata(self, request: Request):
        metadata = _json_object(request).get("metadata")
        return metadata if isinstance(metadata, dict) else None

    def blueprint(self, on_new_message):
        blueprint = super().blueprint(never_silent(on_new_message))

        @blueprint.middleware("request")
        async def reject_malformed(request: Request):
            from sanic import response

            if request.method != "POST":
                return None
            if not _json_object(request):
                return response.json(
                    {"error": "Send a JSON object with 'sender' and 'message'."}, status=400)
            if await self._extract_sender(request) is None:
                return response.json({"error": "'sender' is required."}, status=400)
            return None

        return blueprint


def _json_object(req: Request) -> dict:
    try:
        body = req.json
    except Exception:  # sanic raises on bodies that are not JSON
        return {}
    return body if isinstance(body, dict) else {}
