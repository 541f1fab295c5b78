"""Chooses the FallbackClassifier threshold on a validation split of the training data.

The held-out file (tests/nlu/heldout.yml) stays untouched for the final report:
this trains the NLU pipeline on 80% of data/nlu.yml, parses the other 20%, and
prints, for each threshold, how many validation messages would get the right
outcome (the right topic, or a decline for out-of-scope ones).

    python -m assistant.tune_threshold [--seed 7]
"""
import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from typing import List, Optional

from assistant.evaluate import (OUT_OF_SCOPE, TOPICS, TRAINING, load_examples,
                                quiet_rasa_logs)
from assistant.processes import VENV_BIN, base_env
from miss_config.paths import PROJECT_ROOT

THRESHOLDS = [0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6]


def split(examples, seed: int, share: float = 0.2):
    by_intent = defaultdict(list)
    for text, intent in examples:
        by_intent[intent].append((text, intent))
    rng = random.Random(seed)
    train, validation = [], []
    for intent, items in sorted(by_intent.items()):
        rng.shuffle(items)
        cut = max(1, int(len(items) * share))
        validation += items[:cut]
        train += items[cut:]
    return train, validation


def write_nlu(examples, path: Path) -> None:
    by_intent = defaultdict(list)
    for text, intent in examples:
        by_intent[intent].append(text)
    lines = ['version: "3.1"', "nlu:"]
    for intent, texts in by_intent.items():
        lines += [f"- intent: {intent}", "  examples: |"]
        lines += [f"    - {t}" for t in texts]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


async def rankings(model: Path, texts: List[str]):
    from rasa.core.agent import Agent

    quiet_rasa_logs()
    agent = Agent.load(str(model))
    out = []
    for text in texts:
        parsed = await agent.parse_message(text)
        out.append([r for r in parsed["intent_ranking"] if r["name"] != "nlu_fallback"])
    return out


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)
    train, validation = split(load_examples(TRAINING), args.seed)
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        write_nlu(train, tmp / "train.yml")
        print(f"Training on {len(train)} examples, validating on {len(validation)}...", flush=True)
        subprocess.run([str(VENV_BIN / "rasa"), "train", "nlu", "--nlu", str(tmp / "train.yml"),
                        "--config", str(PROJECT_ROOT / "config.yml"), "--out", str(tmp),
                        "--fixed-model-name", "validation"],
                       cwd=PROJECT_ROOT, env=base_env(), check=True,
                       stdout=subprocess.DEVNULL)
        ranked = asyncio.run(rankings(tmp / "validation.tar.gz", [t for t, _ in validation]))
    print(f"{'threshold':>9} {'right outcome':>14} {'topics':>7} {'out-of-scope declined':>22}")
    for threshold in THRESHOLDS:
        right = topic_right = topics = oos_declined = oos = 0
        for (_, intent), ranking in zip(validation, ranked):
            top = ranking[0]
            got = top["name"] if top["confidence"] >= threshold else "declined"
            if got == OUT_OF_SCOPE:
                got = "declined"
            ok = got == intent or (intent == OUT_OF_SCOPE and got == "declined")
            right += ok
            if intent in TOPICS:
                topics += 1
                topic_right += ok
            if intent == OUT_OF_SCOPE:
                oos += 1
                oos_declined += ok
        print(f"{threshold:9.2f} {right / len(validation):14.1%} {topic_right / topics:7.1%} "
              f"{oos_declined / oos:22.1%}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
