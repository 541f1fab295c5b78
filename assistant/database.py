"""The SQL engine the conversation store and the SMS opt-outs share, and how a
database that is down is recognised and waited for."""
from typing import Any, Dict

import sqlalchemy as sa
from rasa.core.tracker_store import create_engine_kwargs

from miss_config.settings import Settings, read_setting

POSTGRES_CONNECT_TIMEOUT = 3  # seconds; connecting blocks the server's event loop
SQLITE_BUSY_TIMEOUT = 1.0     # seconds; the same, then retried without blocking


def retry_seconds() -> float:
    """MISS_DB_RETRY_SECONDS (miss_config/settings.py); a bad value means the default."""
    try:
        return read_setting("db_retry_seconds")
    except ValueError:
        return Settings.db_retry_seconds


def is_unavailable(error: BaseException) -> bool:
    """A database that is down, restarting, locked or unreachable (worth retrying)."""
    return isinstance(error, (sa.exc.OperationalError, sa.exc.InterfaceError)) or (
        isinstance(error, sa.exc.DBAPIError) and bool(error.connection_invalidated))


def engine_kwargs(url: Any) -> Dict[str, Any]:
    """Rasa's engine settings plus pre-ping and short connect/busy timeouts."""
    kwargs = create_engine_kwargs(url)
    kwargs["pool_pre_ping"] = True
    connect_args = dict(kwargs.get("connect_args") or {})
    backend = sa.engine.make_url(url).get_backend_name()
    if backend == "postgresql":
        connect_args.setdefault("connect_timeout", POSTGRES_CONNECT_TIMEOUT)
    elif backend == "sqlite":
        connect_args.setdefault("timeout", SQLITE_BUSY_TIMEOUT)
    kwargs["connect_args"] = connect_args
    return kwargs


def _use_wal(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def create_engine(url: Any) -> "sa.engine.Engine":
    kwargs = engine_kwargs(url)
    url = sa.engine.make_url(url)
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        # SQLAlchemy 1.4 gives file databases a NullPool: a new connection, and a
        # WAL checkpoint when it closes, for every query. Rasa's store runs on the
        # server's one event-loop thread; the pool hands a connection to one user
        # at a time.
        kwargs["poolclass"] = sa.pool.QueuePool
        kwargs["connect_args"] = {**kwargs["connect_args"], "check_same_thread": False}
    engine = sa.create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _use_wal)
    return engine
