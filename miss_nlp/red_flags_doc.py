"""docs/red-flags.md: knowledge/red_flags.yml as a table for clinical review.

    python -m miss_nlp.red_flags_doc     # or: make red-flags-doc

tests/test_triage_doc.py fails when the table no longer matches the file.
"""
from pathlib import Path
from typing import List

import yaml

from miss_config.paths import PROJECT_ROOT
from miss_nlp.triage import RED_FLAGS_FILE, vocabulary

DOC = PROJECT_ROOT / "docs" / "red-flags.md"


def _cell(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _words(spec, lists) -> str:
    if isinstance(spec, str):
        return f"*{spec}*" if spec in lists else f"`{spec}`"
    return ", ".join(str(w) for w in spec)


_PHRASE_LISTS = (("phrases", "Phrases"),
                 ("always_acute", "Phrases urgent even inside a question"),
                 ("other_languages", "In other languages (urgent wherever they appear)"),
                 ("plans", "A plan (urgent with a word of suicide or despair)"),
                 ("despair", "Despair (urgent with a plan)"),
                 ("farewells", "A farewell (a plan, unless the message thanks us)"),
                 ("thanks", "Thanks that make a farewell a plain goodbye"))


def render(path: Path = RED_FLAGS_FILE) -> str:
    data = yaml.safe_load(path.read_text("utf-8"))
    lists = data.get("word_lists") or {}
    vocab = vocabulary(path)
    lines: List[str] = [
        "# Red flags: what the assistant treats as urgent",
        "",
        "Made by `python -m miss_nlp.red_flags_doc` from `knowledge/red_flags.yml`; edit that "
        "file, not this one. A message that describes one of these as happening now gets the "
        "advice of the most urgent kind (lowest priority number) first, then the other kinds "
        "named. The same words in a general question add the kind's one sentence to the "
        "answer instead. {placeholders} are filled from `knowledge/clinic.yml`.",
        "",
        "| priority | kind | example | advice | when only mentioned |",
        "|---|---|---|---|---|",
    ]
    for kind in vocab.by_priority():
        lines.append(f"| {kind.priority} | {_cell(kind.label)} | {_cell(kind.example) or '–'} | "
                     f"{_cell(kind.advice)} | {_cell(kind.when_mentioned)} |")
    lines += ["", "## The words each kind looks for", "",
              f"Two words of a pair count when at most {vocab.window} words apart, in either "
              "order; the three lists of a chain in that order. Words in *italics* name a "
              "word list (below).", ""]
    for name, spec in (data.get("kinds") or {}).items():
        lines += [f"### {spec['label']} (`{name}`)", ""]
        for key, title in _PHRASE_LISTS:
            if spec.get(key):
                lines.append(f"- {title}: {_cell(', '.join(map(str, spec[key])))}")
        for a, b in spec.get("near") or []:
            lines.append(f"- Pair: ({_cell(_words(a, lists))}) with ({_cell(_words(b, lists))})")
        for chain in spec.get("chains") or []:
            lines.append("- Chain: " + " then ".join(f"({_cell(_words(c, lists))})"
                                                    for c in chain))
        if spec.get("alone"):
            lines.append(f"- Alone (a message of this word only): ({_cell(_words(spec['alone'], lists))})")
        if spec.get("reading"):
            lines.append(f"- A word urgent on its own: ({_cell(_words(spec['reading'], lists))})")
        if not any(spec.get(key) for key in ("phrases", "near", "chains", "other_languages")):
            lines.append("- No words: given when the classifier alone is sure of an emergency.")
        lines.append("")
    lines += ["## Word lists", ""]
    for name, words in lists.items():
        lines.append(f"- *{name}*: {_cell(_words(words, {}))}")
    after = data.get("after_surgery") or {}
    lines += ["", "## A patient's own recovery", "",
              "Sent to the surgeon's office with this reply:", "",
              f"> {_cell(after.get('reply', ''))}", ""]
    return "\n".join(lines)


def main() -> None:
    DOC.write_text(render(), "utf-8")
    print(f"wrote {DOC}")


if __name__ == "__main__":
    main()
