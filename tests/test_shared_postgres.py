"""Issue 10 on PostgreSQL: two servers, one database, SMS on.

Each server has a data folder of its own (as on two machines), so whatever they
share is in PostgreSQL: a STOP taken by one server is seen by the other, what
patients type is stored redacted, and no request can stop either server.
"""
import json
import uuid
from dataclasses import dataclass
from typing import Iterator, List, Sequence

import pytest

from assistant.processes import Assistant
from tests.http_helpers import (Phone, SmsServer, fresh_sender, post_json, request, said,
                                sms_env, texts, token)
from tests.services import (INSTALL_HINT, Postgres, Redis, missing, running_postgres,
                            running_redis, two_servers)
from tests.test_door import PRIVATE, _assert_private
from tests.test_rate_limits import WINDOW, fresh_window

pytestmark = pytest.mark.server

JWT_SECRET = "shared-postgres-secret-" + uuid.uuid4().hex
LOGS = "shared-postgres-logs"
PER_CONVERSATION = 6


@dataclass
class Pair:
    servers: Sequence[Assistant]
    postgres: Postgres
    redis: Redis
    sms: Sequence[SmsServer]

    def stored(self) -> str:
        with self.postgres.connect() as connection, connection.cursor() as cursor:
            cursor.execute("SELECT data FROM events ORDER BY id")
            return "\n".join(row[0] for row in cursor.fetchall())


@pytest.fixture(scope="module")
def pair(trained_model, tmp_path_factory) -> Iterator[Pair]:
    if missing():
        pytest.fail(f"{INSTALL_HINT} (missing: {', '.join(missing())})")
    data = [str(tmp_path_factory.mktemp(f"machine-{name}")) for name in "ab"]
    with running_postgres() as postgres, running_redis() as redis:
        env = {**postgres.env, **redis.env, **sms_env(), "MISS_JWT_SECRET": JWT_SECRET,
               "MISS_RATE_PER_CONVERSATION": str(PER_CONVERSATION),
               "MISS_RATE_WINDOW_SECONDS": str(WINDOW)}
        with two_servers(env, LOGS, data) as servers:
            yield Pair(servers, postgres, redis,
                       [SmsServer(s.url, data[i]) for i, s in enumerate(servers)])


class TwoPhones:
    """One patient's phone, whose texts the load balancer sends to either server."""

    def __init__(self, pair: Pair) -> None:
        self.via = [Phone(pair.sms[0]), Phone(pair.sms[1])]
        self.via[1].number = self.via[0].number

    def text(self, server: int, body: str) -> List[str]:
        return self.via[server].text(body)


def test_stop_through_one_server_is_kept_by_the_other(pair):
    phone = TwoPhones(pair)
    assert "smaller incisions" in said(phone.text(0, "What is minimally invasive spine surgery?"))
    assert phone.text(0, "STOP")                      # confirmed once
    assert phone.text(1, "How long does recovery take?") == []
    assert phone.text(0, "What are the risks?") == []
    assert phone.text(1, "STOP") == []                # already opted out: nothing
    assert "subscribed again" in said(phone.text(1, "START"))
    assert "normal activities" in said(phone.text(0, "How long does recovery take?"))
    with pair.postgres.connect() as connection, connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM sms_optouts")
        assert cursor.fetchone() == (0,)


def test_what_patients_type_is_stored_redacted_on_postgresql(pair):
    sender = fresh_sender("web")
    status, answer = post_json(pair.servers[0].rest_webhook,
                               {"sender": sender, "message": PRIVATE})
    assert status == 200 and texts(answer)
    phone = TwoPhones(pair)
    assert phone.text(1, "my DOB is 12 March 1958, email me at pat.lee@example.com")
    assert phone.text(1, "or text me on +1 555 234 5678 about recovery")
    stored = pair.stored()
    _assert_private(stored)
    # "March 1958", not "1958": event timestamps are digits too.
    for detail in ("March 1958", "pat.lee", "+1 555", phone.via[0].number,
                   phone.via[0].number[2:]):
        assert detail not in stored, detail
    assert stored.count("[phone]") >= 2 and "[email]" in stored and "[date]" in stored


def test_a_nul_in_a_conversation_id_stops_neither_server(pair):
    admin = {"Authorization": f"Bearer {token(JWT_SECRET)}"}
    for server in pair.servers:
        status, _ = post_json(server.rest_webhook, {"sender": "\u0000", "message": "hi"})
        assert status == 400
        # Even through the API (a valid admin token), which has no door of its own.
        request(server.url + "/conversations/a%00b/tracker", headers=admin)  # any answer
        status, answer = post_json(server.rest_webhook,
                                   {"sender": fresh_sender("web"), "message": "hello"})
        assert status == 200 and texts(answer), answer
    assert json.loads(request(pair.servers[1].url + "/version", headers=admin)[1])["version"]


def test_the_rate_limit_counts_a_conversation_on_both_servers_in_redis(pair):
    sender = fresh_sender("web")
    fresh_window()
    statuses = [post_json(pair.servers[n % 2].rest_webhook,
                          {"sender": sender, "message": "hello"})[0]
                for n in range(PER_CONVERSATION + 2)]
    assert statuses == [200] * PER_CONVERSATION + [429, 429]
    client = pair.redis.client()
    client.execute_command("SELECT", 1)
    assert client.keys(f"miss:rate:c:{sender}:*")


def test_servers_starting_together_on_a_new_database_all_start(pair):
    """Each server creates the opt-out table at start if it is missing; started at the
    same moment on a new database, every one of them must come up (one once exited on
    PostgreSQL's duplicate-type error, and the pair fixture failed to start)."""
    import threading

    from channels.sms.optouts import OptOutStore

    postgres = pair.postgres
    for attempt in range(4):
        database = f"starting_together_{attempt}"
        connection = postgres.connect()
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {database}")
        connection.close()
        url = (f"postgresql://{postgres.user}:{postgres.password}@127.0.0.1:{postgres.port}/"
               f"{database}")
        start, errors, stores = threading.Barrier(6), [], []

        def start_a_server() -> None:
            start.wait()
            try:
                stores.append(OptOutStore(url))
            except Exception as error:  # noqa: BLE001 - the failure under test
                errors.append(error)

        threads = [threading.Thread(target=start_a_server) for _ in range(6)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
        assert errors == [] and len(stores) == 6
        stores[0].opt_out("sms-together")
        assert all(store.is_opted_out("sms-together") for store in stores)
        for store in stores:
            store.engine.dispose()
