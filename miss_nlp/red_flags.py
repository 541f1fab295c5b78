"""Deterministic red-flag detection: the safety net under the intent classifier.

A message that describes a red-flag symptom must get urgent-care advice even when
the classifier thinks it is an FAQ. Two kinds of rule, both run by spaCy's
``Matcher`` on lowercased, lemmatised text:

* phrases that are alarming on their own ("chest pain", "kill myself");
* pairs: a word from one group near a word from another ("bladder" near
  "control"/"lost"/"can't"). Order does not matter; the two must fall within
  ``PAIR_WINDOW`` tokens of each other.

Words are matched on both LOWER and LEMMA so "lost", "losing" and "lose" all hit.
Negations are deliberately not handled: a false alarm costs a patient one extra
sentence, a missed one can cost far more.
"""
from typing import Dict, Iterable, List, NamedTuple, Sequence

from spacy.matcher import Matcher
from spacy.tokens import Doc

PAIR_WINDOW = 10

CRISIS = "crisis"

NOT = {"not", "n't", "cannot", "cant", "can't", "unable", "no", "never", "hardly", "barely"}
LOSE = {"lose", "lost", "losing", "loss", "control", "leak", "leaking", "accident", "accidents",
        "wet", "soil", "soiled", "incontinent", "incontinence", "hold", "stop"} | NOT

# Each group: alone -> phrases alarming by themselves; pairs -> (words A, words B).
RED_FLAGS: Dict[str, Dict[str, Sequence]] = {
    "bladder_bowel": {
        "alone": [
            "incontinence", "incontinent", "wet myself", "wetting myself", "peed myself",
            "pee myself", "peeing myself", "pooped myself", "soiled myself", "pissed myself",
            "urinary retention", "wet the bed", "cauda equina",
        ],
        "pairs": [
            ({"bladder", "bowel", "bowels", "pee", "peeing", "urinate", "urinating", "urine",
              "wee", "poop", "pooping", "stool", "stools", "poo", "bladdder", "blader", "bowl",
              "toilet", "bathroom", "restroom", "wees"},
             LOSE | {"feel", "empty", "emptying", "go", "control"}),
        ],
    },
    "saddle_numbness": {
        "alone": ["saddle anesthesia", "saddle anaesthesia", "saddle numbness", "numb saddle"],
        "pairs": [
            ({"numb", "numbness", "tingling", "tingle", "feeling", "sensation", "pins", "dead",
              "numbb", "nummb", "num"},
             {"groin", "saddle", "crotch", "genitals", "genital", "private", "privates",
              "buttock", "buttocks", "butt", "bum", "anus", "rectum", "perineum", "inner",
              "vagina", "penis", "between"}),
        ],
    },
    "leg_weakness": {
        "alone": ["foot drop", "drop foot", "dropfoot", "legs gave out", "leg gave out",
                  "legs gave way", "leg gave way", "legs collapsed", "collapsed"],
        "pairs": [
            ({"leg", "legs", "foot", "feet", "knee", "knees", "ankle", "ankles", "lleg"},
             {"weak", "weaker", "weakness", "weakening", "buckle", "buckling", "buckled", "give",
              "gave", "giving", "paralyzed", "paralysed", "paralysis", "drag", "dragging",
              "collapse", "collapsing", "lift", "move", "moving", "numb", "dead", "useless",
              "weeak", "waek"}),
            ({"walk", "walking", "stand", "standing", "feel"},
             {"suddenly", "sudden", "all", "anymore", "cannot", "can't", "n't", "unable"}),
        ],
    },
    "trauma": {
        "alone": ["car accident", "car crash", "hit by a car"],
        "pairs": [
            ({"fall", "fell", "falling", "fallen", "slipped", "tripped", "crash", "accident",
              "injury", "injured", "hit", "thrown"},
             {"pain", "hurt", "hurts", "hurting", "severe", "agony", "back", "spine", "neck",
              "crack", "cracked", "pop", "popped", "stairs", "ladder", "ice"}),
        ],
    },
    "fever": {
        "alone": ["high temperature", "running a temperature"],
        "pairs": [
            ({"fever", "feverish", "fevers", "chills", "shivering", "sweats", "temperature",
              "temp", "fevre", "fver"},
             {"back", "spine", "pain", "surgery", "operation", "incision", "wound", "hurt",
              "hurts", "have", "got", "running", "high", "since", "after", "with", "and"}),
        ],
    },
    "wound": {
        "alone": ["wound infection", "infected wound", "infected incision", "wound is infected",
                  "incision is infected", "stitches came out", "stitches popped",
                  "wound opened", "incision opened", "wound reopened"],
        "pairs": [
            ({"wound", "incision", "incisions", "cut", "scar", "stitch", "stitches", "staples",
              "dressing", "bandage", "sutures", "wond", "incison"},
             {"pus", "ooze", "oozing", "oozes", "leak", "leaking", "drain", "draining",
              "discharge", "red", "redder", "redness", "hot", "warm", "swollen", "swelling",
              "bleed", "bleeding", "bleeds", "blood", "open", "opening", "opened", "split",
              "smell", "smells", "smelly", "stink", "stinks", "green", "yellow", "infected",
              "infection", "spreading", "streak", "streaks", "gaping", "fluid", "weeping"}),
        ],
    },
    "chest_breathing": {
        "alone": ["chest pain", "chest pains", "chest tightness", "tight chest", "heart attack",
                  "short of breath", "shortness of breath", "can't breathe", "cannot breathe",
                  "cant breathe", "can not breathe", "hard to breathe", "trouble breathing",
                  "difficulty breathing", "struggling to breathe", "gasping", "coughing blood",
                  "coughing up blood", "stroke", "passed out", "fainted", "unconscious",
                  "not breathing", "stopped breathing", "blue lips", "calf swollen",
                  "swollen calf", "blood clot"],
        "pairs": [
            ({"chest"}, {"pain", "hurt", "hurts", "pressure", "tight", "crushing", "heavy"}),
            ({"breathe", "breathing", "breath", "breathless"},
             {"hard", "trouble", "difficult", "difficulty", "struggle", "struggling", "short",
              "shortness", "cannot", "can't", "n't", "unable", "barely"}),
        ],
    },
    CRISIS: {
        "alone": ["suicide", "suicidal", "kill myself", "killing myself", "end my life",
                  "end it all", "ending it all", "take my own life", "taking my own life",
                  "want to die", "wanna die", "better off dead", "hurt myself", "harm myself",
                  "harming myself", "self harm", "self-harm", "cut myself", "cutting myself",
                  "overdose", "no reason to live", "don't want to live", "dont want to live",
                  "do not want to live", "not worth living", "don't want to be here anymore",
                  "don't want to wake up", "end my pain forever"],
        "pairs": [],
    },
}


class RedFlag(NamedTuple):
    kind: str
    text: str


def _word(words: Iterable[str]) -> List[Dict]:
    words = sorted({w.lower() for w in words})
    return [{"LOWER": {"IN": words}}, {"LEMMA": {"IN": words}}]


class RedFlagMatcher:
    """Finds red flags in a spaCy ``Doc`` made by the project's pipeline."""

    def __init__(self, nlp_vocab) -> None:
        self.matcher = Matcher(nlp_vocab)
        self._pair_keys = set()
        tokenizer = _SimpleTokens(nlp_vocab)
        for kind, rules in RED_FLAGS.items():
            self.matcher.add(f"{kind}:alone", [tokenizer.phrase(p) for p in rules["alone"]])
            pair_patterns = []
            for a_words, b_words in rules["pairs"]:
                for first, second in ((a_words, b_words), (b_words, a_words)):
                    for tok_a in _word(first):
                        for tok_b in _word(second):
                            pair_patterns.append([tok_a, {"OP": "*"}, tok_b])
            if pair_patterns:
                key = f"{kind}:pair"
                self.matcher.add(key, pair_patterns)
                self._pair_keys.add(key)

    def find(self, doc: Doc) -> List[RedFlag]:
        found: List[RedFlag] = []
        seen = set()
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key in self._pair_keys and end - start > PAIR_WINDOW:
                continue
            kind = key.split(":", 1)[0]
            if kind not in seen:
                seen.add(kind)
                found.append(RedFlag(kind, doc[start:end].text))
        # Crisis first: it needs the crisis line before anything else.
        found.sort(key=lambda flag: flag.kind != CRISIS)
        return found


class _SimpleTokens:
    """Turns a phrase into token patterns that match it in any inflection."""

    def __init__(self, vocab) -> None:
        from spacy.lang.en import English

        self._tokenizer = English(vocab=vocab).tokenizer

    def phrase(self, text: str) -> List[Dict]:
        return [
            {"LOWER": {"IN": [t.lower_, t.lower_.replace("'", "’")]}}
            for t in self._tokenizer(text.lower())
        ]
