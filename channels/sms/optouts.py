"""SMS opt-outs, shared by every server.

Opt-outs are kept in the conversation database the servers share (table
``sms_optouts`` beside Rasa's ``events``: the SQLite file in ``MISS_DATA_DIR``
by default, PostgreSQL with ``MISS_DB_HOST``), under the keyed hash of the
number that is also its conversation id (channels/sms/numbers.py), so a STOP
taken by one server is seen by every other. Opt-outs kept by earlier versions
in ``MISS_DATA_DIR/sms_optouts.sqlite3`` are moved in at start.
"""
import logging
import sqlite3
import time
from contextlib import closing
from pathlib import Path
from typing import Mapping, Optional

import sqlalchemy as sa

from channels.sms.numbers import data_dir, ensure_dir

logger = logging.getLogger(__name__)

LEGACY_OPTOUT_DB = "sms_optouts.sqlite3"
TABLE = "sms_optouts"


def database_url(env: Optional[Mapping[str, str]] = None) -> str:
    """The conversation database's URL, as the launcher configures the tracker store."""
    from rasa.core.tracker_store import SQLTrackerStore

    from assistant.stores import tracker_store_config
    from miss_config.settings import load_settings

    config = tracker_store_config(load_settings(env), secrets_as_references=False)
    if config["dialect"] == "sqlite":
        ensure_dir(Path(str(config["db"])).parent)
    url = SQLTrackerStore.get_db_url(
        str(config["dialect"]), config.get("url"), config.get("port"), str(config["db"]),
        config.get("username"), config.get("password"))
    return str(url)


def _create_once(table: sa.Table, engine) -> None:
    """Creates the table unless it exists. Two servers started together on a new
    PostgreSQL database both find it missing; the second CREATE then fails on the
    catalogue's unique index, and that server must carry on, not exit."""
    try:
        table.create(engine, checkfirst=True)
    except (sa.exc.IntegrityError, sa.exc.ProgrammingError):
        if not sa.inspect(engine).has_table(table.name):
            raise
        logger.info("Table %s was created by another server at the same moment.", table.name)


class OptOutStore:
    """Numbers (as conversation keys) that texted STOP, in an SQL database."""

    def __init__(self, url: str) -> None:
        from assistant.database import create_engine

        self.engine = create_engine(url)
        self.table = sa.Table(
            TABLE, sa.MetaData(),
            sa.Column("conversation_key", sa.String(80), primary_key=True),
            sa.Column("opted_out_at", sa.Float, nullable=False))
        _create_once(self.table, self.engine)

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
