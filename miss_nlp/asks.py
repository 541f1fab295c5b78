"""What a message asks: its question sentences, and the separate questions inside one.

Pure functions over a spaCy ``Doc`` (the project's pipeline has a sentencizer). A
forum-style message tells its story first and asks last: the question sentences decide
the topic, the rest is context. "What is the success rate and cost and recovery
time?" holds three questions: ``asks`` splits it at its joining words, and the topic
classifier then decides which parts name a topic of their own.
"""
from typing import List, Optional

QUESTION_OPENERS = {
    "what", "whats", "what's", "how", "hows", "is", "are", "can", "could", "will", "would",
    "do", "does", "did", "should", "shall", "may", "might", "why", "when", "which", "who",
    "where", "any", "has", "have", "am", "was", "were", "wat", "wht", "hw",
}
_FILLERS = {"so", "and", "but", "ok", "okay", "hi", "hello", "hey", "um", "also", "please",
            "well", "then", "now", "sorry", "just", "dear", "doctor", "doc", ",", "plus",
            # "LAST THING, whats the success rate like", "OH and the price?"
            "last", "thing", "lastly", "finally", "oh", "btw", "ps", "anyway", "one", "more",
            "+", "&"}
# "Doctor, is it safe?" greets the doctor; "Doctor HAS advised surgery." tells.
_SALUTATIONS = {"doctor", "doc"}
ASKING = [("i", "wonder"), ("wondering",), ("want", "to", "know"), ("like", "to", "know"),
          ("wants", "to", "know"), ("wanted", "to", "know"), ("asked", "me", "to", "ask"),
          ("tell", "me"), ("explain",), ("curious",), ("any", "idea"), ("anyone", "know"),
          ("question", "is"), ("my", "question"), ("need", "to", "know"),
          # a letter's request: "I would be GRATEFUL if you could outline ..."
          ("grateful",), ("appreciate",), ("like", "to", "understand"),
          ("want", "to", "understand"), ("need", "to", "understand"),
          # a list announced: "TWO QUESTIONS: ...", "FIRSTLY whether ..., and SECONDLY what"
          ("two", "questions"), ("three", "questions"), ("two", "things"), ("three", "things"),
          ("two", "concerns"), ("three", "concerns"), ("firstly",), ("secondly",),
          # a request in one word: "DEFINE MISS. Also, is it safe?"
          ("define",), ("describe",)]
# A letter's closing and the name after it ("Yours faithfully, R. Henley") ask nothing.
SIGN_OFFS = [("yours", "faithfully"), ("yours", "sincerely"), ("yours", "truly"),
             ("kind", "regards"), ("best", "regards"), ("warm", "regards"), ("regards",),
             ("best", "wishes"), ("many", "thanks"), ("thanks", "in", "advance"),
             ("thank", "you"), ("thanks",), ("sincerely",), ("respectfully",), ("cheers",)]
# At most this many words (a name, initials) may follow the closing.
SIGNATURE_WORDS = 4
# "y" is Spanish "and": "¿cuánto cuesta Y cuántos días en el hospital?"
JOINERS = {"and", "also", "plus", "&", "+", ";", ",", "aswell", "n", "vs", "vs.", "versus", "y"}
# "Three QUESTIONS: does it hurt, ...": a colon after one of these opens the list.
ANNOUNCED = {"question", "questions", "things", "concerns", "queries", "qs"}
# "... used for that OR WOULD physio be better?": "or" joins a second question when a
# question word follows it, not two things of one question ("one cut or several").
_OR_BEFORE = {"would", "should", "is", "are", "do", "does", "can", "could", "will", "what",
              "how", "which", "when", "where", "why", "who"}


_TRAILING_QUESTION = {"how", "when", "what", "where", "why", "which"}


def sentences(doc, end: Optional[int] = None) -> List:
    """The sentences that hold words (a doc without sentence boundaries is one), up to
    ``end``: by default, a closing at the end of a letter."""
    try:
        spans = list(doc.sents)
    except ValueError:
        spans = [doc[:]]
    end = sign_off_start(doc) if end is None else end
    spans = [doc[s.start:min(s.end, end)] for s in spans if s.start < end]
    return [s for s in spans if any(not (t.is_punct or t.is_space) for t in s)]


def sign_off_start(doc) -> int:
    """Where a closing ("Kind regards, Helen") starts, when the message ends with one
    after something it says; the message's length otherwise."""
    lowers = [t.lower_ for t in doc]
    words = [i for i, t in enumerate(doc) if not (t.is_punct or t.is_space)]
    for position, i in enumerate(words):
        if position == 0 or len(words) - position > SIGNATURE_WORDS + 3:
            continue
        for closing in SIGN_OFFS:
            if tuple(lowers[i:i + len(closing)]) == closing:
                after = [j for j in words if j >= i + len(closing)]
                if len(after) <= SIGNATURE_WORDS:
                    return i
    return len(doc)


def is_question(span) -> bool:
    words = [t.lower_ for t in span if not t.is_space]
    if not words:
        return False
    if "?" in words:
        return True
    opening = next((w for n, w in enumerate(words) if w not in _FILLERS or (
        w in _SALUTATIONS and words[n + 1:n + 2] not in ([","], [":"]))), "")
    if opening in QUESTION_OPENERS:
        return True
    if opening == "if" and words[-1] not in {".", "!"} and _asks_after_the_condition(words):
        return True
    # A question word at the end: "and full recovery HOW LONG", "the price is WHAT".
    if {w for w in [w for w in words if w.isalpha()][-2:]} & _TRAILING_QUESTION:
        return True
    joined = " " + " ".join(words) + " "
    return any(f" {' '.join(phrase)} " in joined for phrase in ASKING)


def _asks_after_the_condition(words: List[str]) -> bool:
    """"If not, HOW LONG is the recovery", "and if I go ahead CAN I go home the same day":
    a condition, then a question (in a sentence left open, as a last question is; "If I
    had known how bad it was I'd have gone sooner." tells)."""
    rest = words[words.index("if") + 1:]
    return bool(set(rest) & _WH_WORDS) or any(
        w in _AUXILIARIES and nxt in _SUBJECTS_AFTER for w, nxt in zip(rest, rest[1:]))


_AUXILIARIES = {"can", "could", "will", "would", "should", "do", "does", "is", "are", "am"}
_SUBJECTS_AFTER = {"i", "you", "he", "she", "it", "we", "they", "the", "my", "his", "her",
                   "there", "that", "this"}


def question_spans(doc) -> List:
    """The question sentences of a message of several sentences; the whole message (less
    a closing) when it is one sentence or asks nothing."""
    end = sign_off_start(doc)
    spans = sentences(doc, end)
    body = doc[:end]
    if len(spans) < 2:
        return [body]
    questions = [s for s in spans if is_question(s)]
    return questions or [body]


def question_text(doc) -> str:
    return " ".join(s.text.strip() for s in question_spans(doc))


def asks(span) -> List:
    """The parts of one question sentence between its joining words ("and", "also",
    commas); a part without a content word joins the one before it, unless it opens
    with a question word ("does it work, and HOW MUCH IS IT?")."""
    parts, start = [], span.start
    doc = span.doc
    markers = _list_markers(span)
    for token in span:
        lower = token.lower_
        if token.i < start:
            continue  # inside a list marker already passed
        if token.i in markers:
            if token.i > start:
                parts.append(doc[start:token.i])
            start = markers[token.i]
            continue
        following = doc[token.i + 1].lower_ if token.i + 1 < span.end else ""
        # A line break ends an item of a list written one per line.
        line_break = token.is_space and "\n" in token.text
        # "two questions we forgot to ask at the pre-op: how much pain ..."
        announced = lower == ":" and any(t.lower_ in ANNOUNCED for t in doc[start:token.i])
        # "the PLUS points", "IN AND OUT quicker": words, not joints between questions
        not_joining = (lower == "plus" and following in {"point", "points", "side", "sides"}) or (
            lower == "and" and token.i > 0 and doc[token.i - 1].lower_ == "in"
            and following == "out")
        # "success rate / risks / cost": a slash between spaces (not "and/or")
        spaced_slash = (lower == "/" and bool(token.whitespace_) and token.i > 0
                        and bool(doc[token.i - 1].whitespace_))
        if (lower in JOINERS and not not_joining) or spaced_slash or line_break or announced or (
                lower == "or" and following in _OR_BEFORE) or (
                lower == "as" and token.i + 2 < span.end and following == "well"
                and doc[token.i + 2].lower_ == "as"):
            if token.i > start:
                parts.append(doc[start:token.i])
            start = token.i + 1
    if start < span.end:
        parts.append(doc[start:span.end])
    merged: List = []
    for part in parts:
        # "is it risky; DOES IT LAST": three words opening with a question word ask too.
        # (a question word alone, "... meaning WHAT?", asks what the part before it says)
        asks_itself = (_opening(part) in _WH_WORDS and sum(t.is_alpha for t in part) > 1) or (
            _opening(part) in QUESTION_OPENERS and sum(t.is_alpha for t in part) >= 3
            and not _only_asks_to_be_told(part))
        if merged and not _has_content(part) and not asks_itself:
            merged[-1] = doc[merged[-1].start:part.end]
        elif _has_content(part) or asks_itself:
            merged.append(part)
    return merged or [span]


def _list_markers(span) -> dict:
    """A numbered list inside a sentence ("1 cost 2 how long in hosp 3 any risks", "(a)
    the pain and (b) time off work"): where each marker starts -> where its item starts.
    Only a run that counts up from 1 (or a) is a list; "I'm 47, 2 kids" is not."""
    tokens = list(span)
    found = {}
    for labels in (_NUMBERS, _LETTERS, _Q_NUMBERS):
        expected, run = 0, {}
        for n, token in enumerate(tokens):
            bracketed = n > 0 and tokens[n - 1].text == "(" and n + 1 < len(tokens) and (
                tokens[n + 1].text == ")")
            plain = labels is not _LETTERS and not (n + 1 < len(tokens) and tokens[n + 1].like_num)
            if expected < len(labels) and token.lower_ == labels[expected] and (bracketed or plain):
                start = tokens[n - 1].i if bracketed else token.i
                after = token.i + 1
                while after < span.end and span.doc[after].text in {")", ".", ":", "-"}:
                    after += 1
                run[start] = after
                expected += 1
        if len(run) >= 2:
            found.update(run)
    return found


_NUMBERS = [str(n) for n in range(1, 10)]
_LETTERS = list("abcdef")
# "Q1 scar size Q2 pain Q3 price"
_Q_NUMBERS = [f"q{n}" for n in range(1, 10)]


def question_clauses(doc) -> List:
    """The parts of the question sentences that ask ("I drive a truck for a living,
    WHEN CAN I GO BACK TO WORK?"): those that open with a question word, else the last."""
    clauses = []
    for span in question_spans(doc):
        parts = asks(span)
        asking = [p for p in parts if _opening(p) in QUESTION_OPENERS]
        clauses += asking or parts[-1:]
    return clauses


_WH_WORDS = {"what", "whats", "what's", "how", "hows", "why", "when", "which", "who", "where"}


def _opening(span) -> str:
    return next((t.lower_ for t in span if t.lower_ not in _FILLERS and not t.is_punct), "")


def _has_content(span) -> bool:
    return any(t.is_alpha and not t.is_stop and len(t) > 2 and t.lower_ not in _FILLERS
               for t in span) and not _only_asks_to_be_told(span)


# "COULD YOU PLEASE EXPLAIN, step by step, how ...": a request to be told, whose
# subject is in the part that follows.
_REQUESTS = {"explain", "describe", "outline", "tell", "please", "pls", "plz", "kindly",
             "clarify"}


def _only_asks_to_be_told(span) -> bool:
    words = {t.lower_ for t in span if t.is_alpha and not t.is_stop and len(t) > 2}
    return bool(words) and words <= _REQUESTS


# "My neighbour was off work three months. IS THAT TYPICAL? How long is recovery?": a
# short question that only weighs what was told before asks no topic of its own.
_WEIGHING = {"typical", "common", "normal", "usual", "unusual", "true", "right", "correct",
             "realistic", "rare", "standard", "lucky", "unlucky"}
_BACK_TO_THE_STORY = {"that", "this", "it", "he", "she", "they", "his", "hers", "theirs"}


def reacts_to_the_story(part) -> bool:
    words = [t.lower_ for t in part if t.is_alpha and t.lower_ not in {"or", "and", "just"}]
    return (1 < len(words) <= 5 and words[0] in QUESTION_OPENERS
            and words[1] in _BACK_TO_THE_STORY and bool(set(words) & _WEIGHING))
