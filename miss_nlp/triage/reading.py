"""What a message says beyond its red flags: a recovery, an operation, a question, a what-if."""
from typing import Optional, Sequence

from miss_nlp.triage.message import Token
from miss_nlp.triage.sentences import (SENTENCE_END, Sentences, contains,
                                       last_sentence_start)
from miss_nlp.triage.vocabulary import Vocabulary, vocabulary


def describes_own_recovery(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """A patient telling us how their own recovery is going, or asking what to do about
    their own symptoms ("should I go to the ER?")."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    text = " " + " ".join(lowers) + " "
    since = vocab.time_since_surgery.search(text)
    if since and not _plans_ahead(text, since.start(), vocab):
        return True
    if set(lowers) & vocab.what_if:
        return False
    if contains(lowers, vocab.own_care):
        return True
    forms = {f for t in tokens for f in t.forms}
    if not forms & vocab.concern:
        return False
    if set(lowers) & vocab.future_words and not set(lowers) & vocab.report_words:
        return False
    if any(not text[:m.start()].rstrip().endswith(" before")
           for m in vocab.own_surgery.finditer(text.replace(" 's", "'s"))):
        return True
    for phrase in vocab.had_surgery:
        at = text.find(f" {' '.join(phrase)} ")
        if at < 0:
            continue
        # "how long after my surgery will I ..." asks about the future, not a recovery.
        head = text[:at].split()
        first = last_sentence_start(head)
        if phrase[0] == "after" and set(head[first:]) & {"will", "can", "when", "how",
                                                          "long", "soon", "would", "could"}:
            continue
        return True
    return False


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
    return bool(vocab.time_since_surgery.search(text)
                or vocab.own_surgery.search(text.replace(" 's", "'s"))
                or contains(lowers, vocab.had_surgery))


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
