"""What triage reads of a message: its tokens, and how long a message it answers in full."""
from dataclasses import dataclass
from typing import List, Tuple

from miss_config.settings import read_setting
from miss_nlp.triage.vocabulary import tokenizer, vocabulary


@dataclass(frozen=True)
class Token:
    lower: str
    lemma: str

    @property
    def forms(self) -> Tuple[str, ...]:
        return (self.lower, self.lemma) if self.lemma != self.lower else (self.lower,)


def tokens_of(doc) -> List[Token]:
    """Tokens of a spaCy ``Doc`` (the project's pipeline); whitespace runs that hold a
    line break count as a sentence end."""
    out = []
    as_written = vocabulary().read_as_written
    for t in doc:
        lower = t.lower_
        if not lower.strip():
            if "\n" in lower:
                out.append(Token("\n", "\n"))
            continue
        if lower == "i.":   # spaCy reads "so am I." as an initial, one token
            out += [Token("i", "i"), Token(".", ".")]
            continue
        lemma = lower if lower in as_written else (t.lemma_ or lower).lower()
        out.append(Token(lower, lemma))
    return out


def tokens_of_text(text: str) -> List[Token]:
    """Tokens of ``text`` by spaCy's tokenizer alone (no lemmas)."""
    return tokens_of(tokenizer()(text.lower()))


def max_message_chars() -> int:
    """Longer messages are checked for red flags, then the patient is asked to shorten
    them (MISS_MAX_MESSAGE_CHARS). A bad value stops the servers at start; here a
    message is never refused for it, and the default stands."""
    try:
        return read_setting("max_message_chars")
    except ValueError:
        return read_setting("max_message_chars", {})
