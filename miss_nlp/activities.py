"""What a patient asks to be able to do ("when can I DRIVE?", "am I allowed to SWIM?"),
when the article never names it: the guide does not cover it, however sure the topic
classifier is of recovery time. Pure functions over spaCy tokens."""
from typing import List, Sequence

from miss_nlp import coverage, subjects


def asked(question: Sequence, guide: "coverage.Guide") -> List:
    """"when can I DRIVE", "am I allowed to SWIM", "how soon can I go SWIMMING": the
    thing a patient asks to be able to do, when the article never names it (not what
    they ask us to do for them: "could you WALK me through it")."""
    found = []
    for n, token in enumerate(question):
        before = [t.lower_ for t in question[max(0, n - 2):n]]
        after_modal = len(before) == 2 and before[0] in _ABLE_MODALS and before[1] in _PEOPLE
        after_to = before[-1:] == ["to"] and len(before) == 2 and before[0] in _ABLE_WORDS
        if not (after_modal or after_to) or not token.is_alpha:
            continue
        if token.lower_ in _GO and n + 1 < len(question) and question[n + 1].lower_.endswith("ing"):
            token = question[n + 1]   # "can I GO swimming"
        asks_us = n + 1 < len(question) and question[n + 1].lower_ in {"me", "us"}
        if (guide.outside_the_article([token]) and not subjects.general_word(token)
                and token.lower_ not in _NOT_ACTIVITIES and not asks_us):
            found.append(token)
        break
    return found


_ABLE_MODALS = {"can", "could", "may", "will"}
_PEOPLE = {"i", "we", "he", "she", "you"}
_ABLE_WORDS = {"allowed", "able", "ok", "okay", "safe", "fine"}
_GO = {"go", "start", "get"}
# Verbs of being, knowing and planning, not of doing something: "could I END up
# paralysed", "will I LOSE work days", "how many weeks should I PLAN for".
_NOT_ACTIVITIES = {"be", "feel", "expect", "tell", "see", "hope", "afford", "trust", "ask",
                   "say", "know", "rely", "claim", "end", "plan", "lose", "list", "bounce",
                   "collect", "lie", "pick", "choose", "wait",
                   # asking us: "could you SET OUT the plus points", "can you EXPLAIN"
                   "set", "explain", "outline", "give", "send", "describe", "clarify",
                   "summarise", "summarize", "confirm", "advise", "recommend", "provide",
                   "share", "let", "help", "translate",
                   # what happens to the patient, not what they ask to do: "will I WAKE up in
                   # pain", "can I MANAGE with exercise instead"
                   "wake", "manage", "cope"}
