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
  understanding and the red-flag check have read the original text;
* does not re-read the conversation it has just written. Rasa's store reads and
  rebuilds the whole conversation for every message and counts it again before
  each write. Here each process keeps the conversations it last saved or read
  (:class:`ConversationCache`) and, under the conversation's lock, checks one
  cheap fact of the table (the conversation's row count and highest row id)
  before trusting them, so a message handled by another server, a pruned or
  edited conversation, or a write that failed half-way always means a fresh read;
* keeps its SQLite connections open (Rasa's SQLAlchemy opens and closes a file
  connection per query) with ``synchronous=NORMAL``, the setting SQLite
  recommends for write-ahead logging: a crash of the process loses nothing, a
  power cut at most the last answers.
"""
import asyncio
import contextlib
import contextvars
import json
import logging
import time
from pathlib import Path
from typing import (Any, Awaitable, Callable, Dict, Generator, Iterable, Iterator, List,
                    Optional, Text, TypeVar)

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore, ensure_schema_exists
from rasa.shared.core.trackers import DialogueStateTracker

from assistant.conversation_cache import ConversationCache, StoredState
from assistant.database import create_engine, is_unavailable, retry_seconds
from assistant.personal_details import redact_value

logger = logging.getLogger(__name__)

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


_READ_BACK = {"user", "slot", "entities", "user_featurization"}


class _Redacted:
    """An event as Rasa's ``save`` writes it (``type_name``, ``as_dict()``), redacted."""

    def __init__(self, event: Any) -> None:
        self.type_name = event.type_name
        original = event.as_dict()
        self._data = redact_value(original)
        # Only what the patient said or a slot holds is read back by the policies
        # and the channels; the assistant's own replies (the clinic's phone number
        # is redacted there too) are not.
        # (Compared as stored: redaction turns the tokens' tuples into lists.)
        self.json = json.dumps(self._data)
        self.changed = (event.type_name in _READ_BACK and self._data != original
                        and self.json != json.dumps(original))

    def as_dict(self) -> Dict[str, Any]:
        return self._data


def _row(sender_id: Text, event: _Redacted) -> Dict[str, Any]:
    """The ``events`` table's columns, filled as Rasa's ``save`` fills them."""
    data = event.as_dict()
    return {"sender_id": sender_id, "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": (data.get("parse_data") or {}).get("intent", {}).get("name"),
            "action_name": data.get("name"), "data": event.json}


# Plain SQL: building the same ORM query for every message costs more than running it.
_STORED_STATE = sa.text("SELECT count(id), max(id) FROM events WHERE sender_id = :sender_id")


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
        self.cache = ConversationCache()

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

    def _stored_state(self, session: Any, sender_id: Text) -> StoredState:
        count, last_id = session.execute(_STORED_STATE, {"sender_id": sender_id}).one()
        return int(count), last_id

    async def _retrieve_latest(self, sender_id: Text) -> Optional[DialogueStateTracker]:
        with self.session_scope() as session:
            stored = self._stored_state(session, sender_id)
        tracker = self.cache.get(sender_id, stored)
        if tracker is not None:
            return tracker
        # Read after the state was taken: a write in between makes the entry look
        # older than the table, so the next message reads again (never the reverse).
        tracker = await SQLTrackerStore.retrieve(self, sender_id)
        if tracker is None:
            self.cache.forget(sender_id)
        else:
            self.cache.put(tracker, stored)
        return tracker

    async def _save_events(self, tracker: DialogueStateTracker) -> None:
        """Rasa's ``save``, with the unsaved events known from the cache when it can."""
        sender_id = tracker.sender_id
        with self.session_scope() as session:
            stored = self._stored_state(session, sender_id)
            events = self.cache.unsaved_events(tracker, stored)
            known = events is not None or stored[0] == 0
            if events is None:
                events = list(SQLTrackerStore._additional_events(self, session, tracker))
            self.cache.forget(sender_id)  # until the write is committed
            redacted = [_Redacted(event) for event in events]
            if redacted:
                # One multi-row INSERT; the ORM's unit of work costs more than the write.
                session.execute(self.SQLEvent.__table__.insert(),
                                [_row(sender_id, event) for event in redacted])
                stored = self._stored_state(session, sender_id)  # this transaction's view
            session.commit()
        # A patient's words or a slot redacted differ from the tracker in memory:
        # the next message reads the stored conversation, as another server would.
        if known and not any(event.changed for event in redacted):
            self.cache.put(tracker, stored)

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
        return await self._retrying(self._retrieve_latest, sender_id)

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
            await self._retrying(self._save_events, tracker)
        finally:
            _streamed.reset(token)
