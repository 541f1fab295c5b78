"""The conversations one server process last read or wrote, kept to skip re-reading.

Pure bookkeeping, no database: assistant/tracker_store.py decides what the
table's state is and asks this cache whether the tracker it holds still matches.
"""
import collections
import itertools
from dataclasses import dataclass
from typing import Any, List, Optional, Tuple

from rasa.shared.core.trackers import DialogueStateTracker

# Conversations each process keeps in memory (the ones most recently used).
CACHED_CONVERSATIONS = 1000

# What the table holds for one conversation: (row count, highest row id).
StoredState = Tuple[int, Optional[int]]


@dataclass
class _Entry:
    tracker: DialogueStateTracker
    length: int          # len(tracker.events) when it matched the table
    stored: StoredState


class ConversationCache:
    """The trackers this process last read or wrote, each with the table's state then.

    An entry is used only while the table still shows that state and the tracker
    has no events beyond those stored (a message that failed before its save
    leaves some): anything else is a miss and the conversation is read again."""

    def __init__(self, size: int = CACHED_CONVERSATIONS) -> None:
        self.size = size
        self._entries: "collections.OrderedDict[str, _Entry]" = collections.OrderedDict()

    def get(self, sender_id: str, stored: StoredState) -> Optional[DialogueStateTracker]:
        entry = self._entries.get(sender_id)
        if entry is None or entry.stored != stored or len(entry.tracker.events) != entry.length:
            return None
        self._entries.move_to_end(sender_id)
        return entry.tracker

    def unsaved_events(self, tracker: DialogueStateTracker, stored: StoredState
                       ) -> Optional[List[Any]]:
        """The events to write, if this very tracker is the one the table holds."""
        entry = self._entries.get(tracker.sender_id)
        if entry is None or entry.tracker is not tracker or entry.stored != stored:
            return None
        return list(itertools.islice(tracker.events, entry.length, None))

    def put(self, tracker: DialogueStateTracker, stored: StoredState) -> None:
        self._entries[tracker.sender_id] = _Entry(tracker, len(tracker.events), stored)
        self._entries.move_to_end(tracker.sender_id)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def forget(self, sender_id: str) -> None:
        self._entries.pop(sender_id, None)
