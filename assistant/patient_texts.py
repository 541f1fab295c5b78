"""Every text a patient reads, filled with the clinic's details from knowledge/clinic.yml
as a patient sees it (``patient_texts``), for assistant/readability.py to measure:

* every ``text`` of every response variation in domain.yml;
* every text under ``texts:`` in knowledge/sms.yml;
* in knowledge/red_flags.yml, if it exists, every string whose key is ``text`` or ends
  in ``advice``, ``note`` or ``reply``, wherever it is in the file;
* every text of 5 words or more under ``texts:`` in knowledge/widget.yml (what the
  website widget says itself; shorter ones are headings and labels), ``{clinic}`` and
  ``{emergency}`` filled in as the widget does;
* and, so that no sentence escapes, any string literal left in the widget's scripts
  (widget/**/*.js; pieces joined with ``+`` count as one) that reads as words, not code,
  and has at least 5 words: the names of its controls.

A response that is only a placeholder filled at run time from another file
(``"{triage_advice}"``, from red_flags.yml) is measured in that file.
"""
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Dict, Iterator, List, Mapping, Optional

import yaml

from miss_config.paths import PROJECT_ROOT

# In red_flags.yml: the texts said to a patient.
RED_FLAG_KEYS = re.compile(r"(advice|note|reply|mentioned)$|^text$")
# Stand-ins for the placeholders that are not clinic settings; any other is read as "this".
STANDINS = {"number": "1", "title": "What is MISS?"}
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


def word_count(text: str) -> int:
    """Words separated by spaces, as a patient would count them."""
    return len([w for w in text.split() if re.search(r"[A-Za-z0-9]", w)])


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
