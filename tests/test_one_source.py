"""The words that matter most have one home.

The safety sentences a patient reads (an automated assistant, not a clinician; not
for emergencies, call the emergency number; talk with your healthcare provider)
are written once, in one of the project's text sources: a copy elsewhere would
drift from the one a clinician reviewed. The website widget says them from its
served config (knowledge/widget.yml), so its scripts carry none.
"""
import re
from pathlib import Path
from typing import Dict, Iterator, List

import pytest
import yaml

from miss_config.paths import PROJECT_ROOT

# Where a patient-facing sentence could be written (generated docs, such as
# docs/red-flags.md, are left out: they are rewritten from knowledge/red_flags.yml).
PYTHON_PACKAGES = ("assistant", "channels", "actions", "miss_nlp", "miss_config")
SAFETY = re.compile(r"not a (clinician|doctor|nurse|person)|for emergencies|urgent help"
                    r"|emergency number|\{emergency(_number)?\}|healthcare provider", re.I)
MIN_WORDS = 3     # "Not for emergencies."


def source_files() -> List[Path]:
    files = [PROJECT_ROOT / "domain.yml"]
    files += sorted(p for p in (PROJECT_ROOT / "knowledge").rglob("*") if p.is_file())
    widget = PROJECT_ROOT / "widget"
    files += sorted(p for p in widget.rglob("*") if p.is_file()
                    and "node_modules" not in p.relative_to(widget).parts
                    and not p.name.startswith("package"))
    for package in PYTHON_PACKAGES:
        files += sorted((PROJECT_ROOT / package).rglob("*.py"))
    return files


def normalised(text: str) -> str:
    """Text as a patient would read it: string pieces joined ("a " + "b", or Python's
    "a " "b" over two lines), escapes undone, spaces and line breaks as one space."""
    text = re.sub(r"\\(['\"])", r"\1", text)
    text = re.sub(r"([\"'])\s*\+?\s*\1", "", text)
    return re.sub(r"\s+", " ", text)


def written_in(sentence: str, text: str) -> bool:
    """The sentence, as a whole sentence (not the end of a longer one), in the text."""
    return re.search(r"(?<![\w'’])" + re.escape(normalised(sentence)), text) is not None


def sentences(text: str) -> Iterator[str]:
    for sentence in re.split(r"(?<=[.!?])\s+", " ".join(text.split())):
        if len(sentence.split()) >= MIN_WORDS:
            yield sentence


def _strings(node) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from _strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from _strings(value)


def _load(name: str):
    return yaml.safe_load((PROJECT_ROOT / name).read_text("utf-8")) or {}


def patient_texts() -> Dict[str, List[str]]:
    """The texts a patient reads, by the file they are written in."""
    responses = _load("domain.yml").get("responses") or {}
    red_flags_file = PROJECT_ROOT / "knowledge" / "red_flags.yml"
    red_flags = yaml.safe_load(red_flags_file.read_text("utf-8")) if red_flags_file.exists() else {}
    return {
        "domain.yml": [v["text"] for variations in responses.values() for v in variations
                       if isinstance(v, dict) and v.get("text")],
        "knowledge/sms.yml": list(_strings(_load("knowledge/sms.yml").get("texts"))),
        "knowledge/widget.yml": list(_strings(_load("knowledge/widget.yml").get("texts"))),
        "knowledge/red_flags.yml": [text for text in _strings(red_flags) if SAFETY.search(text)],
    }


def safety_sentences() -> Dict[str, str]:
    """{sentence: the file it is written in} for every sentence that makes a safety promise."""
    found: Dict[str, str] = {}
    for name, texts in patient_texts().items():
        for text in texts:
            for sentence in sentences(text):
                if SAFETY.search(sentence):
                    found.setdefault(sentence, name)
    return found


SOURCES = {path: normalised(path.read_text("utf-8")) for path in source_files()}
SAFETY_SENTENCES = safety_sentences()


def test_the_safety_sentences_are_found_where_they_are_written():
    by_file = {}
    for sentence, name in SAFETY_SENTENCES.items():
        by_file.setdefault(name, []).append(sentence)
    widget = " ".join(by_file["knowledge/widget.yml"])
    domain = " ".join(by_file["domain.yml"])
    for promise in ("not a clinician", "Not for emergencies", "call {emergency} now",
                    "with your healthcare provider"):
        assert promise in widget, promise
    for promise in ("not a doctor or nurse", "I'm not for emergencies",
                    "please talk with your healthcare provider"):
        assert promise in domain, promise
    assert len(SOURCES) > 20 and PROJECT_ROOT / "widget" / "miss-widget.js" in SOURCES


@pytest.mark.parametrize("sentence", sorted(SAFETY_SENTENCES))
def test_each_safety_sentence_is_written_in_exactly_one_file(sentence):
    holders = [str(path.relative_to(PROJECT_ROOT)) for path, text in SOURCES.items()
               if written_in(sentence, text)]
    assert holders == [SAFETY_SENTENCES[sentence]], f"{sentence!r} is written in {holders}"


def test_the_widget_scripts_say_nothing_about_safety_themselves():
    widget = PROJECT_ROOT / "widget"
    for path in [p for p in SOURCES if widget in p.parents and p.suffix in (".js", ".css")]:
        text = path.read_text("utf-8")
        words = re.findall(r"clinician|doctor|nurse|emergencies|urgent|healthcare provider",
                           text, re.I)
        assert not words, f"{path.relative_to(PROJECT_ROOT)} says {sorted(set(words))}"


def test_the_check_reads_pieces_joined_in_code_as_one_sentence():
    joined = normalised('x = "Not for " +\n    "emergencies."\ny = ("Call your "\n  "doctor.")')
    assert written_in("Not for emergencies.", joined)
    assert written_in("Call your doctor.", joined)
    assert not written_in("Not for emergencies.", "I'm not for emergencies.")
    assert not written_in("Call your doctor.", "Never call your doctor.")
    assert list(sentences("Hi. Not for emergencies. Call {emergency} now.")) == [
        "Not for emergencies.", "Call {emergency} now."]
