"""What the triage model adds, measured without touching the held-out sets.

Each tuning set in turn is left out of the triage model's training (the model is fitted
on the other tuning sets and the NLU examples, as `rasa train` does) and scored as
served, in-process, once with that model and once with the rules and the intent
classifier alone. The rules were tuned on tunings 1-6, so the "rules alone" figures
there are better than on new text; the model's share is honest on every set.

    python -m assistant.triage_model_cv [--model models/miss-assistant.tar.gz] [--out results]
"""
import argparse
import json
import sys
from pathlib import Path
from typing import Dict, List, Optional, Tuple

from assistant.baseline import training_examples
from assistant.evaluate_triage import TUNING, TriageScore, score, served_replies
from miss_config.paths import MODEL, PROJECT_ROOT, TRIAGE_PHRASINGS_DIR
from miss_config.yaml_files import read_yaml
from miss_nlp.triage import model as triage_model

MEASURES = ("acute", "crisis_line", "after_surgery", "ordinary_answered")


def training_without(left_out: str, examples: List[Tuple[str, str]]) -> List[Tuple[str, str]]:
    """The model's training pairs with one tuning set left out."""
    left_out_path = TUNING[left_out]
    others = [path for path in triage_model.phrasing_files(TRIAGE_PHRASINGS_DIR) if path != left_out_path]
    return triage_model.phrasings_in(others) + triage_model.from_intents(examples)


def triage_component(agent):
    """The served Triage component, whose model each fold replaces."""
    from miss_nlp.components import Triage

    nodes = agent.processor.graph_runner._instantiated_nodes.values()
    found = [node._component for node in nodes if isinstance(node._component, Triage)]
    if len(found) != 1:
        raise RuntimeError(f"expected one Triage component in the served graph, found {len(found)}")
    return found[0]


def pooled(scores: Dict[str, TriageScore]) -> TriageScore:
    total = TriageScore()
    for s in scores.values():
        for measure in MEASURES:
            pair = getattr(total, measure)
            pair[0] += getattr(s, measure)[0]
            pair[1] += getattr(s, measure)[1]
    return total


def run(model: Path = MODEL) -> Dict[str, Dict[str, TriageScore]]:
    from assistant.evaluate import served_agent
    from miss_config.knowledge import clinic

    reply_for = served_replies(model)
    component = triage_component(served_agent(model))
    crisis_line = clinic()["crisis_line"]
    examples = training_examples()
    served_model = component.model
    results: Dict[str, Dict[str, TriageScore]] = {"rules alone": {}, "with the model": {}}
    try:
        for name, path in TUNING.items():
            part = read_yaml(path)
            component.model = None
            results["rules alone"][name] = score(part, reply_for, crisis_line)
            component.model = triage_model.fit(training_without(name, examples),
                                               c=component.config["C"])
            results["with the model"][name] = score(part, reply_for, crisis_line)
            print(f"  {name}: done", flush=True)
    finally:
        component.model = served_model
    return results


def plot(results: Dict[str, Dict[str, TriageScore]], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = ["acute: emergency\nadvice first", "crisis: crisis\nline given",
              "after surgery: sent\nto the surgeon's team", "ordinary question:\nanswered"]
    fig, ax = plt.subplots(figsize=(9, 4.5))
    width = 0.38
    for n, (variant, colour) in enumerate((("rules alone", "#9aa5b1"),
                                           ("with the model", "#1f6f8b"))):
        total = pooled(results[variant])
        worst = [min(s.share(getattr(s, m)) for s in results[variant].values()) for m in MEASURES]
        heights = [100 * total.share(getattr(total, m)) for m in MEASURES]
        xs = [i + (n - 0.5) * width for i in range(len(MEASURES))]
        ax.bar(xs, heights, width, color=colour, label=variant)
        ax.scatter(xs, [100 * w for w in worst], color="black", marker="_", s=200, zorder=3,
                   label="worst single set" if n else None)
        for x, h in zip(xs, heights):
            ax.text(x, h + 0.4, f"{h:.1f}", ha="center", va="bottom", fontsize=8)
    ax.set_xticks(range(len(MEASURES)))
    ax.set_xticklabels(labels, fontsize=9)
    ax.set_ylim(70, 102)
    sets = len(results["with the model"])
    ax.set_ylabel(f"% of messages ({sets} tuning sets, each left out in turn)")
    ax.set_title("Triage with and without the triage model, each set unseen by the model")
    ax.legend(loc="lower left", fontsize=8)
    fig.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(path, dpi=110)
    plt.close(fig)


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=MODEL)
    parser.add_argument("--out", type=Path, default=PROJECT_ROOT / "results")
    args = parser.parse_args(argv)
    results = run(args.model)
    print("\nEach tuning set left out of the triage model's training, scored as served:")
    for variant, scores in results.items():
        print(f"\n  {variant}")
        print(f"  {'':20s} " + " ".join(f"{name:>18s}" for name in [*scores, "all"]))
        for measure in MEASURES:
            cells = [s.rows()[measure] for s in [*scores.values(), pooled(scores)]]
            print(f"  {measure:20s} " + " ".join(f"{c:>18s}" for c in cells))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "triage_model_cv.json").write_text(json.dumps(
        {variant: {name: {m: getattr(s, m) for m in MEASURES} for name, s in scores.items()}
         for variant, scores in results.items()}, indent=2))
    plot(results, args.out / "triage-model-cv.png")
    print(f"\nWrote {args.out / 'triage-model-cv.png'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
