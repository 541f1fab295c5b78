"""Conversations are kept (SQLite by default, across restarts) and deleted after the retention period."""
import json
import shutil
import sqlite3
import subprocess
import sys
import time
import uuid
from pathlib import Path
from typing import Dict, List, Sequence

import pytest

from assistant import retention
from assistant.processes import base_env
from miss_config.paths import PROJECT_ROOT
from miss_config.settings import load_settings
from tests.http_helpers import RestChat
from tests.services import served_assistant

DAY = 24 * 60 * 60
DB_FILE = "conversations.sqlite3"

# Each conversation's messages, each with an answer of its own.
CONVERSATIONS = {
    "old": ["hello", "how long is recovery"],          # last event 40 days ago: deleted
    "mixed": ["what are the risks", "thank you"],      # first message 40 days ago, last today: kept
    "recent": ["does it leave a scar", "bye"],         # today: kept
    "edge": ["how much does it cost"],                 # 29 days ago: kept (35 days at the restart)
}


def sqlite_rows(db: Path, sql: str, *params) -> List[tuple]:
    with sqlite3.connect(db) as connection:
        return connection.execute(sql, params).fetchall()


def back_date(db: Path, sender: str, days: float, first_rows: int = 0) -> None:
    """Moves a conversation's events ``days`` into the past (only its first rows, if given)."""
    with sqlite3.connect(db) as connection:
        ids = [r[0] for r in connection.execute(
            "SELECT id FROM events WHERE sender_id = ? ORDER BY id", (sender,))]
        ids = ids[:first_rows] if first_rows else ids
        connection.executemany("UPDATE events SET timestamp = timestamp - ? WHERE id = ?",
                               [(days * DAY, i) for i in ids])


def user_texts(db: Path, sender: str) -> List[str]:
    rows = sqlite_rows(db, "SELECT data FROM events WHERE sender_id = ? AND type_name = 'user' "
                           "ORDER BY id", sender)
    return [json.loads(data)["text"] for (data,) in rows]


def senders(db: Path) -> set:
    return {s for (s,) in sqlite_rows(db, "SELECT DISTINCT sender_id FROM events")}


def copy_store(source: Path, target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for file in source.glob(DB_FILE + "*"):   # the database and its write-ahead log
        shutil.copy2(file, target / file.name)
    return target / DB_FILE


def own_copy(live: Path, target: Path, senders: Sequence[str]) -> Path:
    """A copy of a running server's store (SQLite's online backup) holding only ``senders``."""
    target.mkdir(parents=True, exist_ok=True)
    copy = target / DB_FILE
    with sqlite3.connect(live) as source, sqlite3.connect(copy) as destination:
        source.backup(destination)
        marks = ", ".join("?" * len(senders))
        destination.execute(f"DELETE FROM events WHERE sender_id NOT IN ({marks})", senders)
    return copy


@pytest.fixture(scope="module")
def stored(assistant, tmp_path_factory) -> Dict:
    """Conversations held through the shared real server in SQLite (the default store),
    then copied with only these conversations and back-dated (``data``)."""
    ids = {name: f"retention-{name}-{uuid.uuid4().hex[:6]}" for name in CONVERSATIONS}
    for name, messages in CONVERSATIONS.items():
        chat = RestChat(assistant.rest_webhook, ids[name])
        for text in messages:
            assert chat.texts(text), text
    live = assistant.data / DB_FILE
    assert live.exists()
    data = tmp_path_factory.mktemp("retention-data")
    db = own_copy(live, data, list(ids.values()))
    back_date(db, ids["old"], 40)
    back_date(db, ids["mixed"], 40, first_rows=4)
    back_date(db, ids["edge"], 29)
    return {"live": live, "data": data, "ids": ids}


def run_retention(data: Path, *args: str) -> subprocess.CompletedProcess:
    env = {**base_env(), "MISS_DATA_DIR": str(data)}
    env.pop("MISS_DB_HOST", None)
    return subprocess.run([sys.executable, "-m", "assistant.retention", *args], cwd=PROJECT_ROOT,
                          env=env, capture_output=True, text=True, timeout=120)


@pytest.mark.server
def test_conversations_are_stored_in_sqlite_in_the_data_folder(stored):
    db = stored["live"]
    for name, messages in CONVERSATIONS.items():
        assert user_texts(db, stored["ids"][name]) == messages


@pytest.mark.server
def test_prune_command_deletes_only_conversations_quiet_for_longer(stored, tmp_path):
    db = copy_store(stored["data"], tmp_path / "data")
    ids = stored["ids"]

    dry = run_retention(tmp_path / "data", "--days", "30", "--dry-run")
    assert dry.returncode == 0, dry.stderr
    assert "would delete 1 conversation(s)" in dry.stdout
    assert senders(db) == set(ids.values())

    result = run_retention(tmp_path / "data", "--days", "30")
    assert result.returncode == 0, result.stderr
    assert "deleted 1 conversation(s)" in result.stdout
    assert senders(db) == {ids["mixed"], ids["recent"], ids["edge"]}
    # A kept conversation is kept whole, its old events too.
    assert user_texts(db, ids["mixed"]) == CONVERSATIONS["mixed"]
    assert not sqlite_rows(db, "SELECT 1 FROM events WHERE sender_id = ?", ids["old"])

    again = run_retention(tmp_path / "data", "--days", "30")
    assert "deleted 0 conversation(s)" in again.stdout
    shorter = run_retention(tmp_path / "data", "--days", "28")
    assert "deleted 1 conversation(s)" in shorter.stdout
    assert senders(db) == {ids["mixed"], ids["recent"]}


@pytest.mark.server
def test_conversations_survive_a_restart_and_start_up_prunes_old_ones(stored, tmp_path):
    data = tmp_path / "data"
    db = copy_store(stored["data"], data)
    ids = stored["ids"]
    back_date(db, ids["edge"], 6)   # now 35 days quiet
    env = {"MISS_DATA_DIR": str(data), "MISS_RETENTION_DAYS": "30"}
    with served_assistant("retention-server-logs/restart", env) as server:
        assert senders(db) == {ids["mixed"], ids["recent"]}
        chat = RestChat(server.rest_webhook, ids["recent"])
        assert chat.texts("how long will I stay in hospital")
        # The old conversation starts afresh; nothing of it was kept.
        RestChat(server.rest_webhook, ids["old"]).texts("hello")
    assert user_texts(db, ids["recent"]) == CONVERSATIONS["recent"] + [
        "how long will I stay in hospital"]
    assert user_texts(db, ids["old"]) == ["hello"]


def test_prune_on_a_store_that_does_not_exist_yet_creates_nothing(tmp_path):
    assert retention.prune(30, load_settings({"MISS_DATA_DIR": str(tmp_path / "none")})) == 0
    assert not (tmp_path / "none").exists()


def test_prune_counts_whole_conversations_by_their_last_event(tmp_path):
    from rasa.core.tracker_store import SQLTrackerStore

    db = tmp_path / DB_FILE
    SQLTrackerStore(dialect="sqlite", db=str(db))   # creates Rasa's table
    now = time.time()
    rows = [("a", now - 50 * DAY), ("a", now - 45 * DAY),   # quiet for 45 days
            ("b", now - 50 * DAY), ("b", now - 1 * DAY),    # active yesterday
            ("c", now - 31 * DAY)]
    with sqlite3.connect(db) as connection:
        connection.executemany(
            "INSERT INTO events (sender_id, type_name, timestamp, data) VALUES (?, 'user', ?, '{}')",
            rows)
    settings = load_settings({"MISS_DATA_DIR": str(tmp_path)})
    assert [s for s, _ in retention.conversations(settings)] == ["a", "c", "b"]
    assert retention.prune(30, settings, dry_run=True) == 2
    assert retention.prune(30, settings) == 2
    assert senders(db) == {"b"}
    assert len(sqlite_rows(db, "SELECT id FROM events")) == 2


def test_negative_days_are_refused(tmp_path):
    with pytest.raises(ValueError):
        retention.prune(-1, load_settings({"MISS_DATA_DIR": str(tmp_path)}))
    result = run_retention(tmp_path, "--days", "-1")
    assert result.returncode == 2 and "negative" in result.stderr


def test_make_target_runs_the_command(tmp_path):
    env = {**base_env(), "MISS_DATA_DIR": str(tmp_path)}
    env.pop("MISS_DB_HOST", None)
    make = ["make", "-s", "-o", "setup", "prune-conversations"]   # -o: no install step here
    result = subprocess.run(make + ["DAYS=30"], cwd=PROJECT_ROOT, env=env, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "deleted 0 conversation(s) with no event in the last 30 days" in result.stdout
    usage = subprocess.run(make, cwd=PROJECT_ROOT, env=env, capture_output=True, text=True,
                           timeout=60)
    assert usage.returncode != 0 and "DAYS=30" in usage.stdout
