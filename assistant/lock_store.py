"""Rasa's Redis lock store with every change made atomically.

Configured in endpoints.yml as ``lock_store: type:
assistant.lock_store.AtomicRedisLockStore`` with the same settings as Rasa's
``type: redis`` (url, port, db, username, password, key_prefix, use_ssl, ...);
the launcher writes them when MISS_REDIS_HOST is set.

Why not plain ``type: redis``: Rasa Open Source 3.6's RedisLockStore reads a
conversation's lock, changes it in Python and writes it back. When two Rasa
servers get messages of one conversation at the same moment, both can take the
same ticket and handle their messages at once, and one message's events are
then missing from the tracker (RasaHQ/rasa#9213; tests/test_scale_out.py shows
it). Here each change runs in a Redis transaction (WATCH/MULTI/EXEC, retried
when another server changed the lock meanwhile), so the tickets are a queue
again. Same keys and same stored format as Rasa's.
"""
import json
import logging
from typing import Any, Callable, Optional, Text, Tuple, TypeVar

from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

logger = logging.getLogger(__name__)

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: Optional[EndpointConfig] = None, **kwargs: Any) -> None:
        if endpoint_config is not None:  # how Rasa creates a custom lock store
            kwargs = {**endpoint_config.kwargs, **kwargs}
            if endpoint_config.url:
                kwargs.setdefault("host", endpoint_config.url)
        super().__init__(**kwargs)

    def _change(self, conversation_id: Text,
                change: Callable[[Optional[TicketLock]], Tuple[Optional[TicketLock], T]]) -> T:
        """Applies ``change`` (old lock -> new lock or None to delete, result) atomically."""
        key = self.key_prefix + conversation_id
        outcome = {}

        def transaction(pipe: Any) -> None:
            serialised = pipe.get(key)
            lock = TicketLock.from_dict(json.loads(serialised)) if serialised else None
            new_lock, outcome["result"] = change(lock)
            pipe.multi()
            if new_lock is not None:
                pipe.set(key, new_lock.dumps())
            elif lock is not None:
                pipe.delete(key)

        self.red.transaction(transaction, key)
        return outcome["result"]

    def issue_ticket(self, conversation_id: Text,
                     lock_lifetime: float = LOCK_LIFETIME) -> int:
        def change(lock: Optional[TicketLock]) -> Tuple[TicketLock, int]:
            lock = lock or self.create_lock(conversation_id)
            return lock, lock.issue_ticket(lock_lifetime)

        try:
            return self._change(conversation_id, change)
        except Exception as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}")

    def update_lock(self, conversation_id: Text) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return lock, None

        self._change(conversation_id, change)

    def finish_serving(self, conversation_id: Text, ticket_number: int) -> None:
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return lock, None

        self._change(conversation_id, change)

    def cleanup(self, conversation_id: Text, ticket_number: int) -> None:
        """Removes the ticket, and the lock when no one else waits: in one step."""
        def change(lock: Optional[TicketLock]) -> Tuple[Optional[TicketLock], None]:
            if lock is None:
                return None, None
            lock.remove_ticket_for(ticket_number)
            return (lock if lock.is_someone_waiting() else None), None

        self._change(conversation_id, change)
