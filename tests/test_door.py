"""Issue 10, part 1 and 2 on SQLite: no request can stop the server, JWT failures are 401,
and what patients type is stored without phone numbers, e-mail addresses or dates.

The served tests run the real Rasa server (SQLite store, API on with JWT) and
read the conversation database itself afterwards.
"""
import json
import sqlite3
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import pytest

from miss_config.paths import PROJECT_ROOT
from channels import door
from tests.http_helpers import fresh_sender, post_json, request, texts, token
from tests.services import API_JWT_SECRET as JWT_SECRET

PRIVATE = "Please call me back on (555) 234-5678 or mail jo.smith@example.org, born 04/07/1961"


# --- the checks themselves ------------------------------------------------------

@pytest.mark.parametrize("sender", ["\udfff-x", "a\x00b", "", "   ", "x" * 129, "a\nb",
                                    "tab\there", "\u2028", None, ["x"], {"a": 1}])
def test_bad_conversation_ids_are_refused(sender):
    assert door.sender_problem(sender)


def test_reserved_name_spaces_need_their_channel(tmp_path, monkeypatch):
    monkeypatch.setenv("MISS_DATA_DIR", str(tmp_path))
    secret = door.shell_token()
    assert (tmp_path / "shell_token").stat().st_mode & 0o077 == 0
    assert door.reserved_problem("sms-0123abcd", secret)          # never over REST
    assert door.reserved_problem("SMS-0123abcd", None)
    assert door.reserved_problem("shell-1234", None)
    assert door.reserved_problem("shell-1234", "guessed")
    assert door.reserved_problem("shell-1234", secret) is None
    assert door.reserved_problem("web-1234", None) is None


@pytest.mark.parametrize("metadata,ok", [
    (None, True), ({}, True), ({"lang": "en", "page": "/spine"}, True),
    ({"anything": 1}, False), ({"lang": 5}, False), ({"page": "x" * 201}, False),
    ("text", False), ([1], False), ({"lang": "a\x00"}, False),
    ({"lang": "x" * 200, "page": "y" * 200, "client": "z" * 200}, True),
])
def test_metadata_is_a_small_allow_list(metadata, ok):
    assert (door.metadata_problem(metadata) is None) == ok


def test_lone_surrogates_and_nuls_are_removed_from_text():
    assert door.without_unsafe_characters("hi\udfff there\x00!") == "hi there!"
    assert door.without_unsafe_characters("plain text, émoji 😀") == "plain text, émoji 😀"


def _store(tmp_path: Path):
    from assistant.tracker_store import ResilientSQLTrackerStore
    from rasa.shared.core.domain import Domain

    return ResilientSQLTrackerStore(Domain.load(str(PROJECT_ROOT / "domain.yml")),
                                    dialect="sqlite", db=str(tmp_path / "c.sqlite3"))


def test_the_store_raises_instead_of_exiting_on_a_surrogate_id(tmp_path):
    import asyncio

    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from assistant.tracker_store import UnstorableConversation, watch_refusals

    store = _store(tmp_path)
    tracker = DialogueStateTracker("\udfff-x", store.domain.slots)
    tracker.update(UserUttered("hi"))
    with watch_refusals() as refused:
        with pytest.raises(UnstorableConversation):   # before: SystemExit(1)
            asyncio.run(store.retrieve("\udfff-x"))
        with pytest.raises(UnstorableConversation):
            asyncio.run(store.save(tracker))
    assert refused


def test_events_are_redacted_as_they_are_stored(tmp_path):
    import asyncio

    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    store = _store(tmp_path)
    tracker = DialogueStateTracker("web-1", store.domain.slots)
    tracker.update(UserUttered(PRIVATE, parse_data={"text": PRIVATE, "intent": {"name": "x"},
                                                     "entities": []}))
    asyncio.run(store.save(tracker))
    assert tracker.latest_message.text == PRIVATE    # what the assistant works with is kept
    stored = _rows(tmp_path / "c.sqlite3")
    _assert_private(stored)
    assert "[phone]" in stored and "[email]" in stored and "[date]" in stored


def _rows(database: Path) -> str:
    with sqlite3.connect(database) as db:
        return "\n".join(row[0] for row in db.execute("SELECT data FROM events"))


def _strings(value) -> List[str]:
    """Every string in a stored event: where a patient's words can be (timestamps and
    confidences are numbers, and may hold any run of digits, "1961" included)."""
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for item in value.values() for s in _strings(item)]
    if isinstance(value, list):
        return [s for item in value for s in _strings(item)]
    return []


def _assert_private(stored: str) -> None:
    words = "\n".join(s for row in stored.splitlines() if row.strip()
                      for s in _strings(json.loads(row)))
    for detail in ("234-5678", "2345678", "jo.smith", "example.org", "1961", "04/07"):
        assert detail not in words, detail


# --- the real servers -------------------------------------------------------------

@pytest.fixture
def served(secured):
    """The shared server with the API on behind a JWT (tests/conftest.py)."""
    return secured


def post(served, body, headers: Optional[Dict[str, str]] = None,
         path: str = "/webhooks/rest/webhook") -> Tuple[int, object]:
    return post_json(served.url + path, body, headers)


def assert_alive(served) -> None:
    status, answer = post(served, {"sender": "web-alive", "message": "hello"})
    assert status == 200 and texts(answer), answer


@pytest.mark.server
@pytest.mark.parametrize("sender", ["\udfff-x", "\u0000", "a\u0000b", "x" * 500, "\ud800",
                                    "sms-0123456789abcdef", "shell-me", ""])
def test_a_bad_sender_gets_400_and_the_server_keeps_serving(served, sender):
    # Written by hand: json.dumps would escape the surrogate the same way a client does.
    status, answer = post(served, {"sender": sender, "message": "hi"})
    assert status == 400 and "sender" in answer["error"], answer
    assert_alive(served)


@pytest.mark.server
def test_the_terminal_chat_may_use_its_own_ids(served):
    secret = door.shell_token(served.data, create=False)
    assert secret
    status, answer = post(served, {"sender": fresh_sender("shell"), "message": "hello"},
                          {door.SHELL_TOKEN_HEADER: secret})
    assert status == 200 and texts(answer)


@pytest.mark.server
def test_metadata_outside_the_allow_list_gets_400(served):
    sender = fresh_sender("web")
    status, answer = post(served, {"sender": sender, "message": "hi",
                                   "metadata": {"blob": "x" * 900_000}})
    assert status == 400 and "metadata" in answer["error"]
    status, answer = post(served, {"sender": sender, "message": "hello",
                                   "metadata": {"lang": "en"}})
    assert status == 200 and texts(answer)


@pytest.mark.server
def test_a_surrogate_or_nul_in_the_text_is_removed_and_answered(served):
    from tests.test_scale_out import UNAVAILABLE

    status, answer = post(served, {"sender": fresh_sender("web"),
                                   "message": "what is minimally \udfffinvasive spine\u0000 surgery"})
    assert status == 200
    assert texts(answer) and not set(texts(answer)) & set(UNAVAILABLE), answer
    stored = _rows(served.data / "conversations.sqlite3")
    assert "\\udfff" not in stored and "\\u0000" not in stored


@pytest.mark.server
def test_feedback_with_a_bad_sender_gets_400(served):
    for sender in ("\udfff", "a\x00", "sms-abc"):
        status, _ = post(served, {"sender": sender, "answer": "x", "helpful": True},
                         path="/webhooks/rest/feedback")
        assert status == 400
    assert_alive(served)


@pytest.mark.server
def test_what_patients_type_is_stored_redacted_but_understood(served):
    from miss_nlp.triage import advice_for

    sender = fresh_sender("web")
    status, answer = post(served, {"sender": sender, "message": PRIVATE})
    assert status == 200 and texts(answer)
    # The red-flag check still reads the whole message as typed.
    urgent = "I can't control my bladder since this morning, call me on 555 234 5678"
    status, answer = post(served, {"sender": sender, "message": urgent})
    assert advice_for(["bladder_bowel"]).split(".")[0] in " ".join(texts(answer))
    stored = _rows(served.data / "conversations.sqlite3")
    _assert_private(stored)
    assert "234 5678" not in stored and "[phone]" in stored and "[email]" in stored
    # As Rasa's API reads it back, too.
    status, body = request(served.url + f"/conversations/{sender}/tracker",
                           headers={"Authorization": f"Bearer {token(JWT_SECRET)}"})
    user = [e for e in json.loads(body)["events"] if e["event"] == "user"]
    assert user[1]["parse_data"]["intent"]["name"] == "emergency"
    assert all("[phone]" in e["text"] and "[phone]" in e["parse_data"]["text"] for e in user)


def _jwt(claims: dict, secret: str = JWT_SECRET, algorithm: str = "HS256") -> str:
    import jwt

    return jwt.encode(claims, secret if algorithm != "none" else None, algorithm=algorithm)


@pytest.mark.server
def test_every_jwt_failure_is_401(served):
    tracker = served.url + "/conversations/web-alive/tracker"
    later = int(time.time()) + 600
    admin = {"user": {"username": "ops", "role": "admin"}, "exp": later}
    refused = {
        "alg none": _jwt(admin, algorithm="none"),
        "bad signature": _jwt(admin, secret="another-secret-that-is-long-enough-0000"),
        "expired": _jwt({**admin, "exp": int(time.time()) - 600}),
        "other role": _jwt({"user": {"username": "ops", "role": "guest"}, "exp": later}),
        "no role": _jwt({"user": {"username": "ops"}, "exp": later}),
        "no user": _jwt({"exp": later}),
        "HS512": _jwt(admin, algorithm="HS512"),
        "garbage": "a.b.c",
    }
    for name, bad in refused.items():
        status, _ = request(tracker, headers={"Authorization": f"Bearer {bad}"})
        assert status == 401, (name, status)
    assert request(tracker, headers={"Authorization": "Basic abc"})[0] == 401
    assert request(tracker, headers={"Authorization": f"Bearer {_jwt(admin)}"})[0] == 200
    # Another patient's conversation: the token is valid, the access is not.
    other = _jwt({"user": {"username": "someone", "role": "user"}, "exp": later})
    assert request(tracker, headers={"Authorization": f"Bearer {other}"})[0] == 403
    assert_alive(served)


@pytest.mark.server
def test_version_needs_the_token_when_the_api_is_on(served):
    assert request(served.url + "/version")[0] == 401
    status, body = request(served.url + "/version",
                           headers={"Authorization": f"Bearer {token(JWT_SECRET)}"})
    assert status == 200 and "version" in json.loads(body)
    assert request(served.url + "/")[0] == 200      # the health check stays open
    # So does the chat.
    assert post(served, {"sender": fresh_sender("web"), "message": "hi"})[0] == 200


def test_a_message_the_store_refuses_is_answered_service_unavailable(tmp_path):
    """Rasa's fail-safe would answer from an empty, unstored conversation: the
    channel answers that the service is unavailable instead."""
    import asyncio

    from rasa.core.channels.channel import UserMessage
    from rasa.core.tracker_store import FailSafeTrackerStore

    from assistant.nlg import render
    from channels.rest import UNAVAILABLE_RESPONSE, NeverSilentCollector, answer_never_silent

    store = FailSafeTrackerStore(_store(tmp_path))

    async def handle(message: UserMessage) -> None:   # what Rasa's processor does first
        assert await store.retrieve(message.sender_id) is None
        await message.output_channel.send_response(message.sender_id, {"text": "Hello!"})

    output = NeverSilentCollector()
    asyncio.run(answer_never_silent(handle, UserMessage("hi", output, "\udfff-x")))
    assert [m.get("text") for m in output.messages] == [render(UNAVAILABLE_RESPONSE)["text"]]
