"""The evaluations' fast path (assistant/served_batch.py) against the one-by-one served
path, message by message: every message the evaluations score, or a sample of each kind.

* triage (assistant/evaluate_triage.py) and real-world questions
  (assistant/evaluate_realworld.py): every bot message a new patient gets (text, the
  response it came from, its custom payload), from ``served_replies`` (one
  ``agent.handle_text`` each) and from ``served_replies_many``;
* the held-out NLU file (assistant/evaluate.py): the parse (intent, ranking with its
  confidences, entities) from ``agent.parse_message`` and from ``parsed_intents_many``;
* every triage set and real-world file as the evaluations read it (libyaml's loader)
  and as ``yaml.safe_load`` does.

    python -m assistant.served_sameness [--out results/sameness] [--every N]

writes old.json and new.json, prints each path's seconds and the messages that differ
(exit status 1 if any). tests/test_served_batch.py runs it on a sample.
"""
import argparse
import asyncio
import json
import sys
import time
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import yaml

from miss_config.paths import MODEL, PROJECT_ROOT

# The parse data that decides what a patient gets (``message_id`` and the like are new
# for every message).
PARSE_KEYS = ("text", "intent", "intent_ranking", "entities")


def messages_by_kind(every: int = 1) -> Dict[str, List[str]]:
    """Every ``every``-th message of each kind the evaluations score, in their order."""
    from assistant.evaluate import HELDOUT, load_examples
    from assistant.evaluate_realworld import HELDOUT_FILES, category, load
    from assistant.evaluate_triage import PARTS
    from miss_config.yaml_files import read_yaml

    kinds: Dict[str, List[str]] = {}
    for path in PARTS.values():
        if path.exists():
            part = read_yaml(path)
            for kind in ("acute", "after_surgery", "ordinary"):
                kinds.setdefault(f"triage: {kind}", []).extend(
                    item["text"] for item in part.get(kind) or [])
    for path in HELDOUT_FILES:
        for item in load(path):
            kinds.setdefault(f"real world: {category(item)}", []).append(item["text"])
    kinds["held-out NLU"] = [text for text, _ in load_examples(HELDOUT)]
    return {kind: texts[::every] for kind, texts in kinds.items()}


def loaders_disagree() -> List[str]:
    """The evaluation files that the evaluations' YAML loader (libyaml's) reads other
    than ``yaml.safe_load`` does (none, or the fast path is not the same)."""
    from assistant.evaluate_realworld import HELDOUT_FILES
    from assistant.evaluate_triage import PARTS
    from miss_config.yaml_files import read_yaml

    return [path.name for path in [*PARTS.values(), *HELDOUT_FILES] if path.exists()
            and read_yaml(path) != yaml.safe_load(path.read_text("utf-8"))]


def _parse(parsed: Dict) -> Dict:
    return {key: parsed.get(key) for key in PARSE_KEYS}


def one_by_one(model: Path, kinds: Dict[str, List[str]]) -> Dict[str, List]:
    """Each message as the evaluations scored it before: one at a time."""
    from assistant.evaluate import served_agent
    from assistant.evaluate_triage import served_replies

    reply_for = served_replies(model, with_custom=True)
    agent = served_agent(model)
    loop = asyncio.new_event_loop()
    try:
        return {kind: [_parse(loop.run_until_complete(agent.parse_message(text)))
                       for text in texts] if kind == "held-out NLU"
                else [reply_for(text) for text in texts]
                for kind, texts in kinds.items()}
    finally:
        loop.close()


def all_at_once(model: Path, kinds: Dict[str, List[str]]) -> Dict[str, List]:
    """Each message through the fast path (each kind's messages together)."""
    from assistant.evaluate import served_agent
    from assistant.served_batch import parsed_intents_many, served_replies_many

    agent = served_agent(model)
    return {kind: [_parse(p) for p in parsed_intents_many(agent, texts)]
            if kind == "held-out NLU" else served_replies_many(agent, texts, with_custom=True)
            for kind, texts in kinds.items()}


def differences(kinds: Dict[str, List[str]], old: Dict[str, List],
                new: Dict[str, List]) -> List[Tuple[str, str]]:
    """(kind, text) of every message whose outcome differs between the two paths."""
    return [(kind, text) for kind, texts in kinds.items()
            for text, a, b in zip(texts, old[kind], new[kind]) if a != b] + [
        (kind, "(a different number of messages)") for kind in kinds
        if len(old[kind]) != len(new[kind])]


def compare(model: Path, kinds: Dict[str, List[str]]) -> Tuple[Dict, Dict, Dict[str, float]]:
    """(old, new, seconds of each path); the model is loaded before either is timed."""
    from assistant.evaluate import served_agent

    served_agent(model)
    seconds = {}
    started = time.monotonic()
    old = one_by_one(model, kinds)
    seconds["one by one"] = time.monotonic() - started
    started = time.monotonic()
    new = all_at_once(model, kinds)
    seconds["all at once"] = time.monotonic() - started
    return old, new, seconds


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="The fast evaluation path against the slow")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results" / "sameness")
    parser.add_argument("--every", type=int, default=1, help="every N-th message of each kind")
    args = parser.parse_args(argv)
    kinds = messages_by_kind(args.every)
    old, new, seconds = compare(args.model, kinds)
    args.out.mkdir(parents=True, exist_ok=True)
    for name, outcomes in (("old", old), ("new", new)):
        (args.out / f"{name}.json").write_text(json.dumps(
            {kind: [{"text": t, "outcome": o} for t, o in zip(kinds[kind], outcomes[kind])]
             for kind in kinds}, indent=1, ensure_ascii=False), "utf-8")
    differ = differences(kinds, old, new) + [("YAML loaders", name) for name in loaders_disagree()]
    for kind, texts in kinds.items():
        print(f"  {kind:36s} {len(texts):5d} messages, "
              f"{sum(k == kind for k, _ in differ)} differ")
    for kind, text in differ:
        print(f"  DIFFERS [{kind}] {text[:150]}")
    print(f"{sum(map(len, kinds.values()))} messages, {len(differ)} differ; "
          + ", ".join(f"{name} {s:.1f}s" for name, s in seconds.items())
          + f"; wrote {args.out / 'old.json'} and {args.out / 'new.json'}")
    return 1 if differ else 0


if __name__ == "__main__":
    sys.exit(main())
