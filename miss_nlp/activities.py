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
        waited_for = question[n - 3].lower_ if n >= 3 else ""
        after_modal = len(before) == 2 and (
            (before[0] in _ABLE_MODALS and before[1] in _PEOPLE)
            # "how long UNTIL I can run", but not "so I can TALK to him"
            or (before[0] in _PEOPLE and before[1] in _ABLE_MODALS and waited_for in _UNTIL))
        after_to = before[-1:] == ["to"] and len(before) == 2 and before[0] in _ABLE_WORDS
        if not (after_modal or after_to) or not token.is_alpha:
            continue
        if token.lower_ in _GO and n + 1 < len(question) and question[n + 1].lower_.endswith("ing"):
            token = question[n + 1]   # "can I GO swimming"
        elif token.lower_ in _GO:
            token = _place_gone_back_to(question, n) or token
        asks_us = n + 1 < len(question) and question[n + 1].lower_ in {"me", "us"}
        # "till I can WALK normally again", "back to housework and my NORMAL ROUTINE":
        # life as before, which recovery time answers.
        as_before = {t.lower_ for t in token.doc[token.i + 1:]} & _AS_BEFORE
        if (guide.outside_the_article([token]) and not subjects.general_word(token)
                and token.lower_ not in _NOT_ACTIVITIES and not asks_us and not as_before):
            found.append(token)
        break
    return found


def _place_gone_back_to(question: Sequence, n: int):
    """"can I get back IN THE POOL", "get back on the BIKE": the thing the patient goes
    back to (but not "back on my FEET", "back to WORK", "back to NORMAL")."""
    words = [t.lower_ for t in question[n + 1:n + 5]]
    if words[:1] != ["back"] or len(words) < 3 or words[1] not in _INTO:
        return None
    k = n + 3 + (words[2] in _THE)
    if k >= len(question) or not question[k].is_alpha:
        return None
    # "the road BIKE": the last word of the thing named
    while (k + 1 < len(question) and question[k + 1].is_alpha
           and question[k + 1].lower_ not in _ENDS_A_PLACE):
        k += 1
    return None if question[k].lower_ in _NOT_PLACES else question[k]


_INTO = {"in", "into", "on", "onto", "to"}
_THE = {"the", "my", "a", "his", "her"}
_NOT_PLACES = {"feet", "foot", "normal", "work", "job", "track", "form", "life", "myself",
               "it", "things", "shape", "routine", "activities", "activity", "everyday",
               "daily", "usual", "old", "full", "stuff",
               # places of work: back to work is a topic of the guide
               "tools", "site", "salon", "office", "desk", "shop", "shift", "shifts", "duty",
               "duties", "classroom", "ward", "rounds", "road", "farm", "van", "truck",
               "lorry", "cab", "warehouse", "kitchen", "studio", "factory",
               # a job named by what it does: "back to TEACHING"
               "teaching", "nursing", "coaching", "lecturing", "farming", "trucking"}
_AS_BEFORE = {"normal", "normally", "routine", "properly", "fully", "independently"}
_UNTIL = {"until", "till", "til", "before", "when"}
_ENDS_A_PLACE = {"after", "before", "again", "and", "or", "following", "post", "when", "if", "as",
                 "in", "on", "with", "for", "since", "until", "once", "so", "like", "such"}
_ABLE_MODALS = {"can", "could", "may"}
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
                   "wake", "manage", "cope",
                   # working and living: "how soon could I LOG back on", "FUNCTION at home"
                   "log", "function", "earn", "live",
                   # what the surgeon does: "what problems can you FIX with it"
                   "fix", "treat", "cure", "repair", "correct", "operate", "remove"}
