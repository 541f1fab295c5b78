"""The assistant on real-world-style questions, scored on what the patient gets.

Thirty-five files, each written blind to the training data by a helper who read public
patient questions, before the change they judge, and never edited after
(tests/nlu/realworld_heldout.yml, realworld_heldout_2.yml ... realworld_heldout_35.yml).
The files in ``DEVELOPMENT_FILES`` have been used for development (their misses read and
tuned on; the README says from which round, or that they were written as development
files), so files 1, 3, 5, 7 and 34 are held out. Each
message expects one or more topics (in the order asked), ``not_covered`` (a subject
the article does not address, with its ``subject``) or ``out_of_scope``.

Each message goes through the trained assistant in-process (NLU, rules and the clinic
NLG, as served; all messages at once, assistant/served_batch.py, which gives each the
replies it gets on its own) and is scored on the reply:

* one topic: the (first) answer is that topic's;
* several topics: every topic asked is answered (and, apart, at least one);
* not covered: declined (any decline counts), and the reply names the subject in
  the patient's words: the subject it quotes shares a word with the one expected,
  in the "not covered" reply or in the after-surgery reply to a recovery question;
* out of scope: declined (not answered with a topic).

The TF-IDF + logistic-regression baseline (assistant/baseline.py), trained on the same
data, is scored on the same messages by its one predicted intent.

    python -m assistant.evaluate_realworld [--model models/miss-assistant.tar.gz] [--heldout F]
"""
import argparse
import re
import sys
from pathlib import Path
from typing import Dict, List, Optional, Sequence, Tuple

from assistant import baseline as plain_baseline
from assistant.evaluate import MODEL, PROJECT_ROOT, TOPICS
from assistant.evaluate_triage import AFTER_SURGERY
from miss_config.yaml_files import read_yaml

NLU_TESTS = PROJECT_ROOT / "tests" / "nlu"
# File 1 has no number in its name.
FILE_NUMBERS = range(1, 36)
HELDOUT_FILES = [NLU_TESTS / (f"realworld_heldout_{n}.yml" if n > 1 else "realworld_heldout.yml")
                 for n in FILE_NUMBERS]
# Never looked at while tuning: the honest figures.
NEVER_TUNED_ON = {1, 3, 5, 7, 34}
# Every other file's misses were read and tuned on (README says from which round).
DEVELOPMENT_FILES = set(FILE_NUMBERS) - NEVER_TUNED_ON
REALWORLD = HELDOUT_FILES[0]

NOT_COVERED_REPLY = "utter_not_covered"
# The replies that name a subject the guide leaves out, quoted in the patient's words:
# the "not covered" reply, and the after-surgery reply to a recovery question about one.
SUBJECT_REPLIES = (NOT_COVERED_REPLY, AFTER_SURGERY)
QUOTED_SUBJECT = re.compile(r'\("([^"]*)"\)')
ROWS = ("one topic", "several topics: all answered", "several topics: one answered",
        "not covered: declined", "not covered: subject named", "out of scope: declined")


def file_number(path: Path) -> int:
    number = path.stem.rpartition("_")[2]
    return int(number) if number.isdigit() else 1


def load(path: Path = REALWORLD) -> List[Dict]:
    return (read_yaml(path) or {}).get("messages") or []


def category(item: Dict) -> str:
    expect = item["expect"]
    if isinstance(expect, list):
        return "one topic" if len(expect) == 1 else "several topics"
    return str(expect)


def answered_topics(replies: List[Dict]) -> List[str]:
    """The topics answered, in order, from the bot's messages."""
    topics: List[str] = []
    for reply in replies:
        names = (reply.get("custom") or {}).get("answers") or [reply.get("utter_action", "")]
        topics += [n[len("utter_"):] for n in names if n and n[len("utter_"):] in TOPICS]
    return topics


def names_subject(text: str, subject: str) -> bool:
    """The reply quotes a word of the subject: a shared stem of 4+ letters ("shower"
    names "showering"), or a short word of the subject whole ("ice" names "ice or heat")."""
    words = {w.strip(".,!?\"'()").lower() for w in text.split()}
    return any(w[:4] == s[:4] if len(s) >= 4 and len(w) >= 4 else w == s
               for s in subject.lower().split() if len(s) >= 3 and s not in SHORT_FILLERS
               for w in words)


# Short words of a labelled subject that name nothing on their own ("ice OR heat").
SHORT_FILLERS = {"and", "the", "for", "off", "own", "out", "how", "can", "use", "not", "any"}


def score_item(item: Dict, replies: List[Dict]) -> Dict[str, bool]:
    kind, topics = category(item), answered_topics(replies)
    first = replies[0].get("utter_action", "") if replies else ""
    if kind == "one topic":
        return {"one topic": bool(topics) and topics[0] == item["expect"][0]}
    if kind == "several topics":
        return {"several topics: all answered": set(item["expect"]) <= set(topics),
                "several topics: one answered": bool(set(item["expect"]) & set(topics))}
    declined = not topics
    if kind == "not_covered":
        quoted = " ".join(QUOTED_SUBJECT.findall(replies[0].get("text") or "")) if replies else ""
        return {"not covered: declined": declined,
                "not covered: subject named": first in SUBJECT_REPLIES
                and names_subject(quoted, str(item.get("subject", "")))}
    return {"out of scope: declined": declined}


def baseline_item(item: Dict, predicted: str) -> Dict[str, bool]:
    kind = category(item)
    topics = [predicted] if predicted in TOPICS else []
    if kind == "one topic":
        return {"one topic": topics == item["expect"][:1]}
    if kind == "several topics":
        return {"several topics: all answered": set(item["expect"]) <= set(topics),
                "several topics: one answered": bool(set(item["expect"]) & set(topics))}
    if kind == "not_covered":
        return {"not covered: declined": not topics, "not covered: subject named": False}
    return {"out of scope: declined": not topics}


def tally(scores: Sequence[Dict[str, bool]]) -> Dict[str, Tuple[int, int]]:
    table: Dict[str, List[int]] = {}
    for row in scores:
        for name, ok in row.items():
            pair = table.setdefault(name, [0, 0])
            pair[0] += int(ok)
            pair[1] += 1
    return {name: (ok, n) for name, (ok, n) in table.items()}


def evaluate(model: Path = MODEL, files: Sequence[Path] = tuple(HELDOUT_FILES)) -> Dict:
    from assistant.evaluate import served_agent
    from assistant.served_batch import replies_by_text

    loaded = {path: load(path) for path in files}
    # Every message as served, all at once (assistant/served_batch.py).
    replies = replies_by_text(served_agent(model),
                              [i["text"] for items in loaded.values() for i in items],
                              with_custom=True)
    baseline = plain_baseline.fitted_on_training_data()
    results = {}
    for path, items in loaded.items():
        ours = tally([score_item(i, replies[i["text"]]) for i in items])
        predicted = list(baseline.predict([i["text"] for i in items]))
        theirs = tally([baseline_item(i, p) for i, p in zip(items, predicted)])
        results[path.name] = {"ours": ours, "baseline": theirs, "count": len(items)}
        role = "development" if file_number(path) in DEVELOPMENT_FILES else "held out"
        print(f"\n{path.name} ({role}): {len(items)} real-world-style messages, as served vs "
              f"the TF-IDF + LR baseline on the same training data")
        for name in ROWS:
            if name in ours:
                (a, n), (b, _) = ours[name], theirs[name]
                print(f"  {name:30s} {a / n:6.1%} ({a}/{n})   baseline {b / n:6.1%} ({b}/{n})")
        a, n = ours["one topic"]
        b, _ = theirs["one topic"]
        print(f"  one-topic ratio to the baseline: {a / max(b, 1):.3f}")
    return results


def plot(results: Dict, path: Path) -> None:
    """Ours against the baseline, one panel per file, one pair of bars per measure."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = min(len(results), 2)
    rows = (len(results) + columns - 1) // columns
    fig, grid = plt.subplots(rows, columns, figsize=(6.5 * columns, 4.3 * rows + 0.5),
                             sharey=True, squeeze=False)
    axes = list(grid.flat)
    for unused in axes[len(results):]:
        unused.set_visible(False)
    for ax, (name, result) in zip(axes, results.items()):
        rows = [r for r in ROWS if r in result["ours"]]
        ours = [100 * result["ours"][r][0] / result["ours"][r][1] for r in rows]
        theirs = [100 * result["baseline"][r][0] / result["baseline"][r][1] for r in rows]
        places = range(len(rows))
        ax.barh([y + 0.2 for y in places], ours, height=0.4, label="the assistant, as served")
        ax.barh([y - 0.2 for y in places], theirs, height=0.4,
                label="TF-IDF + LR baseline, same data")
        for y, value in zip(places, ours):
            ax.text(value + 1, y + 0.2, f"{value:.0f}%", va="center", fontsize=8)
        ax.set_yticks(list(places), labels=rows, fontsize=9)
        ax.set_xlim(0, 110)
        ax.set_xlabel("% of the file's messages of that kind")
        ax.set_title(f"{name} ({result['count']} messages)", fontsize=10)
    axes[0].invert_yaxis()   # the axes share y: inverted once, first measure on top
    fig.legend(*axes[0].get_legend_handles_labels(), loc="lower center", ncol=2, fontsize=9)
    fig.tight_layout(rect=(0, 0.07, 1, 1))
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description="Real-world-style held-out questions")
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--heldout", type=Path, action="append")
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args(argv)
    results = evaluate(args.model, args.heldout or HELDOUT_FILES)
    args.out.mkdir(parents=True, exist_ok=True)
    plot(results, args.out / "realworld.png")
    print(f"Wrote {args.out / 'realworld.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
