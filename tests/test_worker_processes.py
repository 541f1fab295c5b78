"""Both cores: one Rasa server running several worker processes (SANIC_WORKERS=2),
with Redis holding the conversation locks and rate-limit counts, as a clinic runs
it on a machine with two cores.

Patients chatting at once each get the answer to every question, in order, and
every conversation is stored whole in the shared SQLite file, although the
messages of one conversation land on either process (each keeps its own copy
of recent conversations and must notice what the other one wrote).
"""
import json
import sqlite3
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import List

import pytest
import yaml

from assistant.loopback_load import process_tree
from miss_config.knowledge import clinic
from miss_config.paths import DOMAIN_FILE
from miss_config.settings import SettingsError, load_settings
from tests.http_helpers import ask
from tests.services import missing, running_redis, served_assistant

DOMAIN = yaml.safe_load(DOMAIN_FILE.read_text("utf-8"))
QUESTIONS = [
    ("how long is recovery", "utter_recovery_time"),
    ("does it leave a scar", "utter_incisions_scarring"),
    ("how much does it cost", "utter_cost"),
    ("will it hurt after the operation", "utter_pain"),
    ("what are the risks", "utter_risks_complications"),
    ("when can I go back to work", "utter_return_to_work"),
]


def answer(response: str) -> List[str]:
    return [variant["text"].format(**clinic()) for variant in DOMAIN["responses"][response]]


def test_several_processes_without_redis_are_refused():
    with pytest.raises(SettingsError, match="SANIC_WORKERS=2 needs MISS_REDIS_HOST"):
        load_settings({"SANIC_WORKERS": "2"})
    assert load_settings({"SANIC_WORKERS": "2", "MISS_REDIS_HOST": "127.0.0.1"}).sanic_workers == 2


@pytest.mark.server
def test_two_processes_answer_every_patient_in_order_and_store_every_turn(tmp_path):
    if "redis-server" in " ".join(missing()):
        pytest.skip("redis-server is not installed (make service-deps)")
    with running_redis() as redis, served_assistant(
            "worker-processes-logs",
            {**redis.env, "SANIC_WORKERS": "2", "MISS_DATA_DIR": str(tmp_path / "data")},
            start_timeout=300) as server:
        rasa = server.processes[0].pid
        workers = [pid for pid in process_tree(rasa) if pid != rasa]
        assert len(workers) >= 2, "the Rasa server did not start two worker processes"

        senders = [f"workers-{uuid.uuid4().hex[:8]}" for _ in range(6)]

        def chat(n: int):
            replies = []
            for k in range(len(QUESTIONS)):
                text, response = QUESTIONS[(n + k) % len(QUESTIONS)]
                replies.append((ask(server.rest_webhook, senders[n], text), response))
            return replies

        with ThreadPoolExecutor(len(senders)) as pool:
            results = list(pool.map(chat, range(len(senders))))

    for replies in results:
        for (status, said), response in replies:
            assert status == 200
            assert any(text in answer(response) for text in said), (said, response)
    with sqlite3.connect(Path(tmp_path / "data" / "conversations.sqlite3")) as db:
        for n, sender in enumerate(senders):
            rows = db.execute("SELECT data FROM events WHERE sender_id = ? AND type_name = 'user'"
                              " ORDER BY id", (sender,)).fetchall()
            stored = [json.loads(row[0])["text"] for row in rows]
            assert stored == [QUESTIONS[(n + k) % len(QUESTIONS)][0]
                              for k in range(len(QUESTIONS))]
