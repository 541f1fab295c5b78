"""Shared fixtures: the trained model, the served assistant the end-to-end tests
share, and the spaCy pipeline.

Tests that need a server of another configuration (API on, rate limits, SMS,
PostgreSQL) start their own with tests/services.py.
"""
from pathlib import Path

import pytest

from miss_config.paths import MODEL
from tests.http_helpers import RestChat, sms_env
from tests.services import API_JWT_SECRET, served_assistant


# Session-scoped servers: under pytest-xdist each worker would start its own copy.
SHARED_SERVERS = {"assistant", "secured"}
# The evaluations as served share one loaded agent per process (assistant.evaluate.served_agent);
# the triage evaluation, the longest (about 100 s), is a group of its own, so that the two
# workers share the evaluations' work (at the price of loading the model twice, about 9 s).
EVALUATIONS = {"test_nlu_heldout.py": "evaluations", "test_realworld_heldout.py": "evaluations",
               "test_served_batch.py": "evaluations", "test_triage_blind.py": "triage-evaluation"}


# First: pytest-xdist reads the groups in its own hook of the same name, which would
# otherwise run before this one (it is registered later) and find none.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items) -> None:
    """Groups for pytest-xdist's ``--dist loadgroup`` (`make test` runs two workers).

    A file's tests stay on one worker, so its module-scoped servers start once; every
    file that uses a shared server joins one group, so each shared server starts once,
    and so do the evaluations, so the model is loaded once for them.
    On a worker, the groups that start servers or load the model are sent first, the
    largest first, so the slowest work does not wait at the end of the queue (with
    ``--no-loadscope-reorder``). A plain run keeps its order.
    """
    groups = {}
    for item in items:
        group = groups.setdefault(item.path, {"name": item.nodeid.split("::")[0], "slow": False})
        if SHARED_SERVERS & set(item.fixturenames):
            group["name"] = "shared-servers"
        elif item.path.name in EVALUATIONS:
            group["name"] = EVALUATIONS[item.path.name]
        group["slow"] |= any(item.iter_markers("server")) or any(item.iter_markers("model"))
    for item in items:
        item.add_marker(pytest.mark.xdist_group(groups[item.path]["name"]))
    if hasattr(config, "workerinput"):
        names = [groups[item.path]["name"] for item in items]
        slow = {groups[item.path]["name"] for item in items if groups[item.path]["slow"]}
        size = {name: names.count(name) if name in slow else 0 for name in set(names)}
        items.sort(key=lambda item: -size[groups[item.path]["name"]])


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`, "
                    "which trains first")
    return MODEL


@pytest.fixture(scope="session")
def assistant_data(tmp_path_factory) -> Path:
    """The shared assistant's data folder (its conversations and its shell token)."""
    return tmp_path_factory.mktemp("assistant-data")


@pytest.fixture(scope="session")
def assistant(trained_model, assistant_data):
    """The assistant as `make run` serves it, once for the whole test session: the
    Rasa server (the REST channel, the SMS channel with the test Twilio account of
    tests/http_helpers.py, CORS for the demo page's origin) and the widget's demo
    page, on free loopback ports.

    Conversations go to a SQLite store of the session's own (``assistant_data``, also
    ``assistant.data``), never var/. Every test talks under fresh sender ids, so no
    test sees another's.
    """
    env = {"MISS_DATA_DIR": str(assistant_data), **sms_env()}
    with served_assistant("server-logs", env, widget=True) as running:
        yield running


@pytest.fixture(scope="session")
def secured(trained_model, tmp_path_factory):
    """A server with Rasa's HTTP API on behind a JWT (API_JWT_SECRET), and short
    request (3 s) and response (6 s) timeouts; its data folder is ``secured.data``.
    Shared by the API, timeout and door tests."""
    env = {"MISS_JWT_SECRET": API_JWT_SECRET, "SANIC_REQUEST_TIMEOUT": "3",
           "SANIC_RESPONSE_TIMEOUT": "6",
           "MISS_DATA_DIR": str(tmp_path_factory.mktemp("secured-data"))}
    with served_assistant("secured-server-logs", env) as running:
        yield running


@pytest.fixture
def chat(assistant) -> RestChat:
    """A new patient's conversation with the shared assistant."""
    return RestChat(assistant.rest_webhook)


@pytest.fixture(scope="session")
def nlp():
    """The project's spaCy pipeline, loaded once."""
    import spacy

    from miss_nlp import PIPELINE_PACKAGE

    return spacy.load(PIPELINE_PACKAGE)

