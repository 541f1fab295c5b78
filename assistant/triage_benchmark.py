"""How long the red-flag check takes, by kind of message.

    python -m assistant.triage_benchmark

Prints the time of spaCy plus the check (as the Rasa server runs them) and of the
check alone, for an ordinary question, a 1,000-character story, a worst case
(1,000 characters of nothing but trigger words) and a 100,000-character message, and
the work counted (token positions examined). The check must stay linear: the worst
case within a few times an ordinary message of the same length. The last column is
the triage model's time (miss_nlp/triage/model.py, from the trained model), which
reads at most the first and last 1,500 characters of a message.
"""
import statistics
import time
from pathlib import Path
from typing import Callable, List, Optional, Tuple

ORDINARY = "How long is the hospital stay after minimally invasive spine surgery?"
STORY = ("I have had lower back pain for two years and tried physio, injections and rest. "
         "My surgeon now talks about keyhole surgery and I would like to know more. ")
# Red flags in every sentence, all negated: every match is looked at, none is acute.
NEGATED = "no fever, no bladder trouble, no weak legs, no chest pain, no numb groin. "
# Every word is in some red-flag word list: the most pairs to look at.
TRIGGERS = ("bladder leg fever wound chest breathe kill pain numb groin fall cut blood "
            "not weak hot control pee myself ")


def sized(text: str, chars: int) -> str:
    return (text * (chars // len(text) + 1))[:chars]


def timed(run: Callable[[], object], repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1000


def trained_triage_model(model: Path):
    """The triage model of the trained assistant as served, or None without one."""
    if not model.exists():
        return None
    from assistant.evaluate import served_agent
    from assistant.triage_model_cv import triage_component

    return triage_component(served_agent(model)).model


def measure() -> List[Tuple[str, int, int, float, float, Optional[float]]]:
    import spacy

    from miss_config.paths import MODEL
    from miss_nlp import PIPELINE_PACKAGE, triage
    from miss_nlp.triage import model as triage_model

    nlp = spacy.load(PIPELINE_PACKAGE)
    learned = trained_triage_model(MODEL)
    triage.vocabulary()
    cases = [("ordinary question", ORDINARY), ("1,000-character story", sized(STORY, 1000)),
             ("1,000 characters of triggers", sized(TRIGGERS, 1000)),
             ("1,000 characters, all negated", sized(NEGATED, 1000)),
             ("100,000-character story", sized(STORY, 100_000)),
             ("100,000 characters of triggers", sized(TRIGGERS, 100_000)),
             ("100,000 characters, all negated", sized(NEGATED, 100_000))]
    rows = []
    for name, text in cases:
        repeat = 3 if len(text) > 10_000 else 30
        doc = nlp(text.lower())
        tokens = triage.tokens_of(doc)
        work = triage.find(tokens).work
        check = timed(lambda: triage.find(triage.tokens_of(doc)), repeat)
        total = timed(lambda: triage.find(triage.tokens_of(nlp(text.lower()))), repeat)
        model = (timed(lambda: triage_model.probabilities(learned, text), repeat)
                 if learned is not None else None)
        rows.append((name, len(text), work, check, total, model))
    return rows


def main() -> None:
    rows = measure()
    print(f"{'message':32s} {'chars':>8s} {'work':>9s} {'check ms':>9s} {'+spaCy ms':>10s} "
          f"{'model ms':>9s}")
    for name, chars, work, check, total, model in rows:
        shown = f"{model:9.2f}" if model is not None else f"{'(no model)':>9s}"
        print(f"{name:32s} {chars:8d} {work:9d} {check:9.2f} {total:10.2f} {shown}")
    story = rows[1]
    for worst in rows[2:4]:
        print(f"{worst[0]} / story of the same length: {worst[3] / story[3]:.1f}x "
              f"(check), {worst[4] / story[4]:.1f}x (with spaCy)")


if __name__ == "__main__":
    main()
