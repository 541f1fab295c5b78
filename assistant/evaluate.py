"""Held-out evaluation of the trained assistant's understanding.

Parses every message of tests/nlu/heldout.yml (never trained on) with the
trained model, decides what the patient would get (a topic answer, emergency
advice, a decline, ...), and compares the pipeline with a plain TF-IDF +
logistic-regression baseline trained on the same examples (every data/nlu*.yml,
assistant/baseline.py).

    python -m assistant.evaluate [--model models/miss-assistant.tar.gz] [--out results]

Prints per-topic accuracy, emergency recall, out-of-scope declined and the
baseline ratio; writes results/heldout.json and a confusion matrix picture.
"""
import argparse
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from assistant import baseline
from miss_config.paths import MODEL, PROJECT_ROOT

HELDOUT = PROJECT_ROOT / "tests" / "nlu" / "heldout.yml"
TRAINING = PROJECT_ROOT / "data" / "nlu.yml"

TOPICS = (
    "what_is_miss", "benefits", "incisions_scarring", "techniques", "conditions_treated",
    "candidacy", "recovery_time", "hospital_stay", "pain", "risks_complications", "cost",
    "return_to_work", "effectiveness_outcomes", "future_technology", "alternatives",
)
EMERGENCY = "emergency"
OUT_OF_SCOPE = "out_of_scope"
NOT_COVERED = "not_covered"   # the guide does not cover the subject: declined, named
FALLBACK = "nlu_fallback"
DECLINED = "declined"


def load_examples(path: Path) -> List[Tuple[str, str]]:
    from rasa.shared.nlu.training_data.loading import load_data

    data = load_data(str(path))
    return [(m.get("text"), m.get("intent")) for m in data.intent_examples]


def outcome(intent: str) -> str:
    """What the patient gets for a message the pipeline labelled ``intent``."""
    if intent in (OUT_OF_SCOPE, NOT_COVERED, FALLBACK):
        return DECLINED
    return intent


@dataclass
class Report:
    per_intent: Dict[str, Tuple[int, int]]  # intent -> (correct, total)
    topic_accuracy: float
    overall_accuracy: float
    emergency_recall: float
    out_of_scope_declined: float
    out_of_scope_answered_as_topic: float
    confusion: Dict[str, Dict[str, int]]
    misses: List[Tuple[str, str, str]]
    classifier: Optional[Dict[str, Tuple[float, float]]] = None

    def to_json(self) -> Dict:
        return self.__dict__


def score(examples: Sequence[Tuple[str, str]], predicted: Sequence[str]) -> Report:
    """``predicted`` holds outcomes as made by :func:`outcome`."""
    per_intent: Dict[str, List[int]] = defaultdict(lambda: [0, 0])
    confusion: Dict[str, Counter] = defaultdict(Counter)
    misses = []
    for (text, expected), got in zip(examples, predicted):
        correct = got == expected or (expected == OUT_OF_SCOPE and got == DECLINED)
        per_intent[expected][0] += int(correct)
        per_intent[expected][1] += 1
        confusion[expected][got] += 1
        if not correct:
            misses.append((expected, got, text))

    def share(intents: Iterable[str]) -> float:
        correct = sum(per_intent[i][0] for i in intents if i in per_intent)
        total = sum(per_intent[i][1] for i in intents if i in per_intent)
        return correct / total if total else 0.0

    oos = confusion.get(OUT_OF_SCOPE, Counter())
    oos_total = sum(oos.values()) or 1
    return Report(
        per_intent={k: tuple(v) for k, v in sorted(per_intent.items())},
        topic_accuracy=share(TOPICS),
        overall_accuracy=share(per_intent),
        emergency_recall=share([EMERGENCY]),
        out_of_scope_declined=oos[DECLINED] / oos_total,
        out_of_scope_answered_as_topic=sum(oos[t] for t in TOPICS) / oos_total,
        confusion={k: dict(v) for k, v in confusion.items()},
        misses=misses,
    )


def quiet_rasa_logs() -> None:
    import logging

    import structlog

    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "absl", "tensorflow"):
        logging.getLogger(name).setLevel(logging.ERROR)
    structlog.configure(wrapper_class=structlog.make_filtering_bound_logger(logging.WARNING))


@lru_cache(maxsize=1)
def served_agent(model: Path):
    """The trained model as served (the clinic's NLG), loaded once per process
    (about 9 s): the evaluations, and the tests that run them, share it."""
    from rasa.core.agent import Agent
    from rasa.utils.endpoints import EndpointConfig

    quiet_rasa_logs()
    return Agent.load(str(model), generator=EndpointConfig(type="assistant.nlg.ClinicResponses"))


def pipeline_intents(model: Path, texts: Sequence[str]) -> List[Tuple[str, str]]:
    """(served intent, classifier's top intent before the fallback) for each text, the
    texts parsed together (assistant/served_batch.py: the parse ``agent.parse_message``
    gives each, tests/test_served_batch.py checks)."""
    from assistant.served_batch import parsed_intents_many

    intents = []
    for parsed in parsed_intents_many(served_agent(model), texts):
        ranking = [r for r in parsed["intent_ranking"] if r["name"] != FALLBACK]
        intents.append((parsed["intent"]["name"], ranking[0]["name"] if ranking else FALLBACK))
    return intents


def argmax_accuracy(examples: Sequence[Tuple[str, str]], predicted: Sequence[str],
                    intents: Iterable[str]) -> float:
    wanted = set(intents)
    pairs = [(i, p) for (_, i), p in zip(examples, predicted) if i in wanted]
    return sum(i == p for i, p in pairs) / len(pairs) if pairs else 0.0


def plot_confusion(report: Report, path: Path, title: str) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = list(report.per_intent)
    cols = rows + sorted({g for c in report.confusion.values() for g in c} - set(rows))
    grid = [[report.confusion.get(r, {}).get(c, 0) for c in cols] for r in rows]
    fig, ax = plt.subplots(figsize=(13, 10))
    ax.imshow(grid, cmap="Blues")
    ax.set_xticks(range(len(cols)), labels=cols, rotation=75, ha="right", fontsize=8)
    ax.set_yticks(range(len(rows)), labels=rows, fontsize=8)
    for i, row in enumerate(grid):
        for j, value in enumerate(row):
            if value:
                ax.text(j, i, value, ha="center", va="center", fontsize=7,
                        color="white" if value > 10 else "black")
    ax.set_xlabel("what the patient got")
    ax.set_ylabel("what the patient asked (held-out label)")
    ax.set_title(title)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)


def print_report(report: Report, baseline: Report, seconds: float,
                 classifier: Dict[str, Tuple[float, float]]) -> None:
    print("\nHeld-out accuracy per intent (correct/total):")
    for intent, (correct, total) in report.per_intent.items():
        print(f"  {intent:24s} {correct:3d}/{total:<3d} {correct / total:6.1%}")
    print("\nClassifier alone (top intent, no fallback), pipeline vs TF-IDF+LR baseline:")
    for name, (ours, theirs) in classifier.items():
        print(f"  {name:22s} {ours:6.1%} vs {theirs:6.1%}   ratio {ours / max(theirs, 1e-9):.3f}")
    print("\nAs served (fallback and red-flag net included):")
    print(f"Topic accuracy            {report.topic_accuracy:6.1%}"
          f"   (baseline, which never falls back: {baseline.topic_accuracy:6.1%})")
    print(f"Overall accuracy          {report.overall_accuracy:6.1%}"
          f"   (baseline {baseline.overall_accuracy:6.1%})")
    print(f"Emergency recall          {report.emergency_recall:6.1%}")
    print(f"Out-of-scope declined     {report.out_of_scope_declined:6.1%}"
          f"   (answered as a topic: {report.out_of_scope_answered_as_topic:.1%})")
    print(f"Parse time {seconds:.1f}s")
    if report.misses:
        print("\nMisses (expected -> got: text):")
        for expected, got, text in report.misses:
            print(f"  {expected} -> {got}: {text}")


def evaluate(model: Path = MODEL, out: Optional[Path] = None) -> Tuple[Report, Report]:
    test = load_examples(HELDOUT)
    print(f"Evaluating {model.name} on {len(test)} held-out messages...", flush=True)
    started = time.monotonic()
    parsed = pipeline_intents(model, [t for t, _ in test])
    seconds = time.monotonic() - started
    predicted = [outcome(served) for served, _ in parsed]
    report = score(test, predicted)
    baseline_top = baseline.predict(baseline.fitted_on_training_data(), [t for t, _ in test])
    theirs = score(test, baseline_top)
    ours_top = [top for _, top in parsed]
    theirs_top = [OUT_OF_SCOPE if p == DECLINED else p for p in baseline_top]
    all_intents = {i for _, i in test}
    classifier = {
        "topics": (argmax_accuracy(test, ours_top, TOPICS),
                   argmax_accuracy(test, theirs_top, TOPICS)),
        "all intents": (argmax_accuracy(test, ours_top, all_intents),
                        argmax_accuracy(test, theirs_top, all_intents)),
    }
    report.classifier = classifier
    print_report(report, theirs, seconds, classifier)
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "heldout.json").write_text(json.dumps(
            {"pipeline": report.to_json(), "baseline": theirs.to_json()}, indent=2))
        plot_confusion(report, out / "confusion.png",
                       f"Held-out: topic accuracy {report.topic_accuracy:.1%}, "
                       f"emergency recall {report.emergency_recall:.0%}, "
                       f"out-of-scope declined {report.out_of_scope_declined:.0%}")
        print(f"\nWrote {out / 'heldout.json'} and {out / 'confusion.png'}")
    return report, theirs


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Held-out NLU evaluation")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args(argv)
    evaluate(args.model, args.out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
