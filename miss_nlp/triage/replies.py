"""The triage replies, from red_flags.yml: advice for red flags happening now, a
sentence for red flags only mentioned, and the after-surgery reply."""
from typing import Optional, Sequence

from miss_nlp.triage.vocabulary import UNSPECIFIED, Vocabulary, vocabulary


# An SMS reply has room for the advice and a few more names, not for every kind.
MOST_NAMED = 3


def advice_for(kinds: Sequence[str], vocab: Optional[Vocabulary] = None) -> str:
    """The reply to red flags happening now: the most urgent kind's advice, then the
    others named. Unknown or no kinds get the advice for an unspecified emergency."""
    vocab = vocab or vocabulary()
    known = sorted({k for k in kinds if k in vocab.kinds},
                   key=lambda k: (vocab.kinds[k].priority, k)) or [UNSPECIFIED]
    first, others = vocab.kinds[known[0]], [vocab.kinds[k] for k in known[1:]]
    reply = first.advice
    if others:
        labels = [k.label for k in others[:MOST_NAMED]]
        if len(others) > MOST_NAMED:
            labels.append(vocab.more_signs)
        listed = labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]
        reply = f"{reply} {vocab.also_mentioned.replace('{others}', listed)}"
    if "{crisis_line}" not in first.advice and vocab.crisis_line_always:
        reply = f"{reply} {vocab.crisis_line_always}"
    return reply


def when_mentioned(kinds: Sequence[str], vocab: Optional[Vocabulary] = None) -> str:
    """One sentence on when to seek urgent care, for red flags named in a question
    (the most urgent kind's)."""
    vocab = vocab or vocabulary()
    known = sorted({k for k in kinds if k in vocab.kinds},
                   key=lambda k: (vocab.kinds[k].priority, k))
    if not known:
        return ""
    return vocab.kinds[known[0]].when_mentioned


def after_surgery_reply(vocab: Optional[Vocabulary] = None, subject: str = "") -> str:
    """The after-surgery reply; with ``subject`` (a recovery question about something the
    guide leaves out), opened by a sentence naming it."""
    vocab = vocab or vocabulary()
    if not subject:
        return vocab.after_surgery_reply
    opening = vocab.after_surgery_subject.replace("{not_covered_subject}", subject)
    return f"{opening} {vocab.after_surgery_reply}"
