"""Rasa's SQL tracker store, made to ride out a database restart.

Configured in endpoints.yml as ``tracker_store: type:
assistant.tracker_store.ResilientSQLTrackerStore`` with the same settings as
Rasa's ``type: SQL`` (dialect, url, port, db, username, password); the launcher
writes them from the environment (README: "Production serving").

Why not plain ``type: SQL``: Rasa wraps every tracker store in a fail-safe that,
when the database errs, answers from a new empty conversation and keeps the
events in memory only, so a message answered while the database restarts is
never stored; and after a restart each pooled connection, already closed by the
server, fails once more. This store

* checks a pooled connection before using it (``pool_pre_ping``), so a restart
  costs no request;
* while the database is unreachable, waits and retries (without blocking the
  server's other conversations) for up to MISS_DB_RETRY_SECONDS per request,
  default 10: a restart of a few seconds delays the replies but loses nothing.
  Only a longer outage falls through to Rasa's fail-safe (logged as an error);
* for SQLite, creates the folder and uses write-ahead logging, so several
  processes can share the file;
* never exits the process: Rasa's ``session_scope`` turns any ``ValueError``
  (a lone surrogate in a conversation id on SQLite, a NUL on PostgreSQL) into
  ``sys.exit(1)``; here it is an :class:`UnstorableConversation` error, and the
  channels answer that message with ``utter_service_unavailable``
  (:func:`watch_refusals`);
* keeps no phone number, e-mail address or date a patient typed: every event is
  redacted (assistant/personal_details.py) as it is written, after the
  understanding and the red-flag check have read the original text.
"""
import asyncio
import contextlib
import contextvars
import logging
import os
import time
from pathlib import Path
from typing import (Any, Awaitable, Callable, Dict, Generator, Iterable, Iterator, List,
                    Optional, Text, TypeVar)

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, ensure_schema_exists
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.personal_details import redact_value

logger = logging.getLogger(__name__)

RETRY_SECONDS_ENV = "MISS_DB_RETRY_SECONDS"
DEFAULT_RETRY_SECONDS = 10.0
POSTGRES_CONNECT_TIMEOUT = 3  # seconds; connecting blocks the server's event loop
SQLITE_BUSY_TIMEOUT = 1.0     # seconds; the same, then retried without blocking

T = TypeVar("T")

# When the current request's waiting for the database ends (None: not waiting).
_deadline: contextvars.ContextVar[Optional[float]] = contextvars.ContextVar(
    "miss_db_deadline", default=None)
# True while save() retries: the events have been streamed to a broker already.
_streamed: contextvars.ContextVar[bool] = contextvars.ContextVar("miss_streamed", default=False)


# Conversation ids the store refused during the current message (None: nobody watching).
_refusals: contextvars.ContextVar[Optional[List[str]]] = contextvars.ContextVar(
    "miss_store_refusals", default=None)


class UnstorableConversation(RuntimeError):
    """The database cannot take this conversation id or text (not worth retrying)."""


@contextlib.contextmanager
def watch_refusals() -> Iterator[List[str]]:
    """Collects the conversation ids the store refused while handling one message.

    Rasa's fail-safe wrapper swallows the store's errors (and answers from an
    empty conversation kept in memory only); a channel checks this list
    afterwards and answers ``utter_service_unavailable`` instead."""
    refused: List[str] = []
    token = _refusals.set(refused)
    try:
        yield refused
    finally:
        _refusals.reset(token)


def _refuse(error: BaseException, sender_id: Any = None) -> UnstorableConversation:
    refused = _refusals.get()
    if refused is not None:
        refused.append(str(sender_id))
    return UnstorableConversation(f"the conversation store refused the request "
                                  f"({type(error).__name__})")


class _Redacted:
    """An event as Rasa's ``save`` writes it (``type_name``, ``as_dict()``), redacted."""

    def __init__(self, event: Any) -> None:
        self.type_name = event.type_name
        self._data = redact_value(event.as_dict())

    def as_dict(self) -> Dict[str, Any]:
        return self._data


def retry_seconds() -> float:
    try:
        return max(0.0, float(os.environ.get(RETRY_SECONDS_ENV, DEFAULT_RETRY_SECONDS)))
    except ValueError:
        return DEFAULT_RETRY_SECONDS


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
    finally:
        cursor.close()


def create_engine(url: Any) -> "sa.engine.Engine":
    engine = sa.create_engine(url, **engine_kwargs(url))
    if engine.dialect.name == "sqlite":
        sa.event.listen(engine, "connect", _use_wal)
    return engine


class ResilientSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (same table, same settings) that waits out a database restart."""

    def __init__(self, domain: Any = None, dialect: Text = "sqlite", host: Optional[Text] = None,
                 port: Optional[int] = None, db: Text = "rasa.db", username: Text = None,
                 password: Text = None, event_broker: Any = None,
                 login_db: Optional[Text] = None, query: Optional[Dict] = None,
                 **kwargs: Any) -> None:
        if dialect == "sqlite" and db and db != ":memory:":
            Path(db).expanduser().parent.mkdir(parents=True, exist_ok=True)
        super().__init__(domain, dialect, host, port, db, username, password, event_broker,
                         login_db, query, **kwargs)
        # Rasa built its engine without pre-ping; the tables exist now.
        url = self.engine.url
        self.engine.dispose()
        self.engine = create_engine(url)
        self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    @contextlib.contextmanager
    def session_scope(self) -> Generator[Any, None, None]:
        """Rasa's, but a value the database cannot take raises instead of exiting."""
        session = self.sessionmaker()
        try:
            try:
                ensure_schema_exists(session)
            except ValueError as error:
                raise UnstorableConversation(
                    f"the PostgreSQL schema {error} does not exist") from error
            yield session
        except ValueError as error:  # UnicodeEncodeError, a NUL for psycopg2, ...
            raise _refuse(error) from error
        finally:
            session.close()

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        for event in super()._additional_events(session, tracker):
            yield _Redacted(event)

    async def _retrying(self, operation: Callable[..., Awaitable[T]], *args: Any) -> T:
        delay = 0.2
        while True:
            try:
                result = await operation(*args)
            except Exception as error:
                if not is_unavailable(error):
                    raise
                now = time.monotonic()
                deadline = _deadline.get()
                if deadline is None:
                    deadline = now + retry_seconds()
                    _deadline.set(deadline)
                if now + delay > deadline:
                    logger.error("The conversation store is unavailable (%s); giving up on "
                                 "this request.", type(error).__name__)
                    raise
                logger.warning("The conversation store is unavailable (%s); retrying in "
                               "%.1f s.", type(error).__name__, delay)
                await asyncio.sleep(delay)
                delay = min(delay * 2, 2.0)
            else:
                if _deadline.get() is not None:
                    _deadline.set(None)
                return result

    async def retrieve(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        return await self._retrying(super().retrieve, sender_id)

    async def retrieve_full_tracker(self, conversation_id: Text
                                    ) -> Optional[DialogueStateTracker]:
        return await self._retrying(super().retrieve_full_tracker, conversation_id)

    async def keys(self) -> Iterable[Text]:
        return await self._retrying(super().keys)

    async def stream_events(self, tracker: DialogueStateTracker) -> None:
        if not _streamed.get():
            await super().stream_events(tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        # Publish to an event broker once, then retry only the database part
        # (it stores whatever the table lacks, so a retry cannot duplicate).
        await self.stream_events(tracker)
        token = _streamed.set(True)
        try:
            await self._retrying(super().save, tracker)
        finally:
            _streamed.reset(token)
