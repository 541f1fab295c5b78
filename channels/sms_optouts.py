"""SMS opt-outs and the phone-number hashing key, shared by every server.

Opt-outs are kept in the conversation database the servers share (table
``sms_optouts`` beside Rasa's ``events``: the SQLite file in ``MISS_DATA_DIR``
by default, PostgreSQL with ``MISS_DB_HOST``), under the keyed hash of the
number that is also its conversation id, so a STOP taken by one server is seen
by every other. Opt-outs kept by earlier versions in
``MISS_DATA_DIR/sms_optouts.sqlite3`` are moved in at start.

Every server must hash numbers with the same key, or a patient's STOP is kept
under a hash that the next server never computes: with PostgreSQL (several
servers) and SMS on, ``MISS_SMS_HASH_KEY`` must be set (:func:`check_settings`,
called by the launcher and when the channel starts). With SQLite (one server)
a key is made once and kept in ``MISS_DATA_DIR/sms_hash_key`` when it is unset.
"""
import logging
import os
import secrets
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Mapping, Optional

import sqlalchemy as sa

logger = logging.getLogger(__name__)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
HASH_KEY_FILE = "sms_hash_key"
HASH_KEY_ENV = "MISS_SMS_HASH_KEY"
LEGACY_OPTOUT_DB = "sms_optouts.sqlite3"
TABLE = "sms_optouts"
TWILIO_REQUIRED = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_NUMBER")


def _get(env: Optional[Mapping[str, str]], name: str) -> str:
    return ((os.environ if env is None else env).get(name) or "").strip()


def data_dir(env: Optional[Mapping[str, str]] = None) -> Path:
    """Where the channel keeps local state ($MISS_DATA_DIR, default <project>/var)."""
    path = Path(_get(env, "MISS_DATA_DIR") or PROJECT_ROOT / "var")
    return path if path.is_absolute() else PROJECT_ROOT / path


def ensure_dir(path: Path) -> Path:
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def check_settings(env: Optional[Mapping[str, str]] = None,
                   sms_on: Optional[bool] = None) -> None:
    """Raises ValueError when the servers could not share opt-outs: PostgreSQL and
    SMS (default: the TWILIO_* variables all set) without MISS_SMS_HASH_KEY."""
    if sms_on is None:
        sms_on = all(_get(env, name) for name in TWILIO_REQUIRED)
    if sms_on and _get(env, "MISS_DB_HOST") and not _get(env, HASH_KEY_ENV):
        raise ValueError(
            f"{HASH_KEY_ENV} must be set when conversations are in PostgreSQL (MISS_DB_HOST) "
            "and SMS is on: every server must hash phone numbers with the same key, or a "
            "patient's STOP taken by one server is not found by the next. Set the same "
            "secret on every server, e.g. `openssl rand -hex 32`, and keep it.")


def hash_key(directory: Optional[Path] = None) -> bytes:
    """The key for hashing phone numbers: $MISS_SMS_HASH_KEY, else one made once and kept.

    The key must not change, or opt-outs and conversations are no longer found:
    it is kept in the data folder rather than derived from the auth token, which
    a clinic may rotate.
    """
    configured = os.environ.get(HASH_KEY_ENV, "").strip()
    if configured:
        return configured.encode("utf-8")
    check_settings(sms_on=True)
    path = ensure_dir(directory or data_dir()) / HASH_KEY_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w", encoding="ascii") as handle:
            handle.write(secrets.token_hex(32))
    return path.read_text(encoding="ascii").strip().encode("utf-8")


def database_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The conversation database's URL, as the launcher configures the tracker store."""
    from rasa.core.tracker_store import SQLTrackerStore

    from assistant.launcher import tracker_store_config

    config = tracker_store_config(env, secrets_as_references=False)
    if config["dialect"] == "sqlite":
        ensure_dir(Path(str(config["db"])).parent)
    url = SQLTrackerStore.get_db_url(
        str(config["dialect"]), config.get("url"), config.get("port"), str(config["db"]),
        config.get("username"), config.get("password"))
    return str(url)


class OptOutStore:
    """Numbers (as conversation keys) that texted STOP, in an SQL database."""

    def __init__(self, url: str) -> None:
        from assistant.tracker_store import create_engine

        self.engine = create_engine(url)
        self.table = sa.Table(
            TABLE, sa.MetaData(),
            sa.Column("conversation_key", sa.String(80), primary_key=True),
            sa.Column("opted_out_at", sa.Float, nullable=False))
        self.table.create(self.engine, checkfirst=True)

    @classmethod
    def shared(cls, env: Optional[Mapping[str, str]] = None) -> "OptOutStore":
        """The store in the conversation database, with any legacy opt-outs moved in."""
        store = cls(database_url(env))
        store.move_in(data_dir(env) / LEGACY_OPTOUT_DB)
        return store

    def move_in(self, legacy: Path) -> int:
        """Copies the opt-outs of an earlier version's SQLite file, then renames it."""
        if not legacy.is_file():
            return 0
        with closing(sqlite3.connect(legacy, timeout=10)) as db:
            keys = [row[0] for row in db.execute("SELECT conversation_key FROM optouts")]
        moved = sum(self.opt_out(key) for key in keys)
        legacy.rename(legacy.with_name(legacy.name + ".moved"))
        logger.info("Moved %d SMS opt-out(s) from %s into the conversation database.",
                    moved, legacy.name)
        return moved

    def is_opted_out(self, key: str) -> bool:
        query = sa.select(self.table.c.conversation_key).where(
            self.table.c.conversation_key == key)
        with self.engine.connect() as connection:
            return connection.execute(query).first() is not None

    def opt_out(self, key: str) -> bool:
        """True if the number was not opted out before."""
        try:
            with self.engine.begin() as connection:
                connection.execute(self.table.insert().values(
                    conversation_key=key, opted_out_at=time.time()))
        except sa.exc.IntegrityError:
            return False
        return True

    def opt_in(self, key: str) -> bool:
        """True if the number was opted out before."""
        with self.engine.begin() as connection:
            deleted = connection.execute(self.table.delete().where(
                self.table.c.conversation_key == key))
        return deleted.rowcount == 1
