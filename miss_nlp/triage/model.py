"""The triage model: a second net under the rules.

A TF-IDF + logistic-regression model (miss_nlp/linear_intents.py) with three classes,
*acute*, *after surgery* and *ordinary*, trained on the triage phrasings blind writers
labelled that way (data/triage/tuning_*.yml, once the rules had been tuned on them), on
phrasings written to train it (data/triage/training_*.yml), and on the NLU examples
(``emergency``, ``after_surgery_concern``, and every topic as ordinary). An acute
phrasing whose kinds include a crisis is learned as a fourth class, *crisis*, weighed as
the rest of the acute section and read back as acute: thoughts of suicide share few
words with a wound or a fever, and one class for both learned each less well (README,
"Triage", round 23). The rules find what they can name; the model catches wordings no
list holds ("one leg is way fatter than the other from the knee down"), a relative's
account of someone else's crisis, and the recovery questions the rules read as general
ones.
How much it adds was measured by leaving out one tuning set at a time (README).
"""
import hashlib
from collections import Counter
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from miss_config.yaml_files import read_yaml

ACUTE = "acute"
AFTER_SURGERY = "after_surgery"
ORDINARY = "ordinary"
SECTIONS = (ACUTE, AFTER_SURGERY, ORDINARY)
# Learned apart from the other acute phrasings, read back as ACUTE (probabilities).
CRISIS = "crisis"
INTENT_CLASSES = {"emergency": ACUTE, "after_surgery_concern": AFTER_SURGERY}
# Greetings and thanks are ordinary (left out, "hi i have a question" read as an
# emergency); the guard's payload for a long message is not a phrasing.
LEFT_OUT_INTENTS = {"message_too_long"}
# A long story is read by its opening and its end, so that a 100,000-character message
# costs the model no more than a long SMS; the rules read all of it.
HEAD_CHARS = TAIL_CHARS = 1500


def phrasing_files(directory: Path) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def phrasings(directory: Path) -> List[Tuple[str, str]]:
    """(text, class) for every phrasing of the tuning files under ``directory``."""
    return phrasings_in(phrasing_files(directory))


def phrasings_in(paths: Iterable[Path]) -> List[Tuple[str, str]]:
    pairs = []
    for path in paths:
        data = read_yaml(path) or {}
        pairs += [(item["text"], learned_as(section, item)) for section in SECTIONS
                  for item in data.get(section) or []]
    return pairs


def learned_as(section: str, item: Dict) -> str:
    """The class a phrasing trains: its section, or CRISIS for an acute crisis."""
    return CRISIS if section == ACUTE and CRISIS in (item.get("kinds") or []) else section


def from_intents(examples: Iterable[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """(text, class) for NLU examples given as (text, intent)."""
    return [(text, INTENT_CLASSES.get(intent, ORDINARY)) for text, intent in examples
            if intent not in LEFT_OUT_INTENTS]


def fingerprint(directory: Path) -> str:
    """Changes whenever a phrasing file does, so that Rasa trains again."""
    digest = hashlib.sha256()
    for path in phrasing_files(directory):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def model_view(text: str) -> str:
    text = text.lower()
    if len(text) <= HEAD_CHARS + TAIL_CHARS:
        return text
    return text[:HEAD_CHARS] + " … " + text[-TAIL_CHARS:]


def fit(pairs: Sequence[Tuple[str, str]], c: float = 4.0, seed: int = 42):
    """The model, classes balanced: there are far more ordinary examples than acute ones."""
    from miss_nlp.linear_intents import LinearIntentModel

    views = [model_view(text) for text, _ in pairs]
    labels = [label for _, label in pairs]
    return LinearIntentModel.fit(views, views, labels, c=c, seed=seed,
                                 class_weight=class_weights(labels))


def class_weights(labels: Sequence[str]) -> Dict[str, float]:
    """Each section weighs as much as the others in all (scikit-learn's "balanced"), with
    the crises weighed as the rest of the acute section: balanced as a class of its own,
    the smaller crisis class weighed so much that "I'll be paying MYSELF" read as one."""
    sections = Counter(ACUTE if label == CRISIS else label for label in labels)
    weights = {label: len(labels) / (len(sections) * n) for label, n in sections.items()}
    if CRISIS in labels:
        weights[CRISIS] = weights[ACUTE]
    return weights


def probabilities(model, text: str) -> Dict[str, float]:
    """ACUTE, AFTER_SURGERY and ORDINARY: a crisis counts as acute."""
    view = model_view(text)
    row = model.predict_proba([view], [view])[0]
    p = dict(zip(model.classes, (float(p) for p in row)))
    p[ACUTE] = p.get(ACUTE, 0.0) + p.pop(CRISIS, 0.0)
    return p


def decision(rules: Optional[str], p: Dict[str, float], acute_threshold: float,
             after_surgery_threshold: float, ordinary_threshold: float,
             asks_about_own_symptoms: bool = False) -> Optional[str]:
    """The tier once the model has had its say, given the rules' (and the intent
    classifier's) ``rules`` tier (ACUTE, AFTER_SURGERY or None):

    * acute stays acute: the model never talks anyone out of an emergency;
    * the model at least ``acute_threshold`` sure of acute makes it acute;
    * a recovery report the model is at least ``ordinary_threshold`` sure is an ordinary
      question is answered as one ("Will the small incision still leave a visible scar?"),
      unless the patient ``asks_about_own_symptoms``: what to do ("Should I go to the ER
      for unbearable back pain?") or why ("the pain came back, what could be the reason?");
    * the model at least ``after_surgery_threshold`` sure of a recovery report makes it one.
    """
    if rules == ACUTE or p.get(ACUTE, 0.0) >= acute_threshold:
        return ACUTE
    if rules == AFTER_SURGERY:
        general = p.get(ORDINARY, 0.0) >= ordinary_threshold and not asks_about_own_symptoms
        return None if general else AFTER_SURGERY
    return AFTER_SURGERY if p.get(AFTER_SURGERY, 0.0) >= after_surgery_threshold else None
