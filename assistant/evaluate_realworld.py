"""The assistant on real-world-style questions (tests/nlu/realworld_heldout.yml).

Written blind by a helper after reading public patient questions, before any change
to the training data. Each message expects one or more topics (in the order asked),
``not_covered`` (a subject the article does not address) or ``out_of_scope``. The
assistant answers one topic per message today, so a multi-topic message counts as
right when its answer is one of the topics asked; "not covered" and out-of-scope
messages count as right when declined.

    python -m assistant.evaluate_realworld [--model models/miss-assistant.tar.gz]

Prints each figure next to the TF-IDF + logistic-regression baseline of
assistant/evaluate.py trained on the same data.
"""
import argparse
import asyncio
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

import yaml

from assistant.evaluate import (FALLBACK, MODEL, OUT_OF_SCOPE, PROJECT_ROOT, TOPICS,
                                baseline_predictions, load_examples, pipeline_intents)

REALWORLD = PROJECT_ROOT / "tests" / "nlu" / "realworld_heldout.yml"
DECLINED = {OUT_OF_SCOPE, FALLBACK}


def load(path: Path = REALWORLD) -> List[Dict]:
    return (yaml.safe_load(path.read_text("utf-8")) or {}).get("messages") or []


def category(item: Dict) -> str:
    expect = item["expect"]
    if isinstance(expect, list):
        return "one topic" if len(expect) == 1 else "several topics"
    return str(expect)


def right(item: Dict, got: str) -> bool:
    expect = item["expect"]
    if isinstance(expect, list):
        return got in expect
    return got in DECLINED


def score(items: Sequence[Dict], predicted: Sequence[str]) -> Dict[str, Tuple[int, int]]:
    table: Dict[str, List[int]] = {}
    for item, got in zip(items, predicted):
        row = table.setdefault(category(item), [0, 0])
        row[0] += int(right(item, got))
        row[1] += 1
    return {name: (ok, total) for name, (ok, total) in table.items()}


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Real-world-style held-out questions")
    parser.add_argument("--model", type=Path, default=MODEL)
    args = parser.parse_args(argv)
    items = load()
    texts = [item["text"] for item in items]
    served = [intent for intent, _ in asyncio.run(pipeline_intents(args.model, texts))]
    train = [(t, i) for t, i in load_examples(PROJECT_ROOT / "data" / "nlu.yml")]
    train += load_examples(PROJECT_ROOT / "data" / "nlu_triage.yml")
    base = baseline_predictions(train, [(t, "") for t in texts])
    base = [OUT_OF_SCOPE if b == "declined" else b for b in base]
    ours, theirs = score(items, served), score(items, base)
    print(f"\nReal-world-style questions ({len(items)}), as served vs TF-IDF+LR baseline:")
    for name in ("one topic", "several topics", "not_covered", "out_of_scope"):
        if name in ours:
            (a, n), (b, _) = ours[name], theirs[name]
            print(f"  {name:16s} {a / n:6.1%} ({a}/{n})   baseline {b / n:6.1%} ({b}/{n})")
    topic_items = [(i, g) for i, g in zip(items, served) if category(i) == "one topic"]
    wrong = sum(1 for i, g in topic_items if g in TOPICS and not right(i, g))
    print(f"  one-topic questions answered with another topic: {wrong}/{len(topic_items)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
