"""Deletes conversations that have been quiet for longer than the retention period.

    python -m assistant.retention --days 30             # or: make prune-conversations DAYS=30
    python -m assistant.retention --days 30 --dry-run   # only count them

A conversation (all rows of one ``sender_id`` in Rasa's ``events`` table) is
deleted, whole, when its newest event is older than ``--days`` days. The
database is the one the servers use, chosen by the same environment variables
(SQLite in MISS_DATA_DIR by default, PostgreSQL with MISS_DB_HOST; see
assistant/stores.py: tracker_store_config). With MISS_RETENTION_DAYS set, the
launcher also runs this before it starts the servers (assistant/processes.py).

On SQLite the deleted rows are overwritten (``secure_delete``) and the
write-ahead log is emptied; PostgreSQL's autovacuum reclaims them.
"""
import argparse
import sys
import time
from pathlib import Path
from typing import List, Optional, Tuple

import sqlalchemy as sa

from assistant.stores import tracker_store_config
from miss_config.settings import Settings, load_settings

SECONDS_PER_DAY = 24 * 60 * 60


def database_url(settings: Optional[Settings] = None) -> "sa.engine.URL":
    """The tracker store's database, as the servers are configured with it."""
    from rasa.core.tracker_store import SQLTrackerStore

    config = tracker_store_config(settings or load_settings(), secrets_as_references=False)
    return SQLTrackerStore.get_db_url(
        dialect=str(config["dialect"]), host=config.get("url"), port=config.get("port"),
        db=str(config["db"]), username=config.get("username"),
        password=config.get("password"))


def _events_table() -> sa.Table:
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore.SQLEvent.__table__


def prune(days: float, settings: Optional[Settings] = None, dry_run: bool = False,
          now: Optional[float] = None, url: Optional[object] = None) -> int:
    """Deletes (or with ``dry_run`` only counts) the conversations whose last
    event is more than ``days`` days old; returns how many."""
    if days < 0:
        raise ValueError("days must not be negative")
    url = sa.engine.make_url(url or database_url(settings))
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not Path(url.database).exists():
        return 0  # nothing stored yet; do not create the file
    cutoff = (time.time() if now is None else now) - days * SECONDS_PER_DAY
    events = _events_table()
    old = (sa.select(events.c.sender_id).group_by(events.c.sender_id)
           .having(sa.func.max(events.c.timestamp) < cutoff))
    engine = sa.create_engine(url)
    try:
        if not sa.inspect(engine).has_table(events.name):
            return 0
        with engine.begin() as connection:
            count = connection.execute(
                sa.select(sa.func.count()).select_from(old.subquery())).scalar_one()
            if dry_run or not count:
                return count
            if engine.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA secure_delete = ON")
            # One statement, so a conversation that gets a new message meanwhile is kept.
            connection.execute(events.delete().where(events.c.sender_id.in_(old)))
        if engine.dialect.name == "sqlite":
            with engine.connect() as connection:
                connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        return count
    finally:
        engine.dispose()


def conversations(settings: Optional[Settings] = None,
                  url: Optional[object] = None) -> List[Tuple[str, float]]:
    """Every stored conversation with the time of its last event, oldest first."""
    engine = sa.create_engine(sa.engine.make_url(url or database_url(settings)))
    try:
        if not sa.inspect(engine).has_table(_events_table().name):
            return []
        events = _events_table()
        query = (sa.select(events.c.sender_id, sa.func.max(events.c.timestamp).label("last"))
                 .group_by(events.c.sender_id)
                 .order_by(sa.func.max(events.c.timestamp)))
        with engine.connect() as connection:
            return [(row.sender_id, row.last) for row in connection.execute(query)]
    finally:
        engine.dispose()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--days", type=float, required=True,
                        help="keep conversations with an event in the last DAYS days")
    parser.add_argument("--dry-run", action="store_true", help="only count them")
    args = parser.parse_args(argv)
    if args.days < 0:
        parser.error("--days must not be negative")
    url = database_url()
    try:
        count = prune(args.days, dry_run=args.dry_run, url=url)
    except sa.exc.SQLAlchemyError as error:
        print(f"Cannot prune {url.render_as_string(hide_password=True)}: {error}",
              file=sys.stderr)
        return 1
    verb = "would delete" if args.dry_run else "deleted"
    print(f"{url.render_as_string(hide_password=True)}: {verb} {count} conversation(s) "
          f"with no event in the last {args.days:g} days.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
