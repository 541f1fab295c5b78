"""Finding red flags in a message's tokens, each with its tier.

Matching is a single pass over the tokens: each token is looked up in the word lists
once, and a pair of words is looked for only within ``window`` tokens of each other,
so the work grows linearly with the text (:attr:`Findings.work` counts it)."""
from dataclasses import dataclass, field
from typing import List, Optional, Sequence, Set, Tuple

from miss_nlp.triage.message import Token
from miss_nlp.triage.sentences import Sentences, contains
from miss_nlp.triage.tiers import ACUTE, MENTIONED, tier_of
from miss_nlp.triage.vocabulary import CRISIS, Vocabulary, vocabulary


@dataclass
class Finding:
    kind: str
    start: int
    end: int
    tier: str = ACUTE


@dataclass
class Findings:
    found: List[Finding] = field(default_factory=list)
    work: int = 0

    def kinds(self, tier: str) -> List[str]:
        """Kinds found in ``tier``, most urgent first; a kind acute anywhere is acute."""
        acute = {f.kind for f in self.found if f.tier == ACUTE}
        names = acute if tier == ACUTE else {f.kind for f in self.found} - acute
        return sorted(names, key=lambda name: (vocabulary().kinds[name].priority, name))


def find(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> Findings:
    """Every kind of red flag in ``tokens`` with its tier; a kind is looked at no more
    once one of its matches is acute."""
    vocab = vocab or vocabulary()
    result = Findings()
    n = len(tokens)
    lowers = [t.lower for t in tokens]
    lemmas = [t.lemma for t in tokens]
    ignored = _idiom_tokens(lowers, vocab, result)
    groups = [set() if i in ignored else vocab.groups_of(t.forms, t.lower)
              for i, t in enumerate(tokens)]
    sentences = Sentences(lowers, vocab)
    sentence_of = sentences.number
    acute: Set[str] = set()
    mentioned: Set[str] = set()
    quotes = _quoted_lines(lowers)

    def found(kind: str, start: int, end: int, members: Tuple[int, ...],
              always_acute: bool = False) -> None:
        result.work += 1
        tier = tier_of(lowers, start, end, vocab, (kind,), members, sentences,
                       even_in_questions=always_acute)
        if any(a <= start and end <= b for a, b, _ in quotes):
            # What a quoted question asks is settled by its answer (below), so it must not
            # stop the search for the same red flag in the patient's own words.
            result.found.append(Finding(kind, start, end, tier))
            return
        if tier == ACUTE:
            acute.add(kind)
        elif kind in mentioned:
            return
        else:
            mentioned.add(kind)
        result.found.append(Finding(kind, start, end, tier))

    # Phrases: at each token that can start one, the few phrase lengths that exist; and a
    # word that alarms on its own ("101.8F"), in the same pass.
    for i in range(n):
        result.work += 1
        for kind, group in vocab.readings:
            if group in groups[i] and kind not in acute:
                found(kind, i, i + 1, (i,))
        if lowers[i] not in vocab.phrase_starts and lemmas[i] not in vocab.phrase_starts:
            continue
        for length in range(1, min(vocab.longest_phrase, n - i) + 1):
            result.work += 1
            kinds = (vocab.phrases.get(tuple(lowers[i:i + length]))
                     or vocab.phrases.get(tuple(lemmas[i:i + length])))
            if kinds and not ignored.intersection(range(i, i + length)):
                sure = vocab.always_acute.get(tuple(lowers[i:i + length]), set())
                for kind in kinds - acute:
                    found(kind, i, i + length, tuple(range(i, i + length)), kind in sure)
    window = vocab.window
    for kind, a, b in vocab.pairs:
        for i in range(n):
            if kind in acute:
                break
            if a not in groups[i]:
                continue
            for j in range(max(0, i - window), min(n, i + window + 1)):
                result.work += 1
                if j != i and b in groups[j] and sentence_of[j] == sentence_of[i]:
                    found(kind, min(i, j), max(i, j) + 1, (min(i, j), max(i, j)))
                    if kind in acute:
                        break
    for kind, a, b, c in vocab.chains:
        for i in range(n):
            if kind in acute:
                break
            if a not in groups[i]:
                continue
            for j in range(i + 1, min(n, i + window + 1)):
                result.work += 1
                if b not in groups[j] or sentence_of[j] != sentence_of[i]:
                    continue
                for k in range(j + 1, min(n, i + window + 1)):
                    result.work += 1
                    if c in groups[k] and sentence_of[k] == sentence_of[i]:
                        found(kind, i, k + 1, (i, j, k))
                        break
    words = [i for i, w in enumerate(lowers) if any(c.isalnum() for c in w)]
    for kind, group in vocab.alone if len(words) == 1 else ():
        result.work += 1
        if group in groups[words[0]]:
            found(kind, words[0], words[0] + 1, (words[0],))
    _answers_to_quoted_questions(quotes, lowers, vocab, result)
    _read_the_whole_message(lowers, vocab, result)
    return result


QUOTE = ">"


def _quoted_lines(lowers: Sequence[str]) -> List[Tuple[int, int, int]]:
    """(start, end, end of the answer) of each line that opens with ">", a quoted earlier
    text ("> Clinic: is the numbness still there?"); its answer runs to the next one."""
    starts = [i for i, w in enumerate(lowers) if w == QUOTE and (i == 0 or lowers[i - 1] == "\n")]
    ends = [next((i for i in range(start, len(lowers)) if lowers[i] == "\n"), len(lowers))
            for start in starts]
    return [(start, end, starts[n + 1] if n + 1 < len(starts) else len(lowers))
            for n, (start, end) in enumerate(zip(starts, ends))]


def _answers_to_quoted_questions(quotes: Sequence[Tuple[int, int, int]], lowers: Sequence[str],
                                 vocab: Vocabulary, result: Findings) -> None:
    """A red flag a quoted question asks about is the patient's own and acute when the
    lines after it answer that it is there ("yes, worse", "no better at all"), and only
    mentioned when they say it is better or say nothing to it."""
    for start, end, answer_end in quotes:
        reply = lowers[end:answer_end]
        result.work += len(reply)
        tier = ACUTE if _answers_yes(reply, vocab) else MENTIONED
        for finding in result.found:
            if start <= finding.start and finding.end <= end:
                finding.tier = tier


def _answers_yes(reply: Sequence[str], vocab: Vocabulary) -> bool:
    better = any(w in vocab.getting_better and not set(reply[max(0, i - 2):i]) & vocab.negations
                 for i, w in enumerate(reply))
    return not better and any(w in vocab.quoted_question_answers or w.replace(".", "").isdigit()
                              for w in reply)


def _read_the_whole_message(lowers: Sequence[str], vocab: Vocabulary, result: Findings) -> None:
    """What only the whole message shows: a plan told beside despair or a mention of
    suicide ("what's the point? ... I've got everything I need") is a crisis, and a
    what-if about someone owned as one's own ("if someone took 40 pills ... it's me")
    is happening now."""
    result.work += len(lowers)
    if contains(lowers, vocab.self_disclosure):
        for finding in result.found:
            finding.tier = ACUTE
    farewell = (contains(lowers, vocab.crisis_farewells)
                and not contains(lowers, vocab.crisis_thanks))
    if CRISIS in result.kinds(ACUTE) or not (contains(lowers, vocab.crisis_plans) or farewell):
        return
    if CRISIS in result.kinds(MENTIONED) or contains(lowers, vocab.crisis_despair):
        result.found.append(Finding(CRISIS, 0, len(lowers), ACUTE))


def _idiom_tokens(lowers: Sequence[str], vocab: Vocabulary, result: Findings) -> Set[int]:
    ignored: Set[int] = set()
    for i in range(len(lowers)):
        result.work += 1
        if lowers[i] not in vocab.idiom_starts:
            continue
        for length in range(2, min(vocab.longest_idiom, len(lowers) - i) + 1):
            result.work += 1
            if tuple(lowers[i:i + length]) in vocab.idioms:
                ignored.update(range(i, i + length))
    return ignored
