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
from typing import Dict, List, NamedTuple, Sequence, Set

from spacy.matcher import Matcher
from spacy.tokens import Doc

WINDOW = 12
CRISIS = "crisis"

NOT = {"not", "n't", "no", "cannot", "cant", "cnat", "caint", "unable", "never", "lost",
       "lose", "losing", "loss", "reduced", "less", "decreased"}
SELF = {"myself", "himself", "herself", "themselves", "yourself"}
LEGS = {"leg", "legs", "foot", "feet", "knee", "knees", "ankle", "ankles", "lleg", "thigh",
        "thighs"}
FEEL = {"feel", "feeling", "feelings", "sensation", "sensations"}
BELOW_WAIST = LEGS | {"waist", "bum", "butt", "buttock", "buttocks", "bottom", "groin", "crotch",
                      "private", "privates", "genitals", "genital", "down", "anything", "saddle",
                      "penis", "balls", "testicles", "vagina", "labia", "perineal", "perineum"}
# A temperature reading that is a fever: 38-41 (Celsius) or 100-105 (Fahrenheit).
FEVER_READING = r"^(3[89]|4[01]|10[0-5])([.,]\d)?$"

RED_FLAGS: Dict[str, Dict[str, Sequence]] = {
    "bladder_bowel": {
        "alone": ["incontinence", "incontinent", "urinary retention", "wet the bed",
                  "cauda equina", "pass water", "passed water", "passing water", "dribbling"],
        "near": [
            ({"bladder", "bowel", "bowels", "pee", "peeing", "urinate", "urinating", "urine",
              "wee", "poop", "pooping", "stool", "stools", "poo", "bowl", "bowls", "bladdder", "blader",
              "toilet", "bathroom", "restroom"},
             NOT | {"control", "leak", "leaking", "accident", "accidents", "wet", "hold",
                    "empty", "emptying", "controll", "problem", "problems", "issue", "issues", "trouble",
                    "stop", "stopped", "let", "gave", "dribbling", "dribble"}),
            ({"pants", "underwear", "trousers", "knickers", "diaper", "nappy", "bed"} | SELF,
             {"accident", "accidents", "messed", "mess", "wet", "wetting", "soiled", "soil",
              "soiling", "pee", "peed", "peeing", "poop", "pooped", "pissed"}),
        ],
    },
    "saddle_numbness": {
        "alone": ["saddle anesthesia", "saddle anaesthesia", "saddle numbness",
                  "numb down there", "numbness down there", "no feeling down there"],
        "near": [
            ({"numb", "numbness", "tingling", "tingle", "pins", "dead", "numbb", "nummb"},
             {"groin", "saddle", "crotch", "genitals", "genital", "private", "privates",
              "buttock", "buttocks", "butt", "bum", "anus", "rectum", "perineum", "inner",
              "vagina", "penis", "bottom", "balls", "testicles", "perineal", "labia"}),
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
        "chain": [(NOT, {"move", "lift", "feel", "feeling", "strength", "power", "control"},
                   LEGS),
                  (LEGS, NOT, {"move", "work", "hold"})],
    },
    "trauma": {
        "alone": ["hit by a car", "slipped on", "slipped and fell", "bad fall", "rear ended",
                  "rear-ended", "something popped"],
        "near": [
            ({"fall", "fell", "falling", "fallen", "tripped", "crash", "crashed", "accident",
              "thrown", "collision", "tackled", "hit", "landed", "wiped"},
             {"pain", "hurt", "hurts", "hurting", "severe", "agony", "crack", "cracked", "pop",
              "popped", "stairs", "ladder", "ice", "killing", "badly", "excruciating", "worst",
              "unbearable", "bad", "crazy", "insane", "scream", "screams", "screaming",
              "crying", "worse"}),
        ],
    },
    "fever": {
        "alone": ["high temperature", "running a temperature", "feverish", "burning up",
                  "hot and cold"],
        "near": [
            ({"fever", "fevers", "chills", "shivering", "sweats", "temperature", "temp",
              "fevre", "fver"},
             {"back", "spine", "pain", "surgery", "operation", "incision", "wound", "hurt",
              "hurts", "have", "got", "running", "high", "since", "after", "with", "and"}),
            ({"shaking", "shivering", "shivers", "shivery", "freezing", "sweating", "sweats",
              "chills"},
             {"hot", "fever", "burning", "temperature", "sweating", "freezing", "cold"}),
            ({"thermometer", "temperature", "temp", "fever", "degrees"}, FEVER_READING),
        ],
    },
    "wound": {
        "alone": ["wound infection", "infected wound", "infected incision", "stitches came out",
                  "stitches popped", "wound open", "incision open", "wound is open",
                  "incision is open", "came open", "split open", "burst open", "came apart",
                  "coming apart", "wound reopened"],
        "near": [
            ({"wound", "incision", "incisions", "scar", "stitch", "stitches", "staples",
              "dressing", "bandage", "sutures", "suture", "wond", "incison", "site", "cut"},
             {"pus", "ooze", "oozing", "oozes", "leak", "leaking", "drain", "draining",
              "discharge", "red", "redder", "redness", "hot", "warm", "swollen", "swelling",
              "bleed", "bleeding", "bleeds", "blood", "opened", "apart", "loose", "smell",
              "smells", "smelly", "stink", "stinks", "green", "yellow", "infected",
              "spreading", "streak", "streaks", "gaping", "fluid", "weeping", "seeping",
              "seep", "separating", "separated", "lump", "throbbing", "angry", "broke",
              "stuff"}),
        ],
    },
    "chest_breathing": {
        "alone": ["chest pain", "chest pains", "chest tightness", "tight chest", "heart attack",
                  "short of breath", "shortness of breath", "breathless", "breathlessness",
                  "gasping", "stroke", "passed out", "passing out", "blacked out",
                  "black out", "faint", "fainted", "fainting", "unconscious", "blue lips",
                  "swollen calf", "blood clot", "out of breath", "heart racing",
                  "emergency", "ambulance", "911"],
        "near": [
            ({"chest"}, {"pain", "hurt", "hurts", "pressure", "tight", "crushing", "heavy",
                         "sitting", "squeezing", "squeeze"}),
            ({"cough", "coughing", "spitting", "spit", "vomit", "vomiting", "throwing"},
             {"blood", "bloody"}),
            ({"air"}, NOT | {"enough", "gasping"}),
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
                  "want to be alive", "want to live anymore", "not worth living",
                  "way out", "better off without me", "never wake up", "not wake up",
                  "goodbye letter", "goodbye letters", "suicide note", "whole bottle",
                  "it all to end", "want it to end", "do this anymore", "go on like this",
                  "can't go on", "cant go on"],
        "near": [
            ({"kill", "killing", "hurt", "hurting", "harm", "harming", "cut", "cutting"}, SELF),
            ({"end", "ending", "ended", "take", "taking"}, {"life", "lives"}),
            ({"want", "wants", "wanting", "wanna", "wish", "wishing", "ready", "rather"},
             {"die", "dying", "dead"}),
        ],
        "chain": [({"take", "taking", "took", "swallow", "swallowed"}, {"all"},
                   {"pills", "tablets", "meds", "medication", "medications", "oxycodone",
                    "opioids", "painkillers", "bottle"})],
    },
}


class RedFlag(NamedTuple):
    kind: str
    text: str


def _any_of(words) -> List[Dict]:
    """Token specs matching any of ``words`` by its lowercase form or its lemma.

    A string instead of a set is a regular expression for the token's text.
    """
    if isinstance(words, str):
        return [{"LOWER": {"REGEX": words}}]
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
