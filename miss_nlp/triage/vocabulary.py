"""knowledge/red_flags.yml compiled into lookup tables, read once.

The vocabulary and the advice live in that file, for clinical review; the rest of
the package only reads them through :func:`vocabulary`."""
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Set, Tuple

import yaml

from miss_config.paths import DEFAULT_KNOWLEDGE_DIR

RED_FLAGS_FILE = DEFAULT_KNOWLEDGE_DIR / "red_flags.yml"

# Kinds the code names itself (the others are only in red_flags.yml).
CRISIS = "crisis"
UNSPECIFIED = "unspecified"


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
        self.alone: List[Tuple[str, int]] = []
        self.readings: List[Tuple[str, int]] = []
        for name, spec in (data.get("kinds") or {}).items():
            self.kinds[name] = Kind(
                name=name, priority=int(spec["priority"]), label=spec["label"],
                short_label=spec.get("short_label", spec["label"]), advice=spec["advice"],
                when_mentioned=spec["when_mentioned"], example=spec.get("example", ""),
                statement_is_always_acute=bool(spec.get("statement_is_always_acute")),
                mild_is_not_acute=bool(spec.get("mild_is_not_acute")))
            for phrase in spec.get("phrases") or []:
                self.phrases.setdefault(tuple(words_of(phrase)), set()).add(name)
            for phrase in (spec.get("always_acute") or []) + (spec.get("other_languages") or []):
                self.always_acute.setdefault(tuple(words_of(phrase)), set()).add(name)
                self.phrases.setdefault(tuple(words_of(phrase)), set()).add(name)
            if spec.get("alone"):
                self.alone.append((name, self._group(spec["alone"], lists)))
            if spec.get("reading"):
                self.readings.append((name, self._group(spec["reading"], lists)))
            for a, b in spec.get("near") or []:
                self.pairs.append((name, self._group(a, lists), self._group(b, lists)))
            for a, b, c in spec.get("chains") or []:
                self.chains.append((name, self._group(a, lists), self._group(b, lists),
                                    self._group(c, lists)))
        self.longest_phrase = max((len(p) for p in self.phrases), default=1)
        self.phrase_starts = {p[0] for p in self.phrases if p}
        self.also_mentioned = data.get("also_mentioned", "")
        self.more_signs = data.get("more_signs", "other signs")
        language = data.get("language") or {}

        def words(key: str) -> set:
            return set(language.get(key) or [])

        def phrases(key: str) -> list:
            return [tuple(words_of(p)) for p in language.get(key) or []]

        self.negations = words("negations")
        self.question_starts = words("question_starts")
        self.persons = words("persons")
        self.idioms = set(phrases("idioms"))
        self.hypothetical = words("hypothetical")
        self.sign_words = words("sign_words")
        self.conditionals = words("conditionals")
        self.general_subjects = words("general_subjects")
        self.embedded_question_verbs = words("embedded_question_verbs")
        self.past_reading = re.compile(language.get("past_reading") or "(?!)")
        self.long_standing_reading = re.compile(language.get("long_standing_reading") or "(?!)")
        self.uncertain_modals = words("uncertain_modals")
        self.worry_words = words("worry_words")
        self.self_disclosure = phrases("self_disclosure")
        crisis = (data.get("kinds") or {}).get(CRISIS) or {}
        self.crisis_plans = [tuple(words_of(p)) for p in crisis.get("plans") or []]
        self.crisis_despair = [tuple(words_of(p)) for p in crisis.get("despair") or []]
        self.crisis_farewells = [tuple(words_of(p)) for p in crisis.get("farewells") or []]
        self.crisis_thanks = [tuple(words_of(p)) for p in crisis.get("thanks") or []]
        self.help_verbs = words("help_verbs")
        self.treatments = words("treatments")
        self.modals = words("modals")
        self.happening_now = words("happening_now")
        self.seeking_care = phrases("seeking_care")
        self.in_the_past = phrases("in_the_past")
        self.back_today = words("back_today")
        self.long_standing = phrases("long_standing")
        self.others = words("others")
        self.past_verbs = words("past_verbs")
        self.negated_have = words("negated_have")
        self.control_words = words("control_words")
        self.mild = words("mild")
        self.getting_better = words("getting_better")
        self.quoted_question_answers = words("quoted_question_answers")
        self.unchanged = phrases("unchanged")
        self.read_as_written = words("read_as_written")
        self.normal_reading = re.compile(language.get("normal_reading") or "(?!)")
        self.intent_words = words("intent_words")
        self.crisis_line_always = data.get("crisis_line_always", "")
        self.not_urgent = phrases("not_urgent")
        self.problem_words = words("problem_words")
        self.year_after = words("year_after")
        self.next_part_negations = words("next_part_negations")
        self.longest_idiom = max((len(p) for p in self.idioms), default=1)
        self.idiom_starts = {p[0] for p in self.idioms if p}
        after = data.get("after_surgery") or {}
        self.had_surgery = [tuple(words_of(p)) for p in after.get("had_surgery") or []]
        self.concern = set(after.get("concern") or [])
        # The concern words that report a symptom (not "normal", "ok", "should" ...).
        self.symptom_words = self.concern - set(after.get("asking_not_reporting") or [])
        self.own_care = [tuple(words_of(p)) for p in after.get("own_care") or []]
        self.operation_ahead = [tuple(words_of(p)) for p in after.get("operation_ahead") or []]
        self.operation_ahead_pattern = re.compile(after.get("operation_ahead_pattern") or "(?!)")
        self.own_why = [tuple(words_of(p)) for p in after.get("own_why") or []]
        self.asks_in_general = [tuple(words_of(p)) for p in after.get("asks_in_general") or []]
        self.in_general_words = {w for phrase in self.asks_in_general for w in phrase}
        self.own_symptoms = set(after.get("own_symptoms") or [])
        self.time_since_surgery = re.compile(after.get("time_since_surgery") or "(?!)")
        self.operation_words = set(after.get("operation_words") or [])
        self.recovery_signs = re.compile(after.get("recovery_signs") or "(?!)")
        self.own_surgery = re.compile(after.get("own_surgery") or "(?!)")
        self.what_if = set(after.get("what_if") or [])
        self.future_words = set(after.get("future_words") or [])
        self.report_words = set(after.get("report_words") or [])
        self.after_surgery_reply = after.get("reply", "")
        self.after_surgery_subject = after.get("subject_not_covered", "")

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


def words_of(phrase: str) -> List[str]:
    """A phrase as spaCy's English tokenizer splits it ("can't" -> "ca", "n't")."""
    return [t.text for t in tokenizer()(str(phrase).lower()) if t.text.strip()]


@lru_cache(maxsize=1)
def tokenizer():
    import spacy

    return spacy.blank("en").tokenizer


@lru_cache(maxsize=4)
def vocabulary(path: Optional[Path] = None) -> Vocabulary:
    return Vocabulary(yaml.safe_load((path or RED_FLAGS_FILE).read_text("utf-8")))


