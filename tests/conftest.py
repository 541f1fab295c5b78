"""Shared fixtures: the trained model, a running assistant, and REST helpers."""
import json
import urllib.request
import uuid
from pathlib import Path
from typing import Dict, List

import pytest

from assistant.launcher import MODEL, PROJECT_ROOT, running_assistant

ARTIFACTS = PROJECT_ROOT / "test-artifacts"


@pytest.fixture(scope="session")
def trained_model() -> Path:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run the tests with `make test`, which trains first")
    return MODEL


@pytest.fixture(scope="session")
def assistant_data(tmp_path_factory) -> Path:
    """The shared assistant's data folder (its conversations and its shell token)."""
    return tmp_path_factory.mktemp("assistant-data")


@pytest.fixture(scope="session")
def assistant(trained_model, assistant_data):
    """The real action server and Rasa server (REST channel) on free loopback ports.

    Conversations go to a SQLite store of the test session's own, never var/.
    """
    logs = ARTIFACTS / "server-logs"
    with running_assistant(log_dir=logs, env={"MISS_DATA_DIR": str(assistant_data)}) as running:
        yield running


class RestChat:
    """One patient's conversation over the REST channel."""

    def __init__(self, webhook: str, sender: str = "") -> None:
        self.webhook = webhook
        self.sender = sender or f"patient-{uuid.uuid4().hex[:10]}"

    def say(self, text: str) -> List[Dict]:
        body = json.dumps({"sender": self.sender, "message": text}).encode("utf-8")
        request = urllib.request.Request(
            self.webhook, data=body, headers={"Content-Type": "application/json"})
        with urllib.request.urlopen(request, timeout=60) as response:
            return json.loads(response.read())

    def texts(self, text: str) -> List[str]:
        return [m["text"] for m in self.say(text) if m.get("text")]


@pytest.fixture
def chat(assistant) -> RestChat:
    return RestChat(assistant.rest_webhook)


# --- Action unit tests: a dispatcher, the domain, and a small tracker builder ---

@pytest.fixture
def dispatcher():
    from rasa_sdk.executor import CollectingDispatcher

    return CollectingDispatcher()


@pytest.fixture(scope="session")
def domain() -> Dict:
    import yaml

    return yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text(encoding="utf-8"))


def make_tracker(text: str, intent: str, entities: List[Dict] = ()):
    """A tracker whose latest patient message is ``text``, understood as ``intent``."""
    from rasa_sdk import Tracker

    latest = {"text": text, "intent": {"name": intent, "confidence": 1.0},
              "entities": list(entities)}
    return Tracker(sender_id="patient-test", slots={}, latest_message=latest,
                   events=[{"event": "user", "text": text, "parse_data": latest}],
                   paused=False, followup_action=None, active_loop={},
                   latest_action_name="action_listen")
