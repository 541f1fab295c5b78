"""Deterministic red-flag detection: the safety net under the intent classifier.

A message that describes a red-flag symptom must get urgent-care advice even when
the classifier thinks it is an FAQ. Rules run with spaCy's ``Matcher`` on the
lowercased, lemmatised text that Rasa's SpacyNLP produces:

* ``alone``: phrases alarming by themselves ("chest pain", "kill myself");
* ``near``: one word from each of two groups, in either order, at most
  ``WINDOW`` tokens apart ("bladder" ... "control");
* ``chain``: one word from each of three groups in that order, within ``WINDOW``
  ("can't" ... "feel" ... "legs").

Words match on LOWER or LEMMA, so "lost", "losing" and "lose" all hit. Negations
("no fever") are not handled on purpose: a false alarm costs the patient one
extra sentence; a missed red flag can cost far more.
"""
from typing import Dict, Iterable, List, NamedTuple, Sequence, Set

from spacy.matcher import Matcher
from spacy.tokens import Doc

WINDOW = 10
CRISIS = "crisis"

NOT = {"not", "n't", "no", "cannot", "cant", "cnat", "caint", "unable", "never", "lost",
       "lose", "losing", "loss"}
LEGS = {"leg", "legs", "foot", "feet", "knee", "knees", "ankle", "ankles", "lleg", "thigh",
        "thighs"}
FEEL = {"feel", "feeling", "feelings", "sensation", "sensations"}
BELOW_WAIST = LEGS | {"waist", "bum", "butt", "buttock", "buttocks", "bottom", "groin", "crotch",
                      "private", "privates", "genitals", "genital", "down", "anything", "saddle"}

RED_FLAGS: Dict[str, Dict[str, Sequence]] = {
    "bladder_bowel": {
        "alone": ["incontinence", "incontinent", "wet myself", "wetting myself", "peed myself",
                  "pee myself", "peeing myself", "pooped myself", "soiled myself",
                  "pissed myself", "urinary retention", "wet the bed", "cauda equina"],
        "near": [
            ({"bladder", "bowel", "bowels", "pee", "peeing", "urinate", "urinating", "urine",
              "wee", "poop", "pooping", "stool", "stools", "poo", "bowl", "bowls", "bladdder", "blader",
              "toilet", "bathroom", "restroom"},
             NOT | {"control", "leak", "leaking", "accident", "accidents", "wet", "hold",
                    "empty", "emptying", "controll", "problem", "problems", "issue", "issues", "trouble",
                    "stop", "stopped"}),
        ],
    },
    "saddle_numbness": {
        "alone": ["saddle anesthesia", "saddle anaesthesia", "saddle numbness"],
        "near": [
            ({"numb", "numbness", "tingling", "tingle", "pins", "dead", "numbb", "nummb"},
             {"groin", "saddle", "crotch", "genitals", "genital", "private", "privates",
              "buttock", "buttocks", "butt", "bum", "anus", "rectum", "perineum", "inner",
              "vagina", "penis", "bottom"}),
        ],
        "chain": [(NOT, FEEL, BELOW_WAIST)],
    },
    "leg_weakness": {
        "alone": ["foot drop", "drop foot", "dropfoot", "collapsed"],
        "near": [
            (LEGS, {"weak", "weaker", "weakness", "weakening", "buckle", "buckling", "buckled",
                    "gave", "giving", "drag", "dragging", "collapse", "collapsing", "numb",
                    "dead", "useless", "weeak", "waek", "worse", "worsening", "paralyzed",
                    "paralysed"}),
            ({"walk", "walking", "stand", "standing"}, NOT | {"suddenly", "sudden", "anymore"}),
        ],
        "chain": [(NOT, {"move", "lift", "feel", "feeling"}, LEGS),
                  (LEGS, NOT, {"move", "work", "hold"})],
    },
    "trauma": {
        "alone": ["hit by a car", "slipped on", "slipped and fell", "bad fall"],
        "near": [
            ({"fall", "fell", "falling", "fallen", "tripped", "crash", "accident", "thrown"},
             {"pain", "hurt", "hurts", "hurting", "severe", "agony", "crack", "cracked", "pop",
              "popped", "stairs", "ladder", "ice", "killing", "badly", "excruciating", "worst",
              "unbearable", "bad"}),
        ],
    },
    "fever": {
        "alone": ["high temperature", "running a temperature", "feverish"],
        "near": [
            ({"fever", "fevers", "chills", "shivering", "sweats", "temperature", "temp",
              "fevre", "fver"},
             {"back", "spine", "pain", "surgery", "operation", "incision", "wound", "hurt",
              "hurts", "have", "got", "running", "high", "since", "after", "with", "and"}),
        ],
    },
    "wound": {
        "alone": ["wound infection", "infected wound", "infected incision", "stitches came out",
                  "stitches popped", "wound open", "incision open", "wound is open",
                  "incision is open", "came open", "split open", "burst open", "came apart",
                  "coming apart", "wound reopened"],
        "near": [
            ({"wound", "incision", "incisions", "scar", "stitch", "stitches", "staples",
              "dressing", "bandage", "sutures", "wond", "incison"},
             {"pus", "ooze", "oozing", "oozes", "leak", "leaking", "drain", "draining",
              "discharge", "red", "redder", "redness", "hot", "warm", "swollen", "swelling",
              "bleed", "bleeding", "bleeds", "blood", "opened", "apart", "loose", "smell",
              "smells", "smelly", "stink", "stinks", "green", "yellow", "infected",
              "spreading", "streak", "streaks", "gaping", "fluid", "weeping"}),
        ],
    },
    "chest_breathing": {
        "alone": ["chest pain", "chest pains", "chest tightness", "tight chest", "heart attack",
                  "short of breath", "shortness of breath", "breathless", "breathlessness",
                  "gasping", "coughing blood", "coughing up blood", "stroke", "passed out",
                  "fainted", "unconscious", "blue lips", "swollen calf", "blood clot",
                  "emergency", "ambulance", "911"],
        "near": [
            ({"chest"}, {"pain", "hurt", "hurts", "pressure", "tight", "crushing", "heavy"}),
            ({"breathe", "breathing", "breath"},
             NOT | {"hard", "trouble", "difficult", "difficulty", "struggle", "struggling",
                    "short", "shortness", "barely", "stopped"}),
        ],
    },
    CRISIS: {
        "alone": ["suicide", "suicidal", "overdose", "overdosed", "self harm", "self-harm",
                  "better off dead", "end it", "end it all", "ending it", "ending it all", "take my own life",
                  "taking my own life", "all my pills", "too many pills", "point of living",
                  "point in living", "reason to live", "be alive anymore",
                  "want to be alive", "want to live anymore", "not worth living"],
        "near": [
            ({"kill", "killing", "hurt", "hurting", "harm", "harming", "cut", "cutting"},
             {"myself", "himself", "herself", "themselves", "yourself"}),
            ({"end", "ending", "ended", "take", "taking"}, {"life", "lives"}),
            ({"want", "wants", "wanting", "wanna", "wish", "wishing", "ready"},
             {"die", "dying", "dead"}),
        ],
    },
}


class RedFlag(NamedTuple):
    kind: str
    text: str


def _any_of(words: Iterable[str]) -> List[Dict]:
    """Token specs matching any of ``words`` by its lowercase form or its lemma."""
    words = sorted({w.lower() for w in words})
    return [{"LOWER": {"IN": words}}, {"LEMMA": {"IN": words}}]


def _sequences(groups: Sequence[Set[str]]) -> List[List[Dict]]:
    patterns: List[List[Dict]] = [[]]
    for n, group in enumerate(groups):
        gap = [{"OP": "*"}] if n else []
        patterns = [p + gap + [spec] for p in patterns for spec in _any_of(group)]
    return patterns


class RedFlagMatcher:
    """Finds red flags in a spaCy ``Doc`` made by the project's pipeline."""

    def __init__(self, vocab) -> None:
        from spacy.lang.en import English

        tokenizer = English(vocab=vocab).tokenizer
        self.matcher = Matcher(vocab)
        self._windowed = set()
        for kind, rules in RED_FLAGS.items():
            self.matcher.add(f"{kind}:alone", [
                [{"LOWER": t.lower_} for t in tokenizer(phrase.lower())]
                for phrase in rules.get("alone", [])
            ])
            windowed = []
            for a, b in rules.get("near", []):
                windowed += _sequences([a, b]) + _sequences([b, a])
            for chain in rules.get("chain", []):
                windowed += _sequences(chain)
            if windowed:
                self.matcher.add(f"{kind}:window", windowed)
                self._windowed.add(f"{kind}:window")

    def find(self, doc: Doc) -> List[RedFlag]:
        found: List[RedFlag] = []
        kinds = set()
        for match_id, start, end in self.matcher(doc):
            key = doc.vocab.strings[match_id]
            if key in self._windowed and end - start > WINDOW:
                continue
            kind = key.split(":", 1)[0]
            if kind not in kinds:
                kinds.add(kind)
                found.append(RedFlag(kind, doc[start:end].text))
        # Crisis first: it needs the crisis line before anything else.
        found.sort(key=lambda flag: flag.kind != CRISIS)
        return found
