"""Twilio's side of the webhook: its signed form body in, TwiML out."""
from typing import List, Optional
from urllib.parse import parse_qsl

from sanic import response
from sanic.response import HTTPResponse
from twilio.twiml.messaging_response import MessagingResponse

# A Twilio webhook is a few hundred bytes (Body is at most 1600 characters).
MAX_REQUEST_BYTES = 64 * 1024


class Form(dict):
    """Form fields as name -> [values]; ``getlist`` is what RequestValidator looks for."""

    def getlist(self, name: str) -> List[str]:
        return self[name]

    def first(self, name: str) -> Optional[str]:
        values = self.get(name)
        return values[0] if values else None


def parse_form(body: bytes) -> Form:
    """The urlencoded body as Twilio signs it; bytes that are not UTF-8 become U+FFFD."""
    form = Form()
    text = body.decode("utf-8", errors="replace")
    for name, value in parse_qsl(text, keep_blank_values=True, encoding="utf-8",
                                 errors="replace"):
        form.setdefault(name, []).append(value)
    return form


def twiml(messages: List[str]) -> HTTPResponse:
    reply = MessagingResponse()
    for message in messages:
        reply.message(message)
    return response.text(str(reply), content_type="application/xml; charset=utf-8")
