"""The Twilio SMS input channel: the webhook Twilio calls for every text a patient sends.

How it differs from Rasa's own ``twilio`` channel is in the package doc
(channels/sms/__init__.py).
"""
import hmac
import logging
import os
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from twilio.request_validator import RequestValidator

from channels.door import without_unsafe_characters
from channels.guard import clean_message
from channels.rate_limit import limiter
from channels.sms.numbers import (check_settings, conversation_key, hash_key, mask_number,
                                  normalise_number)
from channels.sms.optouts import OptOutStore
from channels.sms.replies import SmsConfig, render_reply
from channels.sms.text import keyword, numbered_choice
from channels.sms.twiml import MAX_REQUEST_BYTES, Form, parse_form, twiml

logger = logging.getLogger(__name__)

DEFAULT_ENV_NAMES = {
    "account_sid_env": "TWILIO_ACCOUNT_SID",
    "auth_token_env": "TWILIO_AUTH_TOKEN",
    "number_env": "TWILIO_NUMBER",
    "webhook_url_env": "TWILIO_WEBHOOK_URL",
}


class SmsCollector(OutputChannel):
    """Keeps the assistant's messages for one turn, to send back as TwiML."""

    def __init__(self) -> None:
        self.messages: List[Dict[str, Any]] = []

    @classmethod
    def name(cls) -> Text:
        return TwilioSmsInput.name()

    async def send_response(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        self.messages.append(dict(message))

    async def send_text_message(self, recipient_id: Text, text: Text, **kwargs: Any) -> None:
        self.messages.append({"text": text})


class TwilioSmsInput(InputChannel):
    """Twilio SMS webhook with signature check, TwiML replies and carrier keywords."""

    @classmethod
    def name(cls) -> Text:
        return "twilio_sms"

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> InputChannel:
        """Reads the settings from the environment variables credentials.yml names.

        Without them the channel is off and its webhook answers 503, so that an
        assistant without SMS starts as before; it never runs without the check.
        """
        names = {**DEFAULT_ENV_NAMES,
                 **{k: v for k, v in (credentials or {}).items() if v}}
        values = {k: os.environ.get(str(v), "").strip() for k, v in names.items()}
        required = ("account_sid_env", "auth_token_env", "number_env")
        missing = [str(names[k]) for k in required if not values[k]]
        if len(missing) == len(required):
            logger.info("Twilio SMS channel is off: %s are not set.", ", ".join(missing))
            return cls(None, None, None)
        if missing:
            logger.error("Twilio SMS channel is off: %s not set.", ", ".join(missing))
            return cls(None, None, None)
        check_settings()  # refuses to start when the servers could not share opt-outs
        return cls(values["account_sid_env"], values["auth_token_env"], values["number_env"],
                   webhook_url=values["webhook_url_env"] or None)

    def __init__(self, account_sid: Optional[str], auth_token: Optional[str],
                 clinic_number: Optional[str], webhook_url: Optional[str] = None,
                 config: Optional[SmsConfig] = None, optouts: Optional[OptOutStore] = None,
                 number_key: Optional[bytes] = None) -> None:
        self.account_sid = account_sid
        self.clinic_number = normalise_number(clinic_number) if clinic_number else None
        self.webhook_url = webhook_url
        self.validator = RequestValidator(auth_token) if auth_token else None
        self.enabled = bool(account_sid and auth_token and clinic_number)
        self.config = config
        self.optouts = optouts
        self.number_key = number_key
        if self.enabled:
            self.config = config or SmsConfig.load()
            self.optouts = optouts or OptOutStore.shared()
            self.number_key = number_key or hash_key()
            logger.info("Twilio SMS channel on for %s, signatures checked against %s.",
                        mask_number(self.clinic_number), self.webhook_url or "the request URL")

    def get_output_channel(self) -> OutputChannel:
        return SmsCollector()

    # --- checks -------------------------------------------------------------

    def signed_url(self, request: Request) -> str:
        """The URL Twilio signed: $TWILIO_WEBHOOK_URL behind a proxy, else the one requested."""
        if not self.webhook_url:
            return request.url
        if request.query_string and "?" not in self.webhook_url:
            return f"{self.webhook_url}?{request.query_string}"
        return self.webhook_url

    def is_from_twilio(self, request: Request, form: Form) -> bool:
        signature = request.headers.get("X-Twilio-Signature", "")
        if not signature or self.validator is None:
            return False
        try:
            valid = self.validator.validate(self.signed_url(request), form, signature)
        except Exception:  # a malformed URL or signature is simply not valid
            valid = False
        if not valid:
            return False
        sid_ok = hmac.compare_digest((form.first("AccountSid") or "").encode("utf-8"),
                                     (self.account_sid or "").encode("utf-8"))
        to_ok = normalise_number(form.first("To") or "") == self.clinic_number
        return sid_ok and to_ok

    # --- the conversation ---------------------------------------------------

    @staticmethod
    async def _tracker(request: Request, sender_id: str):
        agent = getattr(request.app.ctx, "agent", None)
        if agent is None or agent.tracker_store is None:
            return None
        return await agent.tracker_store.retrieve(sender_id)

    async def offered_payloads(self, request: Request, sender_id: str) -> List[str]:
        """The button payloads of the assistant's last turn, numbered as render_reply did."""
        try:
            tracker = await self._tracker(request, sender_id)
        except Exception:
            logger.exception("Could not read the conversation for a numbered reply.")
            return []
        payloads: List[str] = []
        for event in reversed(list(tracker.events) if tracker else []):
            if event.type_name == "user":
                break
            if event.type_name == "bot":
                buttons = (event.data or {}).get("buttons") or []
                payloads[:0] = [b["payload"] for b in buttons if b.get("payload")]
        return payloads

    async def is_first_turn(self, request: Request, sender_id: str) -> bool:
        """True when the message just handled opened the conversation (Rasa session)."""
        try:
            tracker = await self._tracker(request, sender_id)
        except Exception:
            logger.exception("Could not read the conversation; sending the notice to be safe.")
            return True
        if tracker is None:
            return True
        return sum(1 for e in tracker.events if e.type_name == "user") <= 1

    async def handle_text(self, request: Request, form: Form, sender_id: str,
                          on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> List[str]:
        config = self.config
        assert config is not None and self.optouts is not None
        body = form.first("Body")
        word = keyword(body)
        try:
            has_media = int(form.first("NumMedia") or 0) > 0
        except ValueError:
            has_media = False

        if word in config.stop_words:
            if self.optouts.opt_out(sender_id):
                logger.info("SMS %s opted out.", sender_id)
                return [config.texts["stop_confirmation"]]
            return []
        opted_out = self.optouts.is_opted_out(sender_id)
        if word in config.start_words or (opted_out and word in config.start_when_opted_out):
            if self.optouts.opt_in(sender_id):
                logger.info("SMS %s opted back in.", sender_id)
            return [config.texts["start_confirmation"]]
        if word in config.help_words:
            return [config.texts["help"]]
        if opted_out:
            logger.info("SMS %s is opted out: not answered.", sender_id)
            return []
        if has_media and not (body or "").strip():
            return [config.texts["media_only"]]

        text = without_unsafe_characters(body or "")
        choice = numbered_choice(body)
        if choice is not None:
            payloads = await self.offered_payloads(request, sender_id)
            if choice <= len(payloads):
                text = payloads[choice - 1]
        collector = SmsCollector()
        await on_new_message(UserMessage(
            clean_message(text), collector, sender_id, input_channel=self.name()))
        if not collector.messages:
            return [config.texts["unavailable"]]
        first = await self.is_first_turn(request, sender_id)
        return render_reply(collector.messages, config, first, has_media)

    def over_the_limit(self, form: Form, sender_id: str) -> Optional[List[str]]:
        """None, or what to send a number over the rate limit: one short text per
        window, never to a number that opted out. STOP, START and HELP always work."""
        config = self.config
        assert config is not None and self.optouts is not None
        word = keyword(form.first("Body"))
        if word in config.stop_words | config.start_words | config.help_words:
            return None
        decision = limiter().check(sender_id)
        if decision.allowed:
            return None
        if decision.first_refusal and not self.optouts.is_opted_out(sender_id):
            logger.warning("SMS rate limit reached by conversation %s.", sender_id)
            return [config.texts["rate_limited"]]
        return []

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint("twilio_sms_webhook", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "not configured"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return response.text("The SMS channel is not configured.", status=503)
            body = request.body or b""
            if len(body) > MAX_REQUEST_BYTES:
                return response.text("Request too large.", status=413)
            form = parse_form(body)
            if not self.is_from_twilio(request, form):
                logger.warning("Rejected an SMS webhook request without a valid Twilio signature.")
                return response.text("Invalid Twilio signature.", status=403)
            number = (form.first("From") or "").strip()
            if not number:
                return response.text("'From' is required.", status=400)
            assert self.number_key is not None and self.config is not None
            sender_id = conversation_key(number, self.number_key)
            logger.info("SMS from %s (conversation %s).", mask_number(number), sender_id)
            try:
                refused = self.over_the_limit(form, sender_id)
                if refused is not None:
                    return twiml(refused)
                messages = await self.handle_text(request, form, sender_id, on_new_message)
            except Exception:
                logger.exception("SMS for conversation %s failed.", sender_id)
                messages = [self.config.texts["unavailable"]]
            return twiml(messages)

        return webhook
