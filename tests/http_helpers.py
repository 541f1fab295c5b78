"""HTTP for the tests: the REST channel, Rasa's HTTP API and Twilio-signed SMS.

Every helper answers with the HTTP status instead of raising on 4xx/5xx, so a
test can assert the status it expects. Conversations get fresh sender ids
(``fresh_sender``), so tests sharing one server never see each other's turns.
"""
import http.client
import json
import random
import secrets
import sqlite3
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Dict, List, Optional, Tuple

JSON = {"Content-Type": "application/json"}


@dataclass
class Response:
    status: int
    headers: Message        # names are case-insensitive: headers["retry-after"]
    body: bytes

    def json(self):
        return json.loads(self.body or b"null")


def send(url: str, method: Optional[str] = None, body: Optional[bytes] = None,
         headers: Optional[Dict[str, str]] = None, timeout: float = 60) -> Response:
    """One HTTP request; GET without a body, POST with one, unless ``method`` says."""
    req = urllib.request.Request(url, data=body, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as response:
            return Response(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        return Response(error.code, error.headers, error.read())


def request(url: str, method: str = "GET", body: Optional[bytes] = None,
            headers: Optional[Dict[str, str]] = None, timeout: float = 30) -> Tuple[int, bytes]:
    """The status and the raw body."""
    response = send(url, method, body, headers, timeout)
    return response.status, response.body


def post_json(url: str, body, headers: Optional[Dict[str, str]] = None,
              timeout: float = 60) -> Tuple[int, object]:
    """POSTs ``body`` as JSON (bytes are sent as they are): the status and the
    answer, parsed if it is JSON, else as text."""
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    response = send(url, "POST", raw, {**JSON, **(headers or {})}, timeout)
    try:
        return response.status, response.json()
    except ValueError:
        return response.status, response.body.decode("utf-8", "replace")


def get_json(url: str, headers: Optional[Dict[str, str]] = None, timeout: float = 30):
    """A JSON document that must be there (200)."""
    response = send(url, headers=headers, timeout=timeout)
    assert response.status == 200, (url, response.status, response.body[:300])
    return response.json()


def post_large(host: str, port: int, path: str, size: int) -> int:
    """POSTs a JSON body of ``size`` bytes; the status the server answers with
    (it may answer and close before the whole body is sent)."""
    body = json.dumps({"sender": "big", "message": "x" * (size - 30)}).encode()
    connection = http.client.HTTPConnection(host, port, timeout=30)
    try:
        connection.putrequest("POST", path)
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(len(body)))
        connection.endheaders()
        try:
            connection.send(body)
        except (BrokenPipeError, ConnectionResetError):
            pass
        return connection.getresponse().status
    finally:
        connection.close()


# --- Rasa's HTTP API, behind a JWT ---------------------------------------------------

def token(secret: str, role: str = "admin", username: str = "tests",
          expires_in: float = 600) -> str:
    """A JWT as Rasa's API checks it (HS256, a user with a role, an expiry)."""
    import jwt

    claims = {"user": {"username": username, "role": role},
              "exp": int(time.time() + expires_in)}
    return jwt.encode(claims, secret, algorithm="HS256")


def bearer(secret: str, **claims) -> Dict[str, str]:
    return {"Authorization": f"Bearer {token(secret, **claims)}"}


def tracker_events(server_url: str, sender: str, headers: Optional[Dict[str, str]] = None,
                   all_events: bool = False, timeout: float = 30) -> List[Dict]:
    """A conversation's events as Rasa's API gives them."""
    query = "?include_events=ALL" if all_events else ""
    return get_json(f"{server_url}/conversations/{sender}/tracker{query}", headers,
                    timeout)["events"]


# --- The REST channel ------------------------------------------------------------------

def fresh_sender(prefix: str = "patient") -> str:
    return f"{prefix}-{uuid.uuid4().hex[:10]}"


def texts(answer) -> List[str]:
    """The texts of the REST channel's messages."""
    return [m["text"] for m in answer if m.get("text")]


def ask(webhook: str, sender: str, text: str, headers: Optional[Dict[str, str]] = None,
        timeout: float = 90) -> Tuple[int, List[str]]:
    """One message over the REST channel: the status and the reply texts (none on an error)."""
    status, answer = post_json(webhook, {"sender": sender, "message": text}, headers, timeout)
    return status, texts(answer) if status == 200 else []


class RestChat:
    """One patient's conversation over the REST channel."""

    def __init__(self, webhook: str, sender: str = "") -> None:
        self.webhook = webhook
        self.sender = sender or fresh_sender()

    def say(self, text: str) -> List[Dict]:
        status, answer = post_json(self.webhook, {"sender": self.sender, "message": text})
        assert status == 200, (text, status, answer)
        return answer

    def texts(self, text: str) -> List[str]:
        return texts(self.say(text))


# --- Playing Twilio: texts signed as Twilio signs them -----------------------------------

ACCOUNT_SID = "AC" + "5e" * 16
AUTH_TOKEN = secrets.token_hex(16)
CLINIC_NUMBER = "+15550100123"
HASH_KEY = "test-number-hash-key"
PUBLIC_URL = "https://sms.spine-clinic.example/webhooks/twilio_sms/webhook"
WEBHOOK_PATH = "/webhooks/twilio_sms/webhook"


def sms_env() -> Dict[str, str]:
    """The settings that turn the Twilio channel on, for the number above."""
    return {"TWILIO_ACCOUNT_SID": ACCOUNT_SID, "TWILIO_AUTH_TOKEN": AUTH_TOKEN,
            "TWILIO_NUMBER": CLINIC_NUMBER, "TWILIO_WEBHOOK_URL": PUBLIC_URL,
            "MISS_SMS_HASH_KEY": HASH_KEY}


@dataclass
class Reply:
    status: int
    body: str

    @property
    def messages(self) -> List[str]:
        """The texts the patient's phone receives."""
        assert self.status == 200, (self.status, self.body)
        root = ET.fromstring(self.body)
        assert root.tag == "Response"
        return [message.text or "" for message in root.findall("Message")]


@dataclass
class SmsServer:
    url: str
    data_dir: Path

    @property
    def webhook(self) -> str:
        return self.url + WEBHOOK_PATH

    def post(self, body: bytes, signature: Optional[str],
             content_type: str = "application/x-www-form-urlencoded") -> Reply:
        headers = {"Content-Type": content_type}
        if signature is not None:
            headers["X-Twilio-Signature"] = signature
        response = send(self.webhook, "POST", body, headers)
        errors = "strict" if response.status == 200 else "replace"
        return Reply(response.status, response.body.decode("utf-8", errors=errors))

    def events(self, number: str) -> List[Dict]:
        """What the assistant recorded of a patient's conversation: its user and bot
        events in the server's SQLite conversation store."""
        from channels.sms.numbers import conversation_key

        sender = conversation_key(number, HASH_KEY.encode())
        with sqlite3.connect(self.data_dir / "conversations.sqlite3") as db:
            rows = db.execute("SELECT data FROM events WHERE sender_id = ? ORDER BY id",
                              (sender,)).fetchall()
        events = [json.loads(data) for (data,) in rows]
        return [e for e in events if e["event"] in ("user", "bot")]


def sign(fields: Dict[str, str], url: str = PUBLIC_URL, auth_token: str = AUTH_TOKEN) -> str:
    from twilio.request_validator import RequestValidator

    return RequestValidator(auth_token).compute_signature(url, fields)


class Phone:
    """A patient's phone texting the clinic's Twilio number."""

    def __init__(self, server: SmsServer) -> None:
        self.server = server
        self.number = f"+1555{random.randrange(10 ** 7):07d}"

    def fields(self, **extra: Optional[str]) -> Dict[str, str]:
        fields = {
            "ToCountry": "US", "SmsMessageSid": "SM" + secrets.token_hex(16),
            "NumMedia": "0", "SmsSid": "SM" + secrets.token_hex(16), "SmsStatus": "received",
            "To": CLINIC_NUMBER, "NumSegments": "1", "MessageSid": "SM" + secrets.token_hex(16),
            "AccountSid": ACCOUNT_SID, "From": self.number, "ApiVersion": "2010-04-01",
        }
        fields.update(extra)
        return {k: v for k, v in fields.items() if v is not None}

    def send(self, fields: Dict[str, str], signed_for: str = PUBLIC_URL) -> Reply:
        body = urllib.parse.urlencode(fields).encode("ascii")
        return self.server.post(body, sign(fields, signed_for))

    def text(self, body: str) -> List[str]:
        """Sends one text, returns the texts that come back."""
        return self.send(self.fields(Body=body)).messages


def said(messages: List[str]) -> str:
    return "\n".join(messages)
