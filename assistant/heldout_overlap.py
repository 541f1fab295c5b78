"""Held-out messages that equal or nearly equal a training example.

A held-out message measures nothing if the model was trained on it or on a near copy.
Texts are compared after lower-casing and removing punctuation, with rapidfuzz's
normalised Levenshtein similarity; 90 or more counts as a near copy.

    python -m assistant.heldout_overlap            # list them
    python -m assistant.heldout_overlap --remove   # drop them from the held-out files

tests/test_heldout_is_held_out.py fails when one appears.
"""
import argparse
import re
import sys
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Tuple

import yaml

from miss_config.paths import PROJECT_ROOT, TRIAGE_PHRASINGS_DIR
from miss_config.yaml_files import read_yaml

HELDOUT_DIR = PROJECT_ROOT / "tests" / "nlu"
TRAINING_DIR = PROJECT_ROOT / "data"
NEAR = 90.0


def normalise(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"[^\w\s]", " ", text.lower())).strip()


def training_texts(directory: Path = TRAINING_DIR,
                   triage_tuning: Optional[Path] = None) -> List[str]:
    """The NLU examples under ``directory``, and the triage model's tuning phrasings when
    ``triage_tuning`` is given (they train only triage, so only the triage held-out files
    are compared with them)."""
    texts = []
    for path in sorted(directory.glob("*.yml")):
        for block in (read_yaml(path) or {}).get("nlu") or []:
            texts += [line[2:].strip() for line in str(block.get("examples") or "").splitlines()
                      if line.strip().startswith("- ")]
    for path in sorted(triage_tuning.glob("*.yml")) if triage_tuning else []:
        texts += heldout_texts(path)
    return texts


def heldout_texts(path: Path) -> List[str]:
    """Every message of a held-out file, whatever its layout (Rasa NLU examples, or
    lists of ``text:`` entries under categories)."""
    data = read_yaml(path) or {}
    found: List[str] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("examples"), str):
                found.extend(line.strip()[2:].strip() for line in node["examples"].splitlines()
                             if line.strip().startswith("- "))
            elif isinstance(node.get("text"), str):
                found.append(node["text"])
            else:
                for value in node.values():
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                found.append(value) if isinstance(value, str) else walk(value)

    walk(data)
    return found


def overlaps(heldout: List[str], training: List[str]) -> Iterator[Tuple[str, str, float]]:
    """(held-out text, closest training text, similarity) for every near copy.

    Two texts whose lengths differ by more than a ratio of 90 allows cannot be near
    copies (the ratio is 2 * matches / (len(a) + len(b))), so each held-out text is only
    compared with the training texts of a length that could be."""
    from bisect import bisect_left, bisect_right

    from rapidfuzz import fuzz
    from rapidfuzz.process import extractOne

    by_length = sorted(((normalise(t), i) for i, t in enumerate(training)),
                       key=lambda pair: len(pair[0]))
    lengths = [len(normal) for normal, _ in by_length]
    share = NEAR / 100
    for text in heldout:
        normal = normalise(text)
        # len(b) >= len(a) * share / (2 - share) and len(b) <= len(a) * (2 - share) / share
        low = bisect_left(lengths, int(len(normal) * share / (2 - share)))
        high = bisect_right(lengths, int(len(normal) * (2 - share) / share) + 1)
        window = by_length[low:high]
        best = extractOne(normal, [n for n, _ in window], scorer=fuzz.ratio, score_cutoff=NEAR)
        if best:
            yield text, training[window[best[2]][1]], best[1]


def remove(path: Path, texts: List[str]) -> int:
    """Deletes the entries holding ``texts`` from a held-out file, line by line, so that
    its comments and layout stay as written."""
    drop = set(texts)
    lines = path.read_text("utf-8").splitlines(keepends=True)
    kept, skipping, removed = [], None, 0
    for line in lines:
        stripped = line.strip()
        indent = len(line) - len(line.lstrip())
        if skipping is not None:
            if stripped and indent > skipping and not stripped.startswith("- "):
                continue  # the removed entry's other keys (kinds:, topic:, ...)
            skipping = None
        value = _entry_text(stripped)
        if value is not None and value in drop:
            removed += 1
            skipping = indent
            continue
        kept.append(line)
    path.write_text("".join(kept), "utf-8")
    return removed


def _entry_text(stripped: str):
    for prefix in ("- text: ", "- "):
        if stripped.startswith(prefix):
            raw = stripped[len(prefix):]
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:
                value = raw
            return value if isinstance(value, str) else None
    return None


def training_for(path: Path) -> List[str]:
    """What a held-out file must not nearly copy."""
    is_triage = path.name.startswith("triage_blind")
    return training_texts(triage_tuning=TRIAGE_PHRASINGS_DIR if is_triage else None)


def report() -> Dict[Path, List[Tuple[str, str, float]]]:
    return {path: list(overlaps(heldout_texts(path), training_for(path)))
            for path in sorted(HELDOUT_DIR.glob("*.yml"))}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--remove", action="store_true")
    args = parser.parse_args(argv)
    total = 0
    for path, found in report().items():
        total += len(found)
        print(f"{path.relative_to(PROJECT_ROOT)}: {len(found)} near copies of training examples")
        if args.remove and found:
            print(f"  removed {remove(path, [text for text, _, _ in found])}")
    return 1 if total and not args.remove else 0


if __name__ == "__main__":
    sys.exit(main())
