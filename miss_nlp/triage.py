"""Triage: is a red flag happening to the patient now, only mentioned, or neither?

The vocabulary and the advice live in knowledge/red_flags.yml, for clinical review;
this module only reads it. Matching is a single pass over the tokens: each token is
looked up in the word lists once, and a pair of words is looked for only within
``window`` tokens of each other, so the work grows linearly with the text
(:attr:`Findings.work` counts it).

A red flag is *acute* unless the words around it show otherwise:

* a negation just before it ("no fever", "I don't have any numbness");
* an idiom around it ("I'm dying to know", "this pain is killing me");
* a what-if or a question of risk before it in its sentence ("what if I get a fever",
  "what are the chances I will not wake up");
* a question that names nobody it happens to ("is paralysis a risk?"), that asks what
  will happen ("will I lose bladder control?") or whether a treatment helps ("can
  MISS help my leg weakness?"), or a sentence about people in general.

Anything else counts as happening now: a missed emergency costs far more than an
extra sentence of advice.
"""
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Set, Tuple

import yaml

RED_FLAGS_FILE = Path(__file__).resolve().parent.parent / "knowledge" / "red_flags.yml"

ACUTE = "acute"
MENTIONED = "mentioned"
CRISIS = "crisis"
UNSPECIFIED = "unspecified"

_SENTENCE_END = {".", "!", "?", "\n"}
_CLAUSE_END = {",", ";", ":", "-", "--", "—", "…", "but", "though", "although"}
@dataclass(frozen=True)
class Kind:
    name: str
    priority: int
    label: str
    short_label: str
    advice: str
    when_mentioned: str
    example: str = ""
    statement_is_always_acute: bool = False
    mild_is_not_acute: bool = False


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


class Vocabulary:
    """knowledge/red_flags.yml, compiled into lookup tables."""

    def __init__(self, data: Dict) -> None:
        self.window = int(data.get("window", 8))
        lists = data.get("word_lists") or {}
        self.kinds: Dict[str, Kind] = {}
        # Each word group gets a number; a token knows the groups its forms belong to.
        self._groups: List[Set[str]] = []
        self._regex_groups: Dict[int, re.Pattern] = {}
        self._word_to_groups: Dict[str, Set[int]] = {}
        self.phrases: Dict[Tuple[str, ...], Set[str]] = {}
        self.always_acute: Dict[Tuple[str, ...], Set[str]] = {}
        self.pairs: List[Tuple[str, int, int]] = []
        self.chains: List[Tuple[str, int, int, int]] = []
        for name, spec in (data.get("kinds") or {}).items():
            self.kinds[name] = Kind(
                name=name, priority=int(spec["priority"]), label=spec["label"],
                short_label=spec.get("short_label", spec["label"]), advice=spec["advice"],
                when_mentioned=spec["when_mentioned"], example=spec.get("example", ""),
                statement_is_always_acute=bool(spec.get("statement_is_always_acute")),
                mild_is_not_acute=bool(spec.get("mild_is_not_acute")))
            for phrase in spec.get("phrases") or []:
                self.phrases.setdefault(tuple(_words(phrase)), set()).add(name)
            for phrase in (spec.get("always_acute") or []) + (spec.get("other_languages") or []):
                self.always_acute.setdefault(tuple(_words(phrase)), set()).add(name)
                self.phrases.setdefault(tuple(_words(phrase)), set()).add(name)
            for a, b in spec.get("near") or []:
                self.pairs.append((name, self._group(a, lists), self._group(b, lists)))
            for a, b, c in spec.get("chains") or []:
                self.chains.append((name, self._group(a, lists), self._group(b, lists),
                                    self._group(c, lists)))
        self.longest_phrase = max((len(p) for p in self.phrases), default=1)
        self.also_mentioned = data.get("also_mentioned", "")
        self.more_signs = data.get("more_signs", "other signs")
        language = data.get("language") or {}
        self.negations = set(language.get("negations") or [])
        self.question_starts = set(language.get("question_starts") or [])
        self.persons = set(language.get("persons") or [])
        self.idioms = {tuple(_words(p)) for p in language.get("idioms") or []}
        self.hypothetical = set(language.get("hypothetical") or [])
        self.conditionals = set(language.get("conditionals") or [])
        self.general_subjects = set(language.get("general_subjects") or [])
        self.help_verbs = set(language.get("help_verbs") or [])
        self.treatments = set(language.get("treatments") or [])
        self.modals = set(language.get("modals") or [])
        self.happening_now = set(language.get("happening_now") or [])
        self.seeking_care = [tuple(_words(p)) for p in language.get("seeking_care") or []]
        self.in_the_past = [tuple(_words(p)) for p in language.get("in_the_past") or []]
        self.back_today = set(language.get("back_today") or [])
        self.long_standing = [tuple(_words(p)) for p in language.get("long_standing") or []]
        self.others = set(language.get("others") or [])
        self.past_verbs = set(language.get("past_verbs") or [])
        self.negated_have = set(language.get("negated_have") or [])
        self.control_words = set(language.get("control_words") or [])
        self.mild = set(language.get("mild") or [])
        self.getting_better = set(language.get("getting_better") or [])
        self.normal_reading = re.compile(language.get("normal_reading") or "(?!)")
        self.intent_words = set(language.get("intent_words") or [])
        self.crisis_line_always = data.get("crisis_line_always", "")
        self.not_urgent = [tuple(_words(p)) for p in language.get("not_urgent") or []]
        self.problem_words = set(language.get("problem_words") or [])
        self.year_after = set(language.get("year_after") or [])
        self.next_part_negations = set(language.get("next_part_negations") or [])
        self.longest_idiom = max((len(p) for p in self.idioms), default=1)
        after = data.get("after_surgery") or {}
        self.had_surgery = [tuple(_words(p)) for p in after.get("had_surgery") or []]
        self.concern = set(after.get("concern") or [])
        self.own_care = [tuple(_words(p)) for p in after.get("own_care") or []]
        self.time_since_surgery = re.compile(after.get("time_since_surgery") or "(?!)")
        self.own_surgery = re.compile(after.get("own_surgery") or "(?!)")
        self.what_if = set(after.get("what_if") or [])
        self.future_words = set(after.get("future_words") or [])
        self.report_words = set(after.get("report_words") or [])
        self.after_surgery_reply = after.get("reply", "")

    def _group(self, spec, lists: Dict) -> int:
        if isinstance(spec, str):
            spec = lists[spec]
        number = len(self._groups)
        if isinstance(spec, str):  # a regular expression for the token's text
            self._regex_groups[number] = re.compile(spec)
            self._groups.append(set())
            return number
        words = {str(w).lower() for w in spec}
        self._groups.append(words)
        for word in words:
            self._word_to_groups.setdefault(word, set()).add(number)
        return number

    def groups_of(self, forms: Iterable[str], text: str) -> Set[int]:
        groups: Set[int] = set()
        for form in forms:
            groups |= self._word_to_groups.get(form, set())
        for number, pattern in self._regex_groups.items():
            if pattern.match(text):
                groups.add(number)
        return groups

    def by_priority(self) -> List[Kind]:
        return sorted(self.kinds.values(), key=lambda k: (k.priority, k.name))


def _words(phrase: str) -> List[str]:
    """A phrase as spaCy's English tokenizer splits it ("can't" -> "ca", "n't")."""
    return [t.text for t in _tokenizer()(str(phrase).lower()) if t.text.strip()]


@lru_cache(maxsize=1)
def _tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


@lru_cache(maxsize=4)
def vocabulary(path: Optional[Path] = None) -> Vocabulary:
    return Vocabulary(yaml.safe_load((path or RED_FLAGS_FILE).read_text("utf-8")))


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
    for t in doc:
        lower = t.lower_
        if not lower.strip():
            if "\n" in lower:
                out.append(Token("\n", "\n"))
            continue
        out.append(Token(lower, (t.lemma_ or lower).lower()))
    return out


def tokens_of_text(text: str) -> List[Token]:
    """Tokens of ``text`` by spaCy's tokenizer alone (no lemmas)."""
    return tokens_of(_tokenizer()(text.lower()))


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
    sentences = _Sentences(lowers, vocab)
    sentence_of = sentences.number
    acute: Set[str] = set()
    mentioned: Set[str] = set()

    def found(kind: str, start: int, end: int, members: Tuple[int, ...],
              always_acute: bool = False) -> None:
        result.work += 1
        tier = tier_of(lowers, start, end, vocab, (kind,), members, sentences,
                       even_in_questions=always_acute)
        if tier == ACUTE:
            acute.add(kind)
        elif kind in mentioned:
            return
        else:
            mentioned.add(kind)
        result.found.append(Finding(kind, start, end, tier))

    # Phrases: at each token, the few phrase lengths that exist.
    for i in range(n):
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
    return result


class _Sentences:
    """What tiering needs to know of each sentence, worked out once per sentence so that
    every red-flag match costs the same small amount however long the text is."""

    def __init__(self, lowers: Sequence[str], vocab: Vocabulary) -> None:
        self.lowers, self.vocab = lowers, vocab
        self.number = _sentence_numbers(lowers)
        self.bounds: List[Tuple[int, int]] = []
        start = 0
        for i, word in enumerate(lowers):
            if word in _SENTENCE_END:
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
            return next((first + i for i, w in enumerate(sentence) if w in wanted), last + 1)

        will_happen = next((first + i for i, (w, nxt) in enumerate(zip(sentence, sentence[1:]))
                            if w in vocab.modals
                            and (nxt in vocab.persons or nxt in vocab.treatments)), last + 1)
        position = sentence.index(opening) if opening else 0
        subject = sentence[position + 1] if position + 1 < len(sentence) else ""
        # "Is it ...", "can MISS ...", "what ...": a question; "Have a fever", "havent peed":
        # a report that happens to open with an auxiliary.
        opens_a_question = opening in vocab.question_starts and (
            opening in _WH_WORDS or subject in _SUBJECTS or subject in vocab.persons
            or subject in vocab.treatments)
        number = self.number[first] if first < len(self.number) else len(self.bounds) - 1
        neighbours = [self.bounds[k] for k in (number - 1, number + 1) if 0 <= k < len(self.bounds)]
        now_nearby = any(set(lowers[a:b]) & vocab.happening_now for a, b in neighbours)
        past = _contains(sentence, vocab.in_the_past) or _contains(
            sentence, vocab.long_standing) or (
            words & vocab.others and words & vocab.past_verbs
            and not words & vocab.happening_now) or any(
            w in vocab.year_after and re.match(r"^(19|20)\d\d$", nxt)
            for w, nxt in zip(sentence, sentence[1:]))
        return {
            "first": first, "last": last, "words": words,
            "now": bool(words & vocab.happening_now) or bool(
                words & vocab.persons and _contains(sentence, vocab.seeking_care)),
            "now_nearby": now_nearby,
            "question": opens_a_question or (
                ends_with_question_mark and bool(words & vocab.question_starts)),
            "hypothetical_at": first_of(vocab.hypothetical),
            "risk_word_at": first_of(vocab.hypothetical - vocab.conditionals),
            "will_happen_at": will_happen,
            "now_or_today_at": [first + i for i, w in enumerate(sentence)
                                if w in {"now", "today"}][-1:] or [-1],
            "in_the_past": past,
        }


_WH_WORDS = {"what", "whats", "what's", "how", "hows", "why", "when", "which", "who", "if"}
_SUBJECTS = {"it", "there", "this", "that", "the", "a", "an", "your", "people", "anyone",
             "anybody", "someone", "they", "you", "u", "these", "those", "any", "some"}
_FILLERS = {"\n", "so", "and", "but", "ok", "okay", "hi", "hello", "um", "also", "please"}


def _sentence_numbers(lowers: Sequence[str]) -> List[int]:
    numbers, current = [], 0
    for word in lowers:
        numbers.append(current)
        current += word in _SENTENCE_END
    return numbers


def _idiom_tokens(lowers: Sequence[str], vocab: Vocabulary, result: Findings) -> Set[int]:
    ignored: Set[int] = set()
    for i in range(len(lowers)):
        for length in range(2, min(vocab.longest_idiom, len(lowers) - i) + 1):
            result.work += 1
            if tuple(lowers[i:i + length]) in vocab.idioms:
                ignored.update(range(i, i + length))
    return ignored


def tier_of(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary,
            kinds: Sequence[str] = (), members: Sequence[int] = (),
            sentences: Optional["_Sentences"] = None, even_in_questions: bool = False) -> str:
    """ACUTE or MENTIONED for the red flag at tokens ``start:end`` (see module doc).
    ``even_in_questions``: a phrase that is alarming in a question too ("how many pills
    would it take"); only a negation or the past makes it a mention."""
    specs = [vocab.kinds[k] for k in kinds if k in vocab.kinds]
    about = (sentences or _Sentences(lowers, vocab)).features(start)
    first, words, now = about["first"], about["words"], about["now"]
    members = sorted(set(members or range(start, end)))
    clause_start = start
    while clause_start > max(first, start - 12) and lowers[clause_start - 1] not in _CLAUSE_END:
        clause_start -= 1
    if about["question"] and not even_in_questions:
        if not words & vocab.persons and not about["now_nearby"] and not now:
            return MENTIONED
        if words & vocab.help_verbs and words & vocab.treatments:
            return MENTIONED
        if about["risk_word_at"] < end and not now:
            return MENTIONED
        if not now and about["will_happen_at"] < start:
            return MENTIONED
    if about["in_the_past"] and not words & vocab.back_today:
        return MENTIONED
    if any(k.statement_is_always_acute for k in specs) or even_in_questions:
        return MENTIONED if _negated(lowers, members, clause_start, vocab, reach=2,
                                     allowed_between=vocab.intent_words) else ACUTE
    if _negated(lowers, members, clause_start, vocab):
        return MENTIONED
    if _negation_in_another_part(lowers, members, vocab) or _getting_better(
            lowers, members, vocab):
        return MENTIONED
    if "fever" in kinds and any(vocab.normal_reading.match(w) for w in words):
        return MENTIONED
    if (_negated_have(lowers, start, end, vocab) or _negated_member(lowers, start, end, vocab)
            or _no_problems(lowers, members, vocab)):
        return MENTIONED
    if any(k.mild_is_not_acute for k in specs) and any(
            lowers[p] in vocab.mild for m in members for p in range(max(clause_start, m - 2), m)):
        return MENTIONED
    if about["hypothetical_at"] < end and about["now_or_today_at"][0] < start:
        return MENTIONED
    if words & vocab.general_subjects and not now:
        return MENTIONED
    return ACUTE


def _negated(lowers: Sequence[str], members: Sequence[int], clause_start: int,
             vocab: Vocabulary, reach: int = 6, allowed_between: Set[str] = frozenset()) -> bool:
    """A negation word shortly before a red-flag word ("no fever", "I don't have a
    fever"), but not one that says the patient cannot do something ("I can't pass
    water", "haven't been able to", "won't stop crying"). Farther than ``reach``, a
    negation still counts when only ``allowed_between`` words separate them ("not
    thinking of hurting myself")."""
    if any(lowers[m] in vocab.negations for m in members):
        return False
    for m in members:
        for p in range(max(clause_start, m - reach - 4), m):
            if lowers[p] not in vocab.negations or p in members:
                continue
            before = lowers[p - 1] if p else ""
            between = lowers[p + 1:m]
            if before in vocab.modals or "able" in between:
                continue
            if m - p <= reach or all(w in allowed_between for w in between):
                return True
    return False


def _negation_in_another_part(lowers: Sequence[str], members: Sequence[int],
                              vocab: Vocabulary) -> bool:
    """A pair whose negation belongs to an earlier part of the sentence: "no numbness
    anywhere, peeing fine" is not "no peeing"."""
    negations = [m for m in members if lowers[m] in vocab.next_part_negations]
    others = [m for m in members if m not in negations]
    return bool(negations and others) and all(
        any(w in _CLAUSE_END for w in lowers[n + 1:o]) for n in negations for o in others
        if n < o) and all(n < o for n in negations for o in others)


def _getting_better(lowers: Sequence[str], members: Sequence[int], vocab: Vocabulary) -> bool:
    """"my leg weakness is improving", "peeing fine" (but not "not fine")."""
    last = max(members)
    for p in range(last + 1, min(len(lowers), last + 4)):
        if lowers[p] in _CLAUSE_END or lowers[p] in _SENTENCE_END:
            return False
        if lowers[p] in vocab.getting_better:
            return not set(lowers[max(last + 1, p - 2):p]) & vocab.negations
    return False


def _negated_have(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary) -> bool:
    """"I don't have bladder problems" (but not "I don't have control of my bladder")."""
    for i in range(max(1, start - 6), min(end, len(lowers) - 1)):
        if (lowers[i] in vocab.negations and lowers[i - 1] in {"do", "does", "did"}
                and lowers[i + 1] in vocab.negated_have):
            return not set(lowers[i:end]) & vocab.control_words
    return False


def _negated_member(lowers: Sequence[str], start: int, end: int, vocab: Vocabulary) -> bool:
    """A negation that belongs to another part of the sentence ("I'm peeing fine, no
    fever"): the span crosses a clause boundary right after its negation word."""
    if lowers[end - 1] in vocab.next_part_negations:
        return any(w in _CLAUSE_END for w in lowers[start + 1:end - 1])
    return False


def _no_problems(lowers: Sequence[str], members: Sequence[int], vocab: Vocabulary) -> bool:
    """"no bladder problems", "without any bowel issues"."""
    for m in members:
        before = lowers[max(0, m - 4):m]
        after = lowers[m + 1:m + 5]
        if set(before) & vocab.next_part_negations and set(after) & vocab.problem_words:
            return True
    return False


def _contains(words: Sequence[str], phrases: Iterable[Tuple[str, ...]]) -> bool:
    text = " " + " ".join(words) + " "
    return any(f" {' '.join(p)} " in text for p in phrases)


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
    if _contains(lowers, vocab.own_care):
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
        first = _last_sentence_start(head)
        if phrase[0] == "after" and set(head[first:]) & {"will", "can", "when", "how",
                                                          "long", "soon", "would", "could"}:
            continue
        return True
    return False


def _plans_ahead(text: str, at: int, vocab: Vocabulary) -> bool:
    """"Can I fly two days after the operation?": a time after surgery in a sentence
    that asks about the future and reports nothing."""
    words = text[:at].split()
    sentence = words[_last_sentence_start(words):] + text[at:].split()
    for i, word in enumerate(sentence):
        if word in _SENTENCE_END:
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
                or _contains(lowers, vocab.had_surgery))


def says_it_is_not_urgent(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    vocab = vocab or vocabulary()
    return _contains([t.lower for t in tokens], vocab.not_urgent)


def asks_a_question(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    """Whether any sentence of the message is a question."""
    vocab = vocab or vocabulary()
    lowers = [t.lower for t in tokens]
    sentences = _Sentences(lowers, vocab)
    return any(sentences.features(first)["question"]
               for first, last in sentences.bounds if last > first)


def wonders_what_if(tokens: Sequence[Token], vocab: Optional[Vocabulary] = None) -> bool:
    vocab = vocab or vocabulary()
    return bool({t.lower for t in tokens} & vocab.what_if)


def _last_sentence_start(words: Sequence[str]) -> int:
    for i in range(len(words) - 1, -1, -1):
        if words[i] in _SENTENCE_END:
            return i + 1
    return 0


DEFAULT_MAX_MESSAGE_CHARS = 1000


def max_message_chars() -> int:
    """Longer messages are checked for red flags, then the patient is asked to shorten
    them (MISS_MAX_MESSAGE_CHARS)."""
    import os

    try:
        return max(1, int(os.environ.get("MISS_MAX_MESSAGE_CHARS", DEFAULT_MAX_MESSAGE_CHARS)))
    except ValueError:
        return DEFAULT_MAX_MESSAGE_CHARS


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


def after_surgery_reply(vocab: Optional[Vocabulary] = None) -> str:
    return (vocab or vocabulary()).after_surgery_reply
