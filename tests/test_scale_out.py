"""Past one machine: two Rasa servers sharing PostgreSQL (conversations) and Redis (locks).

Everything runs on loopback: PostgreSQL and Redis from Debian's packages in
temporary folders (tests/services.py), two Rasa servers started by the launcher
with the environment a clinic would set. The tests read the conversations back
through the HTTP API with a JWT, as an operator would, and check that every
message a patient got an answer to is stored once, in order, followed by exactly
the replies that patient got; then they restart the database in the middle of
the conversations.
"""
import subprocess
import sys
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Dict, Iterator, List, Optional, Sequence, Tuple

import pytest
import yaml

from miss_config.knowledge import clinic
from assistant.processes import Assistant, base_env
from miss_config.paths import PROJECT_ROOT
from tests.http_helpers import ask, bearer, get_json, post_json
from tests.services import (INSTALL_HINT, Postgres, Redis, log_dir, missing, running_postgres,
                            running_redis, two_servers)

pytestmark = pytest.mark.server

JWT_SECRET = "scale-out-test-secret-" + uuid.uuid4().hex
LOGS = "scale-out-logs"
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
DAY = 24 * 60 * 60

# Questions with an answer of their own.
QUESTIONS = [
    "hello",
    "what is minimally invasive spine surgery?",
    "how long is recovery",
    "what are the risks",
    "does it leave a scar",
    "how much does it cost",
    "how long will I stay in hospital",
    "will it hurt after the operation",
    "when can I go back to work",
    "thank you",
]
# Vague enough that the classifier is unsure (nlu_fallback), so the assistant
# declines; checked with the model.
UNSURE = ["tell me about the thing with the lasers", "what about the other one",
          "is the thing they do any good", "what happens to the muscles", "is it keyhole",
          "what does endoscopic mean", "anesthesia", "spinal fusion through small cuts",
          "and then what", "the thing", "is that it"]


def rendered(response: str) -> List[str]:
    return [v["text"].format(**clinic()) for v in DOMAIN["responses"][response]]


UNAVAILABLE = rendered("utter_service_unavailable")


@dataclass
class Cluster:
    servers: Sequence[Assistant]
    postgres: Postgres
    redis: Redis
    env: Dict[str, str]

    def api(self, path: str, server: int = 0, body: Optional[dict] = None) -> dict:
        url = self.servers[server].url + path
        if body is None:
            return get_json(url, bearer(JWT_SECRET))
        status, answer = post_json(url, body, bearer(JWT_SECRET), timeout=30)
        assert status == 200, (path, status, answer)
        return answer

    def events(self, sender: str, server: int = 0) -> List[dict]:
        return self.api(f"/conversations/{sender}/tracker?include_events=ALL", server)["events"]


def say(server: Assistant, sender: str, text: str) -> Tuple[int, List[str]]:
    """One message over the REST channel: the HTTP status and the reply texts."""
    return ask(server.rest_webhook, sender, text)


def turns(events: List[dict]) -> List[Tuple[str, List[str]]]:
    """Each user message in the tracker with the bot texts that follow it."""
    result: List[Tuple[str, List[str]]] = []
    for event in events:
        if event["event"] == "user":
            result.append((event["text"], []))
        elif event["event"] == "bot" and event.get("text") and result:
            result[-1][1].append(event["text"])
    return result


def assert_stored(cluster: Cluster, sender: str, exchanged: List[Tuple[str, List[str]]],
                  server: int = 0) -> None:
    """Every acknowledged message once, in order, each followed by exactly its replies.

    (The "service unavailable" reply is the channel's own safety net, sent when
    the conversation could not say anything, so it is never in the tracker.)"""
    stored = turns(cluster.events(sender, server))
    expected = [(text, [r for r in replies if r not in UNAVAILABLE])
                for text, replies in exchanged]
    assert stored == expected


@pytest.fixture(scope="module")
def cluster(trained_model, tmp_path_factory) -> Iterator[Cluster]:
    if missing():
        pytest.fail(f"{INSTALL_HINT} (missing: {', '.join(missing())})")
    for log in [*log_dir(f"{LOGS}/a").glob("*.log"), *log_dir(f"{LOGS}/b").glob("*.log")]:
        log.unlink()
    with running_postgres() as postgres, running_redis() as redis:
        env = {**postgres.env, **redis.env, "MISS_JWT_SECRET": JWT_SECRET,
               "MISS_DATA_DIR": str(tmp_path_factory.mktemp("scale-out-data"))}
        with two_servers(env, LOGS) as servers:
            yield Cluster(servers, postgres, redis, env)


def test_both_servers_use_the_shared_database_and_lock_store(cluster):
    def rows() -> int:
        with cluster.postgres.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT count(*) FROM events")
            return cursor.fetchone()[0]

    def lock_store_commands() -> int:
        return int(cluster.redis.client().info("stats")["total_commands_processed"])

    for server in cluster.servers:
        before_rows, before_commands = rows(), lock_store_commands()
        assert say(server, f"shared-{uuid.uuid4().hex[:6]}", "hello") == (200, rendered(
            "utter_greet"))
        assert rows() > before_rows
        # Issuing, taking and returning the conversation's ticket: a few Redis commands.
        assert lock_store_commands() - before_commands >= 4


def test_one_conversation_alternating_between_the_servers(cluster):
    sender = f"alternating-{uuid.uuid4().hex[:8]}"
    exchanged = []
    for n, text in enumerate(QUESTIONS):
        status, replies = say(cluster.servers[n % 2], sender, text)
        assert status == 200 and replies, (text, status)
        exchanged.append((text, replies))
    assert_stored(cluster, sender, exchanged, server=0)
    assert_stored(cluster, sender, exchanged, server=1)   # both see the same conversation


def test_many_conversations_in_parallel(cluster):
    def conversation(n: int) -> Tuple[str, List[Tuple[str, List[str]]]]:
        sender = f"parallel-{n}-{uuid.uuid4().hex[:6]}"
        exchanged = []
        for j in range(4):
            text = QUESTIONS[(n + 3 * j) % len(QUESTIONS)]
            status, replies = say(cluster.servers[(n + j) % 2], sender, text)
            assert status == 200 and replies, (sender, text, status)
            exchanged.append((text, replies))
        return sender, exchanged

    with ThreadPoolExecutor(max_workers=10) as pool:
        results = list(pool.map(conversation, range(20)))
    for sender, exchanged in results:
        assert_stored(cluster, sender, exchanged)
    assert_no_event_stored_twice(cluster)


def test_simultaneous_messages_of_one_conversation_are_handled_one_at_a_time(cluster):
    """Two messages of one conversation arriving at both servers at once: the
    Redis lock store makes one wait for the other, so neither is lost or mixed."""
    sender = f"simultaneous-{uuid.uuid4().hex[:8]}"
    exchanged: Dict[str, List[str]] = {}
    pairs = [(QUESTIONS[1], QUESTIONS[2]), (QUESTIONS[3], QUESTIONS[4]),
             (QUESTIONS[5], QUESTIONS[6]), (QUESTIONS[7], QUESTIONS[8])]
    for pair in pairs:
        barrier = threading.Barrier(2)

        def send(i: int, text: str) -> None:
            barrier.wait(timeout=30)
            status, replies = say(cluster.servers[i], sender, text)
            assert status == 200 and replies
            exchanged[text] = replies

        with ThreadPoolExecutor(2) as pool:
            for future in [pool.submit(send, i, text) for i, text in enumerate(pair)]:
                future.result()
    stored = turns(cluster.events(sender))
    assert sorted(text for text, _ in stored) == sorted(exchanged)
    for text, replies in stored:
        assert replies == exchanged[text], text
    assert_no_event_stored_twice(cluster)


def unsure_message(cluster: Cluster) -> str:
    for text in UNSURE:
        if cluster.api("/model/parse", body={"text": text})["intent"]["name"] == "nlu_fallback":
            return text
    pytest.fail(f"none of {UNSURE} goes to nlu_fallback with this model; add one that does")


def test_an_unsure_question_is_declined_with_the_clinic_by_either_server(cluster):
    """No action server: the Rasa server declines it itself (data/rules.yml)."""
    unsure = unsure_message(cluster)
    for n, server in enumerate(cluster.servers):
        sender = f"unsure-{n}-{uuid.uuid4().hex[:6]}"
        for text, response in [("how long will I stay in hospital", "utter_hospital_stay"),
                               (unsure, "utter_cannot_answer"),
                               ("how long is recovery", "utter_recovery_time")]:
            status, replies = say(server, sender, text)
            assert status == 200 and replies == rendered(response), (text, replies)
            if response == "utter_cannot_answer":
                assert clinic()["clinic_phone"] in replies[0] and "provider" in replies[0]


def test_database_restart_mid_run_loses_nothing_acknowledged(cluster):
    main = f"db-restart-{uuid.uuid4().hex[:8]}"
    exchanged = {main: []}
    for n, text in enumerate(QUESTIONS[:2]):
        status, replies = say(cluster.servers[n % 2], main, text)
        assert status == 200
        exchanged[main].append((text, replies))

    cluster.postgres.stop("fast")
    down_at = time.monotonic()
    during: Dict[str, Tuple[int, List[str]]] = {}
    senders = [main] + [f"db-outage-{n}-{uuid.uuid4().hex[:6]}" for n in range(6)]

    def send_during_outage(n: int) -> None:
        during[senders[n]] = say(cluster.servers[n % 2], senders[n], QUESTIONS[2 + n])

    try:
        threads = [threading.Thread(target=send_during_outage, args=(n,))
                   for n in range(len(senders))]
        for thread in threads:
            thread.start()
        time.sleep(3)
        assert not during   # nothing answered from an empty conversation meanwhile
    finally:
        cluster.postgres.start()
    outage = time.monotonic() - down_at
    for thread in threads:
        thread.join(timeout=60)
    assert outage >= 3

    for n, sender in enumerate(senders):
        status, replies = during[sender]
        assert status == 200, (sender, status)
        assert replies and replies[0] not in UNAVAILABLE, replies   # a real answer, late
        exchanged.setdefault(sender, []).append((QUESTIONS[2 + n], replies))

    for n, text in enumerate(QUESTIONS[-2:]):
        status, replies = say(cluster.servers[n % 2], main, text)
        assert status == 200 and replies
        exchanged[main].append((text, replies))

    for n, (sender, exchanged_) in enumerate(exchanged.items()):
        assert_stored(cluster, sender, exchanged_, server=n % 2)
    assert_no_event_stored_twice(cluster)


def assert_no_event_stored_twice(cluster: Cluster) -> None:
    with cluster.postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT sender_id, data, count(*) FROM events "
                       "GROUP BY sender_id, data HAVING count(*) > 1")
        assert cursor.fetchall() == []


def test_retention_command_on_postgresql(cluster):
    ids = {name: f"retention-{name}-{uuid.uuid4().hex[:6]}" for name in ("old", "mixed", "new")}
    for n, sender in enumerate(ids.values()):
        for text in QUESTIONS[n:n + 2]:
            assert say(cluster.servers[n % 2], sender, text)[0] == 200
    with cluster.postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("UPDATE events SET timestamp = timestamp - %s WHERE sender_id = %s",
                       (40 * DAY, ids["old"]))
        cursor.execute("UPDATE events SET timestamp = timestamp - %s WHERE id IN (SELECT id "
                       "FROM events WHERE sender_id = %s ORDER BY id LIMIT 4)",
                       (40 * DAY, ids["mixed"]))
        connection.commit()
        cursor.execute("SELECT count(DISTINCT sender_id) FROM events")
        before = cursor.fetchone()[0]

    result = subprocess.run([sys.executable, "-m", "assistant.retention", "--days", "30"],
                            cwd=PROJECT_ROOT, env={**base_env(), **cluster.env},
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "postgresql" in result.stdout and "deleted 1 conversation(s)" in result.stdout
    assert cluster.postgres.password not in result.stdout + result.stderr

    with cluster.postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT DISTINCT sender_id FROM events WHERE sender_id LIKE 'retention-%%'")
        assert {s for (s,) in cursor.fetchall()} == {ids["mixed"], ids["new"]}
        cursor.execute("SELECT count(DISTINCT sender_id) FROM events")
        assert cursor.fetchone()[0] == before - 1
