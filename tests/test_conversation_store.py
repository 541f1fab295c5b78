"""The conversation store keeps what it just wrote instead of reading it back, and
is never wrong about it: another server's messages, a message that failed half-way,
a pruned conversation and a patient's phone number all mean a fresh read.

Real SQLite files and Rasa's real domain; two store objects on one file stand for
two servers sharing a database (tests/test_scale_out.py does the same with two
running servers on PostgreSQL and Redis).
"""
import asyncio
import json
import sqlite3
from pathlib import Path

import pytest
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.tracker_store import ResilientSQLTrackerStore
from miss_config.paths import DOMAIN_FILE


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(DOMAIN_FILE))


def server(domain: Domain, database: Path) -> ResilientSQLTrackerStore:
    return ResilientSQLTrackerStore(domain, dialect="sqlite", db=str(database))


@pytest.fixture
def reads(monkeypatch):
    """How many times a conversation is rebuilt from its stored rows."""
    calls = []
    original = DialogueStateTracker.from_dict.__func__

    def counting(cls, sender_id, events_as_dict, slots=None, max_event_history=None):
        calls.append(sender_id)
        return original(cls, sender_id, events_as_dict, slots, max_event_history)

    monkeypatch.setattr(DialogueStateTracker, "from_dict", classmethod(counting))
    return calls


def run(coroutine):
    return asyncio.run(coroutine)


def patient_turn(tracker: DialogueStateTracker, text: str, answer: str) -> None:
    tracker.update(UserUttered(text, {"name": "recovery_time", "confidence": 0.9},
                               parse_data={"text": text, "entities": [],
                                           "intent": {"name": "recovery_time"}}))
    tracker.update(ActionExecuted("utter_recovery_time"))
    tracker.update(BotUttered(answer))
    tracker.update(ActionExecuted("action_listen"))


def new_conversation(store: ResilientSQLTrackerStore, sender: str) -> DialogueStateTracker:
    tracker = run(store.get_or_create_tracker(sender))
    patient_turn(tracker, "how long is recovery", "answer 1")
    run(store.save(tracker))
    return tracker


def said(tracker: DialogueStateTracker):
    return [e.text for e in tracker.events if isinstance(e, UserUttered)]


def stored_texts(database: Path, sender: str):
    with sqlite3.connect(database) as db:
        rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' "
                          "ORDER BY id", (sender,)).fetchall()
    return [json.loads(row[0])["text"] for row in rows]


def test_the_next_message_does_not_rebuild_the_conversation_it_just_saved(domain, tmp_path,
                                                                          reads):
    store = server(domain, tmp_path / "c.sqlite3")
    tracker = new_conversation(store, "web-a")
    for n in range(2, 6):
        again = run(store.retrieve("web-a"))
        assert again is tracker
        patient_turn(again, f"question {n}", f"answer {n}")
        run(store.save(again))
    assert reads == []   # before: one full read for every message
    assert stored_texts(tmp_path / "c.sqlite3", "web-a") == [
        "how long is recovery", "question 2", "question 3", "question 4", "question 5"]


def test_a_message_another_server_stored_is_read_back(domain, tmp_path, reads):
    first, second = server(domain, tmp_path / "c.sqlite3"), server(domain, tmp_path / "c.sqlite3")
    new_conversation(first, "web-b")

    on_second = run(second.retrieve("web-b"))
    patient_turn(on_second, "does it leave a scar", "answer 2")
    run(second.save(on_second))

    back_on_first = run(first.retrieve("web-b"))
    assert said(back_on_first) == ["how long is recovery", "does it leave a scar"]
    patient_turn(back_on_first, "thank you", "answer 3")
    run(first.save(back_on_first))
    assert stored_texts(tmp_path / "c.sqlite3", "web-b") == [
        "how long is recovery", "does it leave a scar", "thank you"]   # nothing twice


def test_a_message_that_failed_before_its_save_is_not_remembered(domain, tmp_path):
    store = server(domain, tmp_path / "c.sqlite3")
    tracker = new_conversation(store, "web-c")
    patient_turn(tracker, "a message whose answer was never saved", "lost")   # no save
    fresh = run(store.retrieve("web-c"))
    assert said(fresh) == ["how long is recovery"]


def test_a_pruned_conversation_starts_again(domain, tmp_path):
    database = tmp_path / "c.sqlite3"
    store = server(domain, database)
    new_conversation(store, "web-d")
    with sqlite3.connect(database) as db:
        db.execute("DELETE FROM events WHERE sender_id = 'web-d'")
    assert run(store.retrieve("web-d")) is None


def test_a_conversation_with_a_phone_number_is_read_back_redacted(domain, tmp_path, reads):
    store = server(domain, tmp_path / "c.sqlite3")
    tracker = new_conversation(store, "web-e")
    patient_turn(tracker, "call me on (555) 234-5678 please", "answer")
    run(store.save(tracker))
    again = run(store.retrieve("web-e"))
    assert "(555) 234-5678" not in " ".join(said(again))   # as every other server sees it
    assert reads == ["web-e"]


def test_saves_stay_correct_when_the_cache_is_full(domain, tmp_path):
    store = server(domain, tmp_path / "c.sqlite3")
    store.cache.size = 2
    trackers = {name: new_conversation(store, name) for name in ("web-f", "web-g", "web-h")}
    for name, tracker in trackers.items():
        patient_turn(tracker, f"second question from {name}", "answer")
        run(store.save(tracker))
    for name in trackers:
        assert stored_texts(tmp_path / "c.sqlite3", name) == [
            "how long is recovery", f"second question from {name}"]
