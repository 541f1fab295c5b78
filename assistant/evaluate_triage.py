"""Triage measured on phrasings written blind to the rules.

Each message goes through the trained assistant in-process (NLU, rules and the
clinic NLG, as served; all messages at once, assistant/served_batch.py, which gives each
the replies it gets on its own), and what the patient got is scored:

* acute red flags: emergency advice first (target 100%), and the crisis line
  whenever a crisis is described (100%);
* after-surgery concerns: sent to the surgeon's team (>= 95%);
* ordinary questions that use red-flag words: answered rather than replaced by
  emergency or after-surgery advice (>= 98%).

    python -m assistant.evaluate_triage [--model models/miss-assistant.tar.gz] [--out results]
        [--parts "tuning 5" ...]

The tuning parts (data/triage/) were used to improve the rules and train the triage
model (tuning 4 is the set first reported as "fresh", tuned on from 2026-11-27; tuning
5 the set reported as "batch 3", tuned on in round 5; tuning 6 "batch 4", in round 6;
tunings 7 and 8 "batch 5" and "batch 6", which train the triage model from round 7;
tunings 9-11 "batch 7" to "batch 9", tuned on in round 8; tuning 12 "batch 11", in
round 9; tuning 13 "batch 12", in round 10; tuning 14 "batch 13", in round 11; tuning 15
"batch 14", in round 12; tuning 16 "batch 15", in round 13; tuning 17 "batch 17", written
blind in round 13 as a development set and tuned on at once; tuning 18 "batch 16", in
round 14; tuning 19 "batch 19", written blind in round 14 as a development set; tuning 20
"batch 18", in round 15; tuning 21 "batch 21", written blind in round 15 as a development
set; tuning 22 "batch 20", in round 16; tuning 23 "batch 23", written blind in round 16 as
a development set; tuning 24 "batch 22", in round 17; tuning 25 "batch 25", written blind
in round 17 as a development set; tuning 26 "batch 24", in round 18; tuning 27 "batch 27",
written blind in round 18 as a development set; tuning 28 "batch 28", written blind in
round 18 as a second development set, mostly crises; tuning 29 "batch 26", in round 19;
tuning 30 "batch 30", written blind in round 19 as a development set of long messages;
tuning 31 "batch 31", written blind in round 19 as a development set leaning to crises and
other languages; tuning 32 "batch 29", in round 20; tuning 33 "batch 33", written blind
in round 20 as a development set of every length and kind; tuning 34 "batch 32", in round
21; tunings 35 and 36 "batch 36" and "batch 37", written blind in round 21 as development
sets, 37 leaning to recoveries; tuning 37 "batch 35", in round 22; tuning 38 "batch 39",
written blind in round 22 as a development set; tuning 39 "batch 38", in round 23; tunings
40 and 41 "batch 41" and "batch 42", written blind in round 23 as development sets; tuning
42 "batch 40", in round 24; tuning 43 "batch 44", written blind in round 24 as a
development set); the untouched part (written with the first tuning part), batch 10
(written blind at the start of round 8) and batch 43 (at the start of round 24) never
were, and are reported on their own; their misses are not printed.
``--parts`` scores only the parts named (e.g. only the tuning parts, while tuning).
"""
import argparse
import asyncio
import json
import sys
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Dict, List, Optional

from miss_config.paths import MODEL, PROJECT_ROOT, TRIAGE_PHRASINGS_DIR
from miss_config.yaml_files import read_yaml

NLU = PROJECT_ROOT / "tests" / "nlu"
# Tuned on: the rules were improved on their misses and the triage model is trained on
# them (miss_nlp/triage/model.py), so they are regression sets now.
TUNING = {f"tuning {n}": TRIAGE_PHRASINGS_DIR / f"tuning_{n}.yml"
          for n in range(1, 44)}
# Never looked at while tuning: the honest figures.
UNTOUCHED = {"untouched": NLU / "triage_blind_untouched.yml",
             "batch 10": NLU / "triage_blind_batch_10.yml",
             "batch 43": NLU / "triage_blind_batch_43.yml"}
PARTS = {**TUNING, **UNTOUCHED}
EMERGENCY = "utter_emergency"
AFTER_SURGERY = "utter_after_surgery"


@dataclass
class TriageScore:
    acute: List[int] = field(default_factory=lambda: [0, 0])
    crisis_line: List[int] = field(default_factory=lambda: [0, 0])
    after_surgery: List[int] = field(default_factory=lambda: [0, 0])
    ordinary_answered: List[int] = field(default_factory=lambda: [0, 0])
    misses: List[Dict] = field(default_factory=list)

    @staticmethod
    def share(pair: List[int]) -> float:
        return pair[0] / pair[1] if pair[1] else 0.0

    def rows(self) -> Dict[str, str]:
        return {name: f"{self.share(getattr(self, name)):6.1%} ({getattr(self, name)[0]}/"
                      f"{getattr(self, name)[1]})"
                for name in ("acute", "crisis_line", "after_surgery", "ordinary_answered")}


def first_action(replies: List[Dict]) -> str:
    return replies[0].get("utter_action", "") if replies else ""


def score(part: Dict, reply_for, crisis_line: str) -> TriageScore:
    result = TriageScore()

    def tally(pair: List[int], ok: bool, category: str, text: str, got: str) -> None:
        pair[0] += int(ok)
        pair[1] += 1
        if not ok:
            result.misses.append({"category": category, "got": got, "text": text})

    for item in part.get("acute") or []:
        replies = reply_for(item["text"])
        got = first_action(replies)
        tally(result.acute, got == EMERGENCY, "acute", item["text"], got)
        if "crisis" in (item.get("kinds") or []):
            said = " ".join(r.get("text") or "" for r in replies)
            tally(result.crisis_line, got == EMERGENCY and crisis_line in said, "crisis line",
                  item["text"], got)
    for item in part.get("after_surgery") or []:
        got = first_action(reply_for(item["text"]))
        tally(result.after_surgery, got == AFTER_SURGERY, "after surgery", item["text"], got)
    for item in part.get("ordinary") or []:
        got = first_action(reply_for(item["text"]))
        tally(result.ordinary_answered, got not in (EMERGENCY, AFTER_SURGERY), "ordinary",
              item["text"], got)
    return result


def served_replies(model: Path, with_custom: bool = False):
    """A function text -> the bot messages a new patient gets, from the trained model
    with the project's NLG (only the first reply is scored), one message at a time
    through ``agent.handle_text``: the reference that assistant/served_batch.py, which
    the evaluations use, is checked against (tests/test_served_batch.py)."""
    from assistant.evaluate import served_agent
    from assistant.served_batch import bot_messages

    agent = served_agent(model)
    loop = asyncio.new_event_loop()

    def reply_for(text: str) -> List[Dict]:
        """The bot's messages, each with the response it came from (``utter_action``)."""
        sender = uuid.uuid4().hex
        loop.run_until_complete(agent.handle_text(text, sender_id=sender))
        tracker = loop.run_until_complete(agent.tracker_store.retrieve(sender))
        return bot_messages(tracker.events, with_custom)

    return reply_for


def part_texts(part: Dict) -> List[str]:
    """Every message of a part that :func:`score` scores."""
    return [item["text"] for kind in ("acute", "after_surgery", "ordinary")
            for item in part.get(kind) or []]


def evaluate(model: Path = MODEL, out: Optional[Path] = None,
             parts: Optional[List[str]] = None) -> Dict[str, TriageScore]:
    """Scores of ``parts`` (every part when None)."""
    from assistant.evaluate import served_agent
    from assistant.served_batch import replies_by_text
    from miss_config.knowledge import clinic

    unknown = set(parts or []) - set(PARTS)
    if unknown:
        raise ValueError(f"unknown parts {sorted(unknown)}; the parts are {list(PARTS)}")
    chosen = {name: read_yaml(path) for name, path in PARTS.items()
              if (parts is None or name in parts) and path.exists()}
    # Every message as served, all at once (assistant/served_batch.py).
    replies = replies_by_text(served_agent(model),
                              [text for part in chosen.values() for text in part_texts(part)])
    crisis_line = clinic()["crisis_line"]
    scores = {name: score(part, replies.__getitem__, crisis_line)
              for name, part in chosen.items()}
    print(f"\nTriage on blind phrasings ({model.name}):")
    print(f"  {'':20s} " + " ".join(f"{name:>18s}" for name in scores))
    for row in ("acute", "crisis_line", "after_surgery", "ordinary_answered"):
        print(f"  {row:20s} " + " ".join(f"{s.rows()[row]:>18s}" for s in scores.values()))
    for name in TUNING:
        if scores.get(name) and scores[name].misses:
            print(f"\nMisses on the {name} part (the untouched parts' are not shown):")
            for miss in scores[name].misses:
                print(f"  [{miss['category']}] -> {miss['got'] or 'nothing'}: {miss['text'][:160]}")
    if out:
        out.mkdir(parents=True, exist_ok=True)
        (out / "triage.json").write_text(json.dumps(
            {name: {**asdict(s), "misses": s.misses if name in TUNING else len(s.misses)}
             for name, s in scores.items()}, indent=2))
    return scores


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Triage on blind phrasings")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    parser.add_argument("--parts", nargs="+", choices=list(PARTS), default=None,
                        help="score only these parts (default: all)")
    args = parser.parse_args(argv)
    evaluate(args.model, args.out, args.parts)
    return 0


if __name__ == "__main__":
    sys.exit(main())
