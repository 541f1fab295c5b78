"""Patients' phrasings as the report keeps them (redacted, one line), and grouped:
the same question asked in different words (grouping.py)."""
import re
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional, Set, Tuple

from assistant.log_redaction import redact

MIN_CONVERSATIONS_FOR_EXAMPLES = 3
EXAMPLES_PER_GROUP = 3
MAX_PHRASE_CHARS = 300
# Only a text with a digit or an @ can hold what redact() replaces.
_MAY_HOLD_DETAILS = re.compile(r"[0-9@]")


def shown_text(text: str) -> str:
    """A patient's text as the report may show it: redacted, on one line, not too long."""
    text = text or ""
    shown = " ".join((redact(text) if _MAY_HOLD_DETAILS.search(text) else text).split())
    return shown if len(shown) <= MAX_PHRASE_CHARS else shown[:MAX_PHRASE_CHARS - 1] + "…"


def phrase_key(shown: str) -> str:
    return " ".join(re.sub(r"[^\w\[\]']+", " ", shown.lower()).split())


@dataclass
class Phrase:
    text: str
    count: int = 0
    conversations: Set[int] = field(default_factory=set)
    reasons: Counter = field(default_factory=Counter)
    topics: Counter = field(default_factory=Counter)


class Phrases(dict):
    """Distinct phrasings (redacted), with how often and in how many conversations."""

    def __init__(self) -> None:
        super().__init__()
        self._texts: Dict[str, Tuple[str, str]] = {}

    def add(self, text: str, conversation: int, reason: Optional[str] = None,
            topic: Optional[Tuple[str, float]] = None) -> None:
        known = self._texts.get(text)
        if known is None:
            shown = shown_text(text)
            known = (shown, phrase_key(shown))
            if len(self._texts) < 200_000:   # the same words come back often
                self._texts[text] = known
        shown, key = known
        if not key:
            return
        phrase = self.get(key)
        if phrase is None:
            phrase = self[key] = Phrase(shown)
        phrase.count += 1
        phrase.conversations.add(conversation)
        if reason:
            phrase.reasons[reason] += 1
        if topic:
            phrase.topics[topic[0]] += topic[1]


@dataclass
class Group:
    """The same question asked in different words."""
    messages: int
    conversations: int
    phrasings: int
    reasons: Counter
    nearest_topic: str
    examples: List[str]      # empty unless asked in enough conversations


def group_phrases(phrases: Phrases, min_conversations: int = MIN_CONVERSATIONS_FOR_EXAMPLES,
                  threshold: Optional[float] = None, lemmatizer: Any = None) -> List[Group]:
    """Groups of the same question, largest first, each with its count, nearest
    topic and (when asked in at least ``min_conversations`` conversations) up to
    three phrasings."""
    from assistant.report import grouping

    items = list(phrases.values())
    if not items:
        return []
    kwargs = {"threshold": threshold} if threshold is not None else {}
    indexes = grouping.group([p.text for p in items], [len(p.conversations) for p in items],
                             lemmatizer=lemmatizer, **kwargs)
    groups = []
    for members in indexes:
        chosen = [items[i] for i in members]
        conversations: Set[int] = set()
        reasons: Counter = Counter()
        scores: Counter = Counter()
        for phrase in chosen:
            conversations |= phrase.conversations
            reasons.update(phrase.reasons)
            scores.update(phrase.topics)
        nearest = max(sorted(scores), key=lambda t: scores[t]) if scores else ""
        examples: List[str] = []
        if len(conversations) >= min_conversations:
            ranked = sorted(chosen, key=lambda p: (-len(p.conversations), -p.count,
                                                   len(p.text), p.text))
            examples = [p.text for p in ranked[:EXAMPLES_PER_GROUP]]
        groups.append(Group(sum(p.count for p in chosen), len(conversations), len(chosen),
                            reasons, nearest, examples))
    groups.sort(key=lambda g: (-g.messages, -g.conversations, g.nearest_topic,
                               g.examples[:1]))
    return groups
