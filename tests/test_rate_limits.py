"""Issue 10, part 4: rate limits per conversation and per client address.

A real server with small limits (SQLite, SMS on, Sanic trusting one proxy so
that each test can come from an address of its own); counting in Redis is
checked here with a real Redis and, across two servers, in test_shared_postgres.py.
"""
import json
import uuid
from typing import Dict, Tuple

import pytest

from channels.rate_limit import RateLimiter
from channels.sms.replies import SmsConfig
from miss_config.settings import load_settings
from tests.http_helpers import Phone, SmsServer, fresh_sender, said, send, sms_env
from tests.services import served_assistant

PER_CONVERSATION, PER_ADDRESS = 4, 10
# The test servers count in one-hour windows (60 s serving), so a test seldom has to
# wait for a fresh window (fresh_window) before it counts: about once in ninety runs,
# where five-minute windows kept one test in eight waiting up to 40 s.
WINDOW = 3600


def test_counts_per_window_and_says_when_to_come_back():
    limiter = RateLimiter(per_conversation=2, per_address=3, window=60)
    assert limiter.check("a", "1.2.3.4", now=120).allowed
    assert limiter.check("a", "1.2.3.4", now=121).allowed
    refused = limiter.check("a", "1.2.3.4", now=130)
    assert not refused.allowed and refused.first_refusal and refused.retry_after == 50
    assert not limiter.check("a", "1.2.3.4", now=131).first_refusal   # said once
    assert limiter.check("b", "1.2.3.4", now=132).allowed              # the address: 3rd
    assert not limiter.check("c", "1.2.3.4", now=133).allowed          # 4th from it
    assert limiter.check("a", "1.2.3.4", now=180).allowed              # a new window


def test_zero_turns_a_limit_off_and_bad_settings_are_refused():
    limiter = RateLimiter(per_conversation=0, per_address=0, window=60)
    assert all(limiter.check("a", "x", now=1).allowed for _ in range(100))
    load_settings({})
    for bad in ({"MISS_RATE_PER_CONVERSATION": "many"}, {"MISS_RATE_PER_ADDRESS": "-1"},
                {"MISS_RATE_WINDOW_SECONDS": "0"}):
        with pytest.raises(ValueError):
            load_settings(bad)


@pytest.mark.server
def test_redis_counts_for_every_server_and_a_redis_outage_lets_patients_through():
    from tests.services import missing, running_redis

    if missing():
        pytest.skip("redis-server is not installed (make service-deps)")
    with running_redis() as redis:
        env = {**redis.env, "MISS_RATE_PER_CONVERSATION": "3"}
        settings = load_settings(env)
        one, two = RateLimiter.from_settings(settings), RateLimiter.from_settings(settings)
        assert [one.check("c", now=10).allowed, two.check("c", now=11).allowed,
                one.check("c", now=12).allowed, two.check("c", now=13).allowed] == \
            [True, True, True, False]
        client = redis.client()
        assert client.execute_command("SELECT", 1) and client.keys("miss:rate:*")
    assert one.check("c", now=14).allowed    # Redis is gone: never refuse for that


@pytest.fixture(scope="module")
def server(trained_model, tmp_path_factory):
    data = tmp_path_factory.mktemp("rate-data")
    env = {"MISS_DATA_DIR": str(data), "MISS_RATE_PER_CONVERSATION": str(PER_CONVERSATION),
           "MISS_RATE_PER_ADDRESS": str(PER_ADDRESS), "MISS_RATE_WINDOW_SECONDS": str(WINDOW),
           "SANIC_PROXIES_COUNT": "1", **sms_env()}
    with served_assistant("rate-limit-logs", env) as running:
        running.sms = SmsServer(running.url, data)
        yield running


def say(server, sender: str, address: str, text: str = "hello"
        ) -> Tuple[int, Dict[str, str], object]:
    """One REST message from ``address`` (the proxy's X-Forwarded-For): the status,
    the headers and the answer."""
    response = send(server.rest_webhook, "POST",
                    json.dumps({"sender": sender, "message": text}).encode(),
                    {"Content-Type": "application/json", "X-Forwarded-For": address})
    return response.status, response.headers, response.json()


def fresh_window(needed: float = 25, window: int = WINDOW) -> None:
    """Waits for a new counting window of ``window`` s (the servers' setting) when this
    one has less than ``needed`` s left."""
    import time

    left = window - time.time() % window
    if left < needed:
        time.sleep(left + 0.2)


def fresh_address() -> str:
    return f"198.51.100.{uuid.uuid4().int % 250 + 1}"


@pytest.mark.server
def test_a_conversation_over_its_limit_gets_429_with_retry_after(server):
    sender, address = fresh_sender("web"), fresh_address()
    fresh_window(window=WINDOW)
    for _ in range(PER_CONVERSATION):
        assert say(server, sender, address)[0] == 200
    status, headers, body = say(server, sender, address)
    assert status == 429 and 1 <= int(headers["Retry-After"]) <= WINDOW
    assert "wait" in body["error"]
    # Another conversation is not held back by this one.
    assert say(server, fresh_sender("web"), fresh_address())[0] == 200


@pytest.mark.server
def test_an_address_over_its_limit_gets_429(server):
    address = "203.0.113.77"
    fresh_window(window=WINDOW)
    statuses = [say(server, fresh_sender("web"), address)[0]
                for _ in range(PER_ADDRESS + 1)]
    assert statuses == [200] * PER_ADDRESS + [429]
    assert say(server, fresh_sender("web"), "203.0.113.78")[0] == 200


def test_loopback_without_a_forwarded_address_is_limited_per_conversation_only():
    from types import SimpleNamespace

    from channels.rate_limit import client_address

    assert client_address(SimpleNamespace(remote_addr="", ip="127.0.0.1")) is None
    assert client_address(SimpleNamespace(remote_addr="", ip="::1")) is None
    assert client_address(SimpleNamespace(remote_addr="203.0.113.5", ip="127.0.0.1")) == \
        "203.0.113.5"
    assert client_address(SimpleNamespace(remote_addr="", ip="192.0.2.4")) == "192.0.2.4"


@pytest.mark.server
def test_sms_over_the_limit_gets_one_short_text_then_nothing_and_stop_still_works(server):
    phone = Phone(server.sms)
    fresh_window(40, WINDOW)
    for _ in range(PER_CONVERSATION):
        assert phone.text("How long does recovery take?")
    over = SmsConfig.load().texts["rate_limited"]      # knowledge/sms.yml
    assert phone.text("How long does recovery take?") == [over]
    assert "wait a minute" in over and "healthcare provider" in over and len(over) <= 160
    assert phone.text("What are the risks?") == []
    assert phone.text("STOP")                         # carriers' keywords always work
    assert "subscribed again" in said(phone.text("START"))
