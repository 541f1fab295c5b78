"""Reads the conversations from the store the servers use, as a stream.

The database is chosen as the servers choose it (assistant/stores.py:
tracker_store_config): SQLite in MISS_DATA_DIR by default, PostgreSQL with
MISS_DB_HOST and the other MISS_DB_* variables. Only the rows the report needs
are read (patients' messages, the assistant's replies, session starts and the
feedback events), in the order they were stored, a few thousand at a time: on
PostgreSQL through a server-side cursor, on SQLite straight from the file.
Nothing is written.
"""
from pathlib import Path
from typing import Iterator, Optional, Sequence, Tuple

import sqlalchemy as sa

from miss_config.settings import Settings

# The columns of Rasa's SQL tracker store (rasa.core.tracker_store.SQLTrackerStore.SQLEvent),
# declared here so that reading them does not import Rasa.
_metadata = sa.MetaData()
EVENTS = sa.Table(
    "events", _metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("sender_id", sa.String(255), nullable=False, index=True),
    sa.Column("type_name", sa.String(255), nullable=False),
    sa.Column("timestamp", sa.Float),
    sa.Column("intent_name", sa.String(255)),
    sa.Column("action_name", sa.String(255)),
    sa.Column("data", sa.Text),
)
TYPES = ("user", "bot", "session_started", "agent")
BATCH_ROWS = 5000

Row = Tuple[str, str, float, Optional[str], Optional[str]]


def database_url(settings: Optional[Settings] = None) -> "sa.engine.URL":
    """The servers' conversation store (the same settings choose it)."""
    from assistant.retention import database_url as servers_database

    return servers_database(settings)


def describe(url: "sa.engine.URL") -> str:
    """The store, for the report, without a password, a path or a host name."""
    backend = sa.engine.make_url(url).get_backend_name()
    return {"sqlite": "SQLite", "postgresql": "PostgreSQL"}.get(backend, backend)


def exists(url: "sa.engine.URL") -> bool:
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).exists()
    return True


def stream_events(url: "sa.engine.URL", since: float, until: float,
                  types: Sequence[str] = TYPES, batch: int = BATCH_ROWS) -> Iterator[Row]:
    """(sender_id, type_name, timestamp, intent_name, data) of the events stored
    from ``since`` (included) to ``until`` (excluded), in the order stored."""
    url = sa.engine.make_url(url)
    if not exists(url):
        return  # nothing stored yet; do not create the file
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(EVENTS.name):
            return
        c = EVENTS.c
        query = (sa.select(c.sender_id, c.type_name, c.timestamp, c.intent_name, c.data)
                 .where(c.type_name.in_(list(types)))
                 .where(c.timestamp >= since)
                 .where(c.timestamp < until)
                 .order_by(c.id))
        # Straight from the database driver: a million rows read through SQLAlchemy's
        # result objects would cost more than reading them. The statement is SQLAlchemy's,
        # with its few values (type names, two time stamps) written in.
        sql = str(query.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        connection = engine.raw_connection()
        try:
            if engine.dialect.name == "postgresql":
                # A named cursor: PostgreSQL keeps the result and sends it batch by batch.
                cursor = connection.cursor(name="miss_report")
                cursor.itersize = batch
            else:
                cursor = connection.cursor()
            cursor.execute(sql)
            while True:
                rows = cursor.fetchmany(batch)
                if not rows:
                    break
                yield from rows
            cursor.close()
        finally:
            connection.rollback()   # reads only; ends PostgreSQL's transaction
            connection.close()
    finally:
        engine.dispose()
