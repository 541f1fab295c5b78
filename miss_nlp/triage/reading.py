"""What a message says beyond its red flags: a recovery, an operation, a question, a what-if."""
import re
from typing import Optional, Sequence

from miss_nlp.triage.message import Token
from miss_nlp.triage.sentences import (SENTENCE_END, Sentences, contains,
                                       last_sentence_start, sentence_numbers)
from miss_nlp.triage.vocabulary import Vocabulary, vocabulary


def describes_own_recovery(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """A patient telling us how their own recovery is going, or asking what to do about
    their own symptoms ("should I go to the ER?")."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    text = " " + " ".join(lowers) + " "
    since = _time_since_surgery(text, vocab)
    if since is not None and not (since.group(0).endswith("after")
                                  and _plans_ahead(text, since.start(), vocab)):
        return True
    if asks_what_to_do_now(tokens, vocab):
        return True
    if set(lowers) & vocab.what_if:
        return False
    plans_only = bool(set(lowers) & vocab.future_words and not set(lowers) & vocab.report_words)
    if vocab.recovery_signs.search(text.replace(" 's", "'s").replace("'s", " 's")) and not plans_only:
        return True
    forms = {f for t in tokens for f in t.forms}
    if not forms & vocab.concern:
        return False
    if set(lowers) & vocab.future_words and not set(lowers) & vocab.report_words:
        return False
    return (_names_own_past_surgery(text, vocab) or _says_surgery_happened(text, vocab)) and (
        not _tells_of_another(lowers, vocab))


def asks_what_to_do_now(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """"Should I go to the ER?", "is this normal?": a patient asking what to do about
    their own symptoms, not what may happen some day."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    if not (contains(lowers, vocab.own_care) and not set(lowers) & vocab.what_if
            and not contains(lowers, vocab.operation_ahead)):
        return False
    text = " " + " ".join(lowers) + " "
    if _time_since_surgery(text, vocab) is not None:
        return True
    # A friend's or a sister's operation told, and nothing says how long ago: "my brother
    # SAYS he barely needed painkillers, IS THAT NORMAL?", "my neighbour HAD the keyhole op
    # and was home the same day. is that normal??" ask what is usual.
    told = _tells_of_another(lowers, vocab)
    if not told and (_names_own_past_surgery(text, vocab)
                     or _says_surgery_happened(text, vocab)):
        return True
    # "is it normal FOR PEOPLE to still have some pain after MISS?", "... IN GENERAL"
    for_people = contains(lowers, [("normal", "for", who) for who in vocab.general_subjects]
                          + [("in", "general")])
    return not told and not for_people


def _tells_of_another(lowers: Sequence[str], vocab: Vocabulary) -> bool:
    """A friend's, a neighbour's or a sister's story: "my friend HAD 3 little scars after
    hers", "my brother SAYS he barely needed painkillers"."""
    return bool(set(lowers) & (vocab.others | _TELLING_RELATIVES)
                and set(lowers) & (_REPORTED | vocab.past_verbs))


_TELLING_RELATIVES = {"brother", "sister", "coworker", "co-worker", "workmate", "boss"}
_REPORTED = {"said", "says", "told", "tells", "swears", "reckons", "claims", "claimed"}


def operation_is_ahead(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """"my microdiscectomy is in January", "I'm booked for a fusion": the operation is
    still to come, and nothing says how long ago it was."""
    vocab = vocab or vocabulary()
    text = " " + " ".join(t.lower for t in tokens) + " "
    return (_time_since_surgery(text, vocab) is None
            and bool(vocab.operation_ahead_pattern.search(text)))


def asks_why_it_happens(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """"what could be the reason?", "what's causing it?": asking the cause of something."""
    vocab = vocab or vocabulary()
    return contains([t.lower for t in tokens], vocab.own_why)


def asks_in_general(question: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """"how long does recovery NORMALLY take?", "when do PEOPLE go back to work?": the
    question of a recovery message asks how it goes in general, not about its writer's
    own symptoms ("is this normal?", "how long does the numbness usually last?", "does
    THAT usually go away?")."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in question]
    # "is that normal FOR THIS KIND OF SURGERY?" asks in general; "should I go to the ER?"
    # never does.
    what_to_do = [p for p in vocab.own_care if p[-1] != "normal"]
    return (contains(lowers, vocab.asks_in_general) and not set(lowers) & vocab.own_symptoms
            and not contains(lowers, what_to_do) and not asks_why_it_happens(question, vocab))


def _names_own_past_surgery(text: str, vocab: Vocabulary) -> bool:
    """"my fusion", "her incision", but not one still to come ("BEFORE my op", "will
    they still DO my op on Monday"), nor a friend's or an uncle's told as a story ("my
    FRIEND said HER microdiscectomy was the worst pain of her life, is that normal?")."""
    text = text.replace(" 's", "'s")
    return any(not text[:m.start()].rstrip().endswith(_BEFORE_AN_OPERATION)
               and not _someone_elses(text, m, vocab) for m in vocab.own_surgery.finditer(text))


def _someone_elses(text: str, match, vocab: Vocabulary) -> bool:
    """The operation named is a friend's, a neighbour's or an uncle's: not "my", and such
    a person is named in the same sentence before it."""
    if match.group(0).startswith("my "):
        return False
    before = re.split(r" [.!?] ", text[:match.start()])[-1].split()
    return bool(set(before) & (vocab.others - _MAY_BE_CARED_FOR))


# Grandparents are often the patient a grandchild writes for.
_MAY_BE_CARED_FOR = {"grandma", "grandpa", "grandmother", "grandfather"}


_BEFORE_AN_OPERATION = (" before", " do", " doing", " until", " till", " booked")


def _says_surgery_happened(text: str, vocab: Vocabulary) -> bool:
    for phrase in vocab.had_surgery:
        at = text.find(f" {' '.join(phrase)} ")
        if at < 0:
            continue
        # "how long after my surgery will I ...", "WOULD I still need my tablets after the
        # op", "will they still DO my op": the future, not a recovery.
        head = text[:at].split()
        first = last_sentence_start(head)
        if phrase[0] == "after" and set(head[first:]) & {"will", "can", "when", "how",
                                                          "long", "soon", "would", "could"}:
            continue
        # (Only a phrase that merely names the operation: "they SENT ME HOME" is past;
        # and not when another sentence reports: "when will the op site stop hurting?
        # the cut area ACHES".)
        opening = head[first:first + 2]
        asks_ahead = opening[:1] and opening[0] in _ASKS_AHEAD and opening[1:] not in (
            ["n't"], ["nt"]) and not _another_sentence_reports(text, at, vocab)
        if phrase[0] in _NAMES_ONLY and (asks_ahead or text[:at].endswith(_BEFORE_AN_OPERATION)):
            continue
        return True
    return False


def _another_sentence_reports(text: str, at: int, vocab: Vocabulary) -> bool:
    words = text.split()
    numbers = sentence_numbers(words)
    here = numbers[min(len(text[:at].split()), len(words) - 1)]
    return any(number != here and (word in vocab.report_words or word in vocab.concern
                                   or word.rstrip("s") in vocab.concern)
               for number, word in zip(numbers, words))


_ASKS_AHEAD = {"will", "would", "could", "can", "do", "does", "how", "what", "when"}
_NAMES_ONLY = {"the", "my", "post", "post-op", "postop"}


def _time_since_surgery(text: str, vocab: Vocabulary) -> Optional[re.Match]:
    """Where the message says how long ago the operation was ("3 weeks post op", "two
    weeks after, ..."), or None. "a few weeks AFTER A BAD DISC EPISODE" or "six weeks
    AFTER THE PLANNED DATE" count from something else, and "the FIRST few days after"
    asks what recovery is like."""
    for match in vocab.time_since_surgery.finditer(text):
        if _asks_what_the_first_days_are_like(text, match.start()):
            continue
        if not match.group(0).rstrip().endswith((" after", " since")):
            return match
        # "3 weeks since my op" (but not "a few weeks since my L5-S1 went").
        following = text[match.end():].split()[:4]
        if not following or following[0] in SENTENCE_END | {","} or set(
                following) & vocab.operation_words:
            return match
    return None


def _asks_what_the_first_days_are_like(text: str, at: int) -> bool:
    """"What do the FIRST few days after the operation feel like?" (but not "I had a
    headache the first couple of days after surgery")."""
    words = text[:at].split()
    sentence = words[last_sentence_start(words):]
    return words[-1:] == ["first"] and bool(sentence) and sentence[0] in {"what", "how",
                                                                            "whats", "what's"}


def _plans_ahead(text: str, at: int, vocab: Vocabulary) -> bool:
    """"Can I fly two days after the operation?": a time after surgery in a sentence
    that asks about the future and reports nothing."""
    words = text[:at].split()
    sentence = words[last_sentence_start(words):] + text[at:].split()
    for i, word in enumerate(sentence):
        if word in SENTENCE_END:
            sentence = sentence[:i]
            break
    return bool(set(sentence) & (vocab.future_words | {"when"})) and not set(
        sentence) & vocab.report_words


def had_an_operation(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """Whether the message says the patient (or someone they name) has had the operation."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    text = " " + " ".join(lowers) + " "
    return bool(_time_since_surgery(text, vocab) is not None
                or _names_own_past_surgery(text, vocab) or _says_surgery_happened(text, vocab))


def says_it_is_not_urgent(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    vocab = vocab or vocabulary()
    return contains([t.lower for t in tokens], vocab.not_urgent)


def asks_a_question(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """Whether any sentence of the message is a question."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    sentences = Sentences(lowers, vocab)
    return any(sentences.features(first)["question"]
               for first, last in sentences.bounds if last > first)


def wonders_what_if(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    vocab = vocab or vocabulary()
    return bool({t.lower for t in tokens} & vocab.what_if)
