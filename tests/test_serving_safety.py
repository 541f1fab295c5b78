"""Safe by default: no open HTTP API, small requests, timeouts, loopback only."""
import argparse
import json
import socket
import time
from pathlib import Path
from typing import Dict, List, Tuple

import pytest
import yaml

from assistant import launcher, processes, stores
from miss_config.paths import PROJECT_ROOT
from miss_config.settings import load_settings
from tests.http_helpers import fresh_sender, post_large, request, token
from tests.services import API_JWT_SECRET as JWT_SECRET

ONE_MB = 1_000_000


def listening_addresses(port: int) -> List[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp*)."""
    found = []
    for table, width in (("/proc/net/tcp", 8), ("/proc/net/tcp6", 32)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            fields = line.split()
            address, hex_port = fields[1].split(":")
            if fields[3] == "0A" and int(hex_port, 16) == port:  # 0A: LISTEN
                raw = bytes.fromhex(address)
                if width == 8:
                    found.append(socket.inet_ntop(socket.AF_INET, raw[::-1]))
                else:
                    words = b"".join(raw[i:i + 4][::-1] for i in range(0, 16, 4))
                    found.append(socket.inet_ntop(socket.AF_INET6, words))
    return found


# --- What `make run` starts (no servers started here) -------------------------

class _Proc:
    pid = 0

    def wait(self, timeout=None):
        return 0

    def poll(self):
        return 0


@pytest.fixture
def served(monkeypatch, tmp_path):
    """Runs the launcher's `run` with the server replaced by a recorder."""
    started: List[Tuple[List[str], Dict[str, str]]] = []
    monkeypatch.setattr(launcher, "start_process",
                        lambda args, log=None, env=None: started.append((args, env)) or _Proc())
    monkeypatch.setattr(launcher, "wait_for_http", lambda *a, **k: None)
    monkeypatch.setattr(launcher, "stop", lambda *a, **k: None)
    monkeypatch.setenv("MISS_DATA_DIR", str(tmp_path))
    for name in ("MISS_JWT_SECRET", "MISS_DB_HOST", "MISS_REDIS_HOST",
                 "MISS_RETENTION_DAYS", *load_settings({}).sanic_env):
        monkeypatch.delenv(name, raising=False)

    def run(**settings: str):
        for name, value in settings.items():
            monkeypatch.setenv(name, value)
        args = argparse.Namespace(host="127.0.0.1", port=5005, no_widget=True,
                                  widget_host="127.0.0.1", widget_port=0)
        assert launcher._run(args) == 0
        (rasa_args, rasa_env), = started   # the Rasa server, and nothing else
        return rasa_args, rasa_env

    return run


def test_served_configuration_is_safe_by_default(served):
    args, env = served()
    assert "--debug" not in args and "-vv" not in args
    assert "--enable-api" not in args and "--jwt-secret" not in args
    assert args[args.index("--interface") + 1] == "127.0.0.1"
    assert args[args.index("--logging-config-file") + 1] == str(processes.LOGGING_CONFIG)
    assert env["SANIC_REQUEST_MAX_SIZE"] == str(ONE_MB)
    assert int(env["SANIC_REQUEST_TIMEOUT"]) <= 60 and int(env["SANIC_RESPONSE_TIMEOUT"]) <= 60
    assert args[args.index("--response-timeout") + 1] == env["SANIC_RESPONSE_TIMEOUT"]
    assert args[args.index("rasa") + 1] == "run" and "actions" not in args


def test_api_is_served_only_with_jwt_auth(served):
    args, _ = served(MISS_JWT_SECRET=JWT_SECRET)
    assert "--enable-api" in args
    assert args[args.index("--jwt-secret") + 1] == JWT_SECRET
    assert args[args.index("--jwt-method") + 1] == "HS256"


def test_short_jwt_secret_is_refused(monkeypatch):
    monkeypatch.setenv("MISS_JWT_SECRET", "secret")
    with pytest.raises(ValueError, match="at least 32"):
        processes.serving_args(load_settings())
    assert launcher.main(["run", "--no-widget"]) == 2


def test_endpoints_default_to_sqlite_in_the_data_folder(tmp_path):
    data = tmp_path / "data"
    endpoints = yaml.safe_load(processes.write_endpoints(
        tmp_path, load_settings({"MISS_DATA_DIR": str(data)})).read_text())
    assert endpoints["tracker_store"] == {"type": stores.TRACKER_STORE_TYPE,
                                          "dialect": "sqlite",
                                          "db": str(data / "conversations.sqlite3")}
    assert data.is_dir()
    assert "lock_store" not in endpoints
    assert "action_endpoint" not in endpoints   # no custom actions, no action server
    assert endpoints["nlg"]["type"] == "assistant.nlg.ClinicResponses"


def test_endpoints_for_postgresql_and_redis_keep_passwords_out_of_the_file(tmp_path,
                                                                          monkeypatch):
    env = {"MISS_DB_HOST": "db.internal", "MISS_DB_PORT": "6543", "MISS_DB_NAME": "clinic",
           "MISS_DB_USER": "rasa", "MISS_DB_PASSWORD": "db-pass-123",
           "MISS_REDIS_HOST": "redis.internal", "MISS_REDIS_PASSWORD": "redis-pass-456"}
    path = processes.write_endpoints(tmp_path, load_settings(env))
    text = path.read_text()
    assert "db-pass-123" not in text and "redis-pass-456" not in text
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    from rasa.core.utils import AvailableEndpoints

    endpoints = AvailableEndpoints.read_endpoints(str(path))
    store = endpoints.tracker_store
    assert store.type == stores.TRACKER_STORE_TYPE and store.url == "db.internal"
    assert store.kwargs == {"dialect": "postgresql", "port": 6543, "db": "clinic",
                            "username": "rasa", "password": "db-pass-123"}
    lock = endpoints.lock_store
    assert lock.type == stores.LOCK_STORE_TYPE and lock.url == "redis.internal"
    assert lock.kwargs["password"] == "redis-pass-456" and lock.kwargs["port"] == 6379
    assert endpoints.action is None


def test_project_endpoints_work_for_a_plain_rasa_run_without_any_settings(monkeypatch):
    for name in ("MISS_DB_PASSWORD", "MISS_REDIS_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    from rasa.core.utils import AvailableEndpoints

    endpoints = AvailableEndpoints.read_endpoints(str(PROJECT_ROOT / "endpoints.yml"))
    assert endpoints.tracker_store.type == stores.TRACKER_STORE_TYPE
    assert endpoints.tracker_store.kwargs == {"dialect": "sqlite",
                                              "db": "var/conversations.sqlite3"}
    assert endpoints.lock_store is None
    assert endpoints.action is None


# --- The real servers ----------------------------------------------------------

@pytest.mark.server
def test_http_api_is_off_without_a_jwt_secret(assistant):
    if load_settings().jwt_secret:
        pytest.skip("MISS_JWT_SECRET is set in this environment, so the API is on")
    for method, path in [("GET", "/conversations/someone/tracker"), ("GET", "/status"),
                         ("GET", "/version"), ("POST", "/model/parse"), ("PUT", "/model")]:
        body = b'{"text": "hi"}' if method != "GET" else None
        status, _ = request(assistant.url + path, method, body,
                            {"Content-Type": "application/json"})
        assert status in (404, 405), (path, status)
    status, _ = request(assistant.url + "/")
    assert status == 200


@pytest.mark.server
def test_request_over_the_size_limit_gets_413(assistant):
    assert post_large(assistant.host, assistant.port, "/webhooks/rest/webhook",
                      ONE_MB + 50_000) == 413
    # Just under the limit is read, and the guard answers politely.
    assert post_large(assistant.host, assistant.port, "/webhooks/rest/webhook",
                      ONE_MB - 50_000) == 200


@pytest.mark.server
def test_api_needs_a_valid_jwt(secured):
    chat, patient = secured.rest_webhook, fresh_sender("jwt-patient")
    status, _ = request(chat, "POST", json.dumps({"sender": patient, "message": "hi"})
                        .encode(), {"Content-Type": "application/json"})
    assert status == 200   # the channel itself needs no token
    tracker = secured.url + f"/conversations/{patient}/tracker"

    assert request(tracker)[0] == 401
    assert request(secured.url + "/status")[0] == 401
    assert request(tracker, headers={"Authorization": "Bearer nonsense"})[0] == 401
    forged = token("another-secret-that-is-long-enough-000000")
    assert request(tracker, headers={"Authorization": f"Bearer {forged}"})[0] == 401
    expired = token(JWT_SECRET, expires_in=-600)   # sanic-jwt allows 3 minutes of clock skew
    assert request(tracker, headers={"Authorization": f"Bearer {expired}"})[0] == 401
    someone_else = token(JWT_SECRET, role="user", username="another-patient")
    assert request(tracker, headers={"Authorization": f"Bearer {someone_else}"})[0] == 403

    status, body = request(tracker, headers={"Authorization": f"Bearer {token(JWT_SECRET)}"})
    assert status == 200
    events = json.loads(body)["events"]
    assert [e["text"] for e in events if e["event"] == "user"] == ["hi"]
    own = token(JWT_SECRET, role="user", username=patient)
    assert request(tracker, headers={"Authorization": f"Bearer {own}"})[0] == 200


@pytest.mark.server
def test_size_limit_holds_with_the_api_on_too(secured):
    assert post_large(secured.host, secured.port, "/webhooks/rest/webhook",
                      ONE_MB + 50_000) == 413


def _first_answer(server, data: bytes) -> Tuple[bytes, float]:
    with socket.create_connection((server.host, server.port), timeout=40) as client:
        client.sendall(data)
        started = time.monotonic()
        answer = client.recv(4096)
        return answer, time.monotonic() - started


@pytest.mark.server
def test_a_request_whose_headers_never_finish_times_out(secured):
    # Sanic's REQUEST_TIMEOUT (here 3 s) covers receiving the headers.
    answer, waited = _first_answer(secured, b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n")
    assert answer.startswith(b"HTTP/1.1 408"), answer[:80]
    assert 2 <= waited <= 15


@pytest.mark.server
def test_a_request_whose_body_never_finishes_times_out(secured):
    # After the headers, Sanic's RESPONSE_TIMEOUT (here 6 s) applies; Rasa sets
    # it itself for the API's app, from --response-timeout.
    answer, waited = _first_answer(
        secured, b"POST /webhooks/rest/webhook HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Type: application/json\r\nContent-Length: 100\r\n\r\n{")
    assert answer.startswith(b"HTTP/1.1 503"), answer[:80]
    assert 4 <= waited <= 20


@pytest.mark.server
def test_servers_listen_on_loopback_only(secured):
    assert listening_addresses(secured.port) == ["127.0.0.1"]


def _last_user_parse(assistant, sender: str) -> dict:
    tracker = assistant.url + f"/conversations/{sender}/tracker"
    status, body = request(tracker, headers={"Authorization": f"Bearer {token(JWT_SECRET)}"})
    assert status == 200
    return [e for e in json.loads(body)["events"] if e["event"] == "user"][-1]


@pytest.mark.server
@pytest.mark.parametrize("typed", ["/out_of_scope", '/emergency{"red_flag": "crisis"}',
                                   "/greet@0.99", '/ /emergency{"red_flag":"crisis"}',
                                   "/ /out_of_scope", "/\n/restart", "/\u2028/bot_challenge",
                                   "/\u2029/greet", "/\u00a0/emergency", "/\ufeff/emergency",
                                   " / / /emergency"])
def test_a_typed_slash_command_cannot_force_an_intent(secured, typed):
    sender = fresh_sender("slash")
    status, _ = request(secured.rest_webhook, "POST",
                        json.dumps({"sender": sender, "message": typed}).encode(),
                        {"Content-Type": "application/json"})
    assert status == 200
    user = _last_user_parse(secured, sender)
    assert not user["text"].strip().startswith("/")
    # Understood by the classifiers (a full ranking), not hard-coded by the slash.
    assert len(user["parse_data"]["intent_ranking"]) > 1
    assert not any(e["entity"] == "red_flag" and e["value"] == "crisis"
                   for e in user["parse_data"]["entities"])


@pytest.mark.server
def test_the_assistants_own_buttons_still_choose_their_topic(secured):
    sender = fresh_sender("button-patient")
    status, body = request(secured.rest_webhook, "POST",
                           json.dumps({"sender": sender, "message": "/recovery_time"}).encode(),
                           {"Content-Type": "application/json"})
    assert status == 200
    assert _last_user_parse(secured, sender)["parse_data"]["intent"]["name"] == "recovery_time"
