"""What triage needs to know of each sentence of a message, worked out once per sentence."""
import re
from typing import Dict, Iterable, List, Sequence, Set, Tuple

from miss_nlp.triage.vocabulary import Vocabulary

SENTENCE_END = {".", "!", "?", "\n"}
CLAUSE_END = {",", ";", ":", "-", "--", "—", "…", "but", "though", "although"}


class Sentences:
    """What tiering needs to know of each sentence, worked out once per sentence so that
    every red-flag match costs the same small amount however long the text is."""

    def __init__(self, lowers: Sequence[str], vocab: Vocabulary) -> None:
        self.lowers, self.vocab = lowers, vocab
        self.number = sentence_numbers(lowers)
        self.bounds: List[Tuple[int, int]] = []
        start = 0
        for i, word in enumerate(lowers):
            if word in SENTENCE_END:
                self.bounds.append((start, i))
                start = i + 1
        self.bounds.append((start, len(lowers)))
        self._features: Dict[int, Dict] = {}

    def features(self, position: int) -> Dict:
        number = self.number[position] if position < len(self.number) else len(self.bounds) - 1
        if number not in self._features:
            self._features[number] = self._work_out(*self.bounds[number])
        return self._features[number]

    def _work_out(self, first: int, last: int) -> Dict:
        lowers, vocab = self.lowers, self.vocab
        sentence = lowers[first:last]
        words = set(sentence)
        opening = next((w for w in sentence if w not in _FILLERS), "")
        ends_with_question_mark = last < len(lowers) and lowers[last] == "?"

        def first_of(wanted: Set[str]) -> int:
            # "not sure IF this matters", "wondering WHETHER": an asked question, no what-if.
            return next((first + i for i, w in enumerate(sentence) if w in wanted
                         and not (i and sentence[i - 1] in vocab.embedded_question_verbs)),
                        last + 1)

        # "will I ...", "could THE SURGERY make me ...": a question about what may happen.
        will_happen = next((first + i for i, (w, nxt, after) in enumerate(
                            zip(sentence, sentence[1:], sentence[2:] + [""]))
                            if w in vocab.modals
                            and (nxt in vocab.persons or nxt in vocab.treatments
                                 or (nxt in _DETERMINERS and after in vocab.treatments)
                                 or (i == 0 and w in _FUTURE and nxt not in vocab.negations)
                                 # "what WOULD AN infected incision look like?"
                                 or (i == 1 and sentence[0] in _WH_WORDS and nxt in _DETERMINERS))),
                           last + 1)
        position = sentence.index(opening) if opening else 0
        subject = sentence[position + 1] if position + 1 < len(sentence) else ""
        # "Is it ...", "can MISS ...", "what ...": a question; "Have a fever", "havent peed":
        # a report that happens to open with an auxiliary.
        opens_a_question = opening in vocab.question_starts and (
            opening in _WH_WORDS or subject in _SUBJECTS or subject in vocab.persons
            or subject in vocab.treatments
            or (opening in _COPULAS and subject not in vocab.negations))
        # "a fever after surgery, IS THAT common?": a later part of the sentence that
        # opens a question about what came before.
        opens_a_question = opens_a_question or any(
            w in CLAUSE_END and nxt in vocab.question_starts and after in _SUBJECTS
            for w, nxt, after in zip(sentence, sentence[1:], sentence[2:]))
        number = self.number[first] if first < len(self.number) else len(self.bounds) - 1
        neighbours = [self.bounds[k] for k in (number - 1, number + 1) if 0 <= k < len(self.bounds)]
        now_nearby = any(_now_words(lowers[a:b], vocab) for a, b in neighbours)
        text = " ".join(sentence)
        past = contains(sentence, vocab.in_the_past) or bool(vocab.past_reading.search(text)) or (
            words & vocab.others and words & vocab.past_verbs
            and not words & vocab.happening_now) or any(
            w in vocab.year_after and re.match(r"^(19|20)\d\d$", nxt)
            for w, nxt in zip(sentence, sentence[1:]))
        long_standing = contains(sentence, vocab.long_standing) or bool(
            vocab.long_standing_reading.search(text))
        # "like someone ELSE's backside" describes the patient's own body, and "HEARD A
        # crack" a sound, not hearsay.
        general = {w for i, w in enumerate(sentence) if w in vocab.general_subjects
                   and (i + 1 >= len(sentence) or sentence[i + 1] != "else")
                   and not (w == "heard" and sentence[i + 1:i + 2] in (["a"], ["an"],
                                                                       ["something"]))}
        now_words = _now_words(sentence, vocab)
        return {
            "first": first, "last": last, "words": words, "general": general,
            "now": bool(now_words) or bool(
                words & vocab.persons and contains(sentence, vocab.seeking_care)),
            "now_nearby": now_nearby,
            "question": opens_a_question or (
                ends_with_question_mark and bool(words & vocab.question_starts)),
            "hypothetical_at": first_of(vocab.hypothetical),
            "risk_word_at": first_of(vocab.hypothetical - vocab.conditionals),
            "sign_word_at": first_of(vocab.sign_words),
            "will_happen_at": will_happen,
            "now_or_today_at": [first + i for i, w in enumerate(sentence)
                                if w in {"now", "today"}][-1:] or [-1],
            "in_the_past": past or long_standing,
            "only_long_standing": long_standing and not past,
        }


_WH_WORDS = {"what", "whats", "what's", "how", "hows", "why", "when", "which", "who", "if"}
_SUBJECTS = {"it", "there", "this", "that", "the", "a", "an", "your", "people", "anyone",
             "anybody", "someone", "they", "you", "u", "these", "those", "any", "some"}
# "IS foot drop a known side effect": an opening copula asks, whatever its subject.
_COPULAS = {"is", "are", "does", "do"}
# "WILL nerve damage leave my foot weaker?": a sentence opening with one of these asks
# what may happen.
_FUTURE = {"will", "would", "could", "might", "may"}
_DETERMINERS = {"the", "this", "that", "my", "a", "an", "your"}
_FILLERS = {"\n", "so", "and", "but", "ok", "okay", "hi", "hello", "um", "also", "please"}


def _now_words(sentence: Sequence[str], vocab: Vocabulary) -> Set[str]:
    """The words of ``sentence`` that say something is happening now; but "weaker than it
    is NOW" compares, and "I'm HAVING an endoscopic discectomy" plans an operation."""
    return {w for i, w in enumerate(sentence) if w in vocab.happening_now
            and not (w == "now" and "than" in sentence[max(0, i - 4):i])
            and not (w == "having" and _an_operation_next(sentence[i + 1:i + 4], vocab))}


def _an_operation_next(words: Sequence[str], vocab: Vocabulary) -> bool:
    """"having (an endoscopic) DISCECTOMY", "having IT done", "having SURGERY"."""
    for word in words:
        if word in vocab.treatments or word in _OPERATIONS:
            return True
        if word not in _DETERMINERS:
            return False
    return False


_OPERATIONS = {"surgery", "operation", "op", "procedure", "tlif", "xlif", "laminectomy",
               "microdiscectomy", "discectomy", "fusion", "decompression"}


def sentence_numbers(lowers: Sequence[str]) -> List[int]:
    numbers, current = [], 0
    for word in lowers:
        numbers.append(current)
        current += word in SENTENCE_END
    return numbers


def contains(words: Sequence[str], phrases: Iterable[Tuple[str, ...]]) -> bool:
    text = " " + " ".join(words) + " "
    return any(f" {' '.join(p)} " in text for p in phrases)


def last_sentence_start(words: Sequence[str]) -> int:
    for i in range(len(words) - 1, -1, -1):
        if words[i] in SENTENCE_END:
            return i + 1
    return 0
