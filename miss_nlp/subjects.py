"""The patient's own words for what a question the guide does not cover asks about
("can I SHOWER", "DONATE MY OWN BLOOD", "DRIVING"), named in the "not covered" reply.

Pure functions over spaCy tokens, given the words miss_nlp.coverage found unknown.
"""
import re
from typing import Sequence

from miss_nlp.coverage import ASKING_WORDS, DOMAIN_WORDS, FRAME_WORDS, OPERATION_NAMES, forms

# Prepositions and joining words end the subject named in the reply.
_SUBJECT_ENDS = {"after", "before", "during", "for", "with", "when", "if", "while", "following",
                 "into", "onto", "from", "about",
                 "and", "or", "but", "because", "since", "until", "at", "in", "on", "post", "to",
                 # a new clause: "what TESTS do I need", "a special DIET that helps"
                 "do", "does", "did", "is", "are", "can", "will", "should", "would", "that",
                 "which", "who", "ever", "need", "needs", "have", "has", "be", "get", "gets",
                 # how it is judged: "is NAPROXEN ok"
                 "ok", "okay", "safe", "fine", "alright", "allowed", "normal", "good", "bad",
                 "better", "worse",
                 # when: "a sauna LAST year"
                 "last", "next", "every", "each", "ago"}
MAX_SUBJECT_WORDS = 4



def subject_of(unknown: Sequence, context: Sequence = ()) -> str:
    """The patient's words for what a question the guide does not cover asks about: the
    phrase around its first unknown word, taken back to the verb it belongs to ("DRIVE
    MY OWN car", "SLEEP ON MY stomach", "SECOND opinion") and on as subject() goes.
    A word that says when or how ("FOREVER", "SHORTLY", "on THURSDAY") or reads as a
    past participle ("SWITCHED off") names nothing when another unknown word is there."""
    first = subject_word(unknown, context)
    doc = first.doc
    if all(t.i != first.i for t in unknown):
        return subject(first)   # a thing from the story: "we bought A SAUNA"
    start = first.i
    for _ in range(_MAX_BACK):
        before = doc[start - 1] if start else None
        if before is None or not before.is_alpha or before.lower_ in _STOPS_BACK or forms(
                before) & (DOMAIN_WORDS | FRAME_WORDS | ASKING_WORDS | OPERATION_NAMES) or (
                says_when_or_how(before)):   # "could you KINDLY | advise"
            break
        start -= 1
        if not (before.is_stop or before.lower_ in _PREPOSITIONS):
            break   # one content word ("drive", "second") ends the phrase
    while start < first.i and (doc[start].lower_ in _LEADING or doc[start].lower_ in _PREPOSITIONS):
        start += 1
    rest = subject(first)
    head = [t.text for t in doc[start:first.i]]
    named = " ".join(head + [rest]) if head else rest
    return _as_an_activity(named, doc[start])


def _as_an_activity(named: str, first) -> str:
    """"can I FLY home" names flying, "allowed to SIT" sitting: a verb right after "to"
    or after a modal and its subject reads as the activity ("fly home" -> "flying home")."""
    doc, i = first.doc, first.i
    before = [t.lower_ for t in doc[max(0, i - 2):i]]
    after_to = before[-1:] == ["to"]
    after_modal = len(before) == 2 and before[0] in _MODALS and before[1] in _PERSONS
    word = first.lower_
    if not (after_to or after_modal) or not first.is_alpha or len(word) < 2 or not (
            named.lower().startswith(word)) or word.endswith("ing") or word in _NOT_VERBS or (
            first.is_stop or says_when_or_how(first)):   # "should I EVER", "could you KINDLY"
        return named
    return _gerund(word) + named[len(word):]


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"   # lie -> lying
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"    # drive -> driving
    if (len(verb) <= 4 and len(verb) >= 3 and verb[-1] not in "aeiouwxy"
            and verb[-2] in "aeiou" and (verb[-3] not in "aeiou" or verb[-4:-2] == "qu")):
        return verb + verb[-1] + "ing"   # sit -> sitting, swim -> swimming
    return verb + "ing"


_MODALS = {"can", "could", "will", "would", "should", "may", "might", "do", "does", "ca", "wo"}
_PERSONS = {"i", "you", "he", "she", "we", "they"}
# Words after "to" that are no verbs ("back to WORK" is asked elsewhere; "to MIS").
_NOT_VERBS = {"mis", "miss", "me", "my", "the", "a", "an", "hospital", "work"}


def subject_word(unknown: Sequence, context: Sequence = ()):
    """The unknown word the subject is named from (see subject_of). When the question's
    unknown words only say when or how ("does it need to be SWITCHED off?"), a thing
    named elsewhere in the message ("I have A PACEMAKER") is the subject: the first
    ``context`` word that is not a word of asking."""
    named = next((t for t in unknown if not general_word(t)), None)
    if named is not None:
        return named
    thing = next((t for t in context if not general_word(t)), None)
    return thing if thing is not None else (list(unknown) + list(context))[0]


def after_a_determiner(token) -> bool:
    return token.i > 0 and token.doc[token.i - 1].lower_ in _LEADING


def names_a_thing(token) -> bool:
    """A word that reads as the name of a thing ("ibuprofen", "tub"), not as an action
    ("walking", "closed"). The pipeline has no tagger (no pretrained model can be
    installed), so this goes by the word's form: a lemma other than the word itself, or
    its plural, says it is a verb's form ("bought" is "buy"), and an adjective's ending
    says it describes ("unbearable", "nervous", "painful")."""
    lower, lemma = token.lower_, (token.lemma_ or token.lower_).lower()
    return not lower.endswith(("ing", "ed", "ly") + _ADJECTIVE_ENDINGS) and lower in (
        lemma, lemma + "s", lemma + "es")


_ADJECTIVE_ENDINGS = ("able", "ible", "ous", "ful", "less", "ive")


def names_nothing(token) -> bool:
    """A verb or a word of degree or of opinion that any question uses around its subject
    ("how FAR", "true or RUBBISH?")."""
    return token.lower_ in _GENERAL or (token.lemma_ or token.lower_).lower() in _GENERAL


def general_word(token) -> bool:
    """A verb or a word of degree that any question uses around its subject ("USE it",
    "how do I CHECK", "how FAR"), or a word of when or how."""
    lower, lemma = token.lower_, (token.lemma_ or token.lower_).lower()
    return lower in _GENERAL or lemma in _GENERAL or says_when_or_how(token)


_GENERAL = {"use", "take", "stop", "keep", "get", "make", "do", "have", "try", "start",
            "wear", "change", "need", "want", "help", "let", "put", "give", "close", "go",
            "far", "near", "true", "sure", "fine", "avoid", "allow", "bother", "worth",
            "sign", "apply", "happen", "mean", "tell", "ask", "say", "think", "know",
            "check", "request", "submit", "tip", "tips", "advice", "practical", "special",
            "anything", "something", "insist", "pause", "continue", "hold", "skip",
            "reason", "cause", "problem", "problems", "issue", "matter", "common", "actual",
            "hour", "hours", "find", "come", "cancel", "leave", "handle", "book", "right",
            "way", "safe", "ok", "okay", "hundreds",
            # what a patient thinks of what they heard: "true or RUBBISH?", "any TRUTH in it"
            "rubbish", "truth", "nonsense", "myth", "overkill", "preferable", "grateful",
            "like", "till", "twice", "big", "pass", "wants", "maybe", "apart", "honestly",
            "advise", "realistic", "idea", "feel", "look", "damage", "wait", "waiting",
            # what the patient thinks of their own plan: "is that DAFT?"
            "daft", "silly", "stupid", "dumb", "crazy", "mad",
            # doing something with the thing asked about: "should I BRING my CPAP machine",
            # "who FILLS OUT the forms"
            "bring", "carry", "fill", "fills", "handles", "write", "writes", "send", "sending",
            "deal", "manage", "managing", "restart", "restarting", "arrange", "remove",
            "affect", "provide", "sort",
            # "my 6 year OLD", "ref CL-7781"
            "old", "ref",
            # how it feels to ask: "explain it gently without FRIGHTENING her", "am I DREAMING?"
            "frighten", "frightening", "scare", "scary", "upset", "upsetting", "worry",
            "worrying", "dream", "dreaming", "reassure", "reassuring", "panic", "panicking",
            "reluctant", "forgot", "forget", "fairy", "tale"}


def says_when_or_how(token) -> bool:
    lower = token.lower_
    return lower in _WHEN_WORDS or (lower.endswith("ly") and len(lower) > 4) or (
        lower.endswith("ed") and not lower.endswith("eed") and len(lower) > 4)


_WHEN_WORDS = {"forever", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
               "sunday", "january", "february", "march", "april", "june", "july", "august",
               "september", "october", "november", "december", "tomorrow", "tonight",
               "yesterday", "weekend", "afterwards", "afterward", "beforehand", "morning",
               "evening", "afternoon", "night", "overnight"}

_MAX_BACK = 4
# Going back from the unknown word stops at these: "can I | shower", "or | just numb".
_STOPS_BACK = {"i", "you", "he", "she", "we", "they", "it", "me", "him", "us", "them", "to",
               "and", "or", "but", "so", "just", "is", "are", "am", "was", "be", "do", "does",
               "did", "can", "could", "will", "would", "should", "may", "might", "have", "has",
               "had", "get", "got", "need", "take", "taking", "keep", "stop", "put", "let",
               "when", "how", "what", "why", "where", "who", "which", "if", "before", "after",
               "there", "then", "not", "no", "ok", "okay", "im", "i'm",
               "ever", "even", "still", "also", "really", "actually"}
_PREPOSITIONS = {"on", "in", "behind", "under", "into", "onto", "of", "about", "from", "by",
                 "with", "over", "through", "without"}
_LEADING = {"the", "a", "an", "any", "some", "this", "that", "these", "those", "my", "your",
            "his", "her", "their", "our", "own"}


def subject(first_unknown) -> str:
    """The patient's own words for the subject: the first unknown word and the few
    after it, up to a preposition or the end of the clause ("donate my own blood")."""
    doc = first_unknown.doc
    words = []
    for token in doc[first_unknown.i:first_unknown.i + MAX_SUBJECT_WORDS]:
        joined = token.i > first_unknown.i and not doc[token.i - 1].whitespace_ and (
            token.text == "-" or doc[token.i - 1].text == "-")   # "pre-op"
        if not joined and (token.is_punct or token.is_space or (words and (
                token.lower_ in _SUBJECT_ENDS or token.lower_ in DOMAIN_WORDS))):
            break
        words.append(token.text)
    while len(words) > 1 and doc[first_unknown.i + len(words) - 1].is_stop:
        words.pop()
    return re.sub(r" ?- ?", "-", " ".join(words))
