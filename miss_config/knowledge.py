"""The clinic's knowledge: the files in knowledge/ and the domain's responses.

    knowledge/clinic.yml       clinic()            name, phone, hours, website, emergency and crisis numbers
    knowledge/miss-article.txt article_text()      the patient guide the answers rest on
    knowledge/sources.yml      sources()           which answer rests on which part of the guide
    knowledge/sms.yml          sms_file()          SMS texts, keywords and limits (channels/)
    knowledge/red_flags.yml    red_flags_file()    triage vocabulary and advice (miss_nlp/triage/)
    knowledge/widget.yml       widget_texts()      what the website widget says itself (its config)
    domain.yml                 domain_responses()  every response, as written (unfilled)

MISS_KNOWLEDGE_DIR points a clinic at its own copy of knowledge/. YAML is read
on first use (PyYAML is imported then), so `make doctor` can import this module
before anything is installed.
"""
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, List, Optional

from miss_config.paths import DOMAIN_FILE
from miss_config.settings import read_setting

ARTICLE_FILE = "miss-article.txt"
CLINIC_FILE = "clinic.yml"
SOURCES_FILE = "sources.yml"
SMS_FILE = "sms.yml"
RED_FLAGS_FILE = "red_flags.yml"
WIDGET_FILE = "widget.yml"
# What a patient hears the article called ("as the patient guide says").
SOURCE_DOCUMENT = "patient guide"

REQUIRED_CLINIC_KEYS = (
    "clinic_name",
    "clinic_phone",
    "clinic_hours",
    "clinic_website",
    "emergency_number",
    "crisis_line",
)


def knowledge_dir() -> Path:
    """MISS_KNOWLEDGE_DIR (a clinic's own copy), else <project>/knowledge.

    Read alone, not with every setting: `rasa train` reads the article through
    this and must not stop on an unrelated setting."""
    return read_setting("knowledge_dir")


def _yaml(path: Path) -> Any:
    import yaml

    return yaml.safe_load(Path(path).read_text(encoding="utf-8"))


def load_clinic(path: Optional[Path] = None) -> Dict[str, str]:
    """knowledge/clinic.yml, every required detail filled in (else ValueError)."""
    path = path or knowledge_dir() / CLINIC_FILE
    data = _yaml(path) or {}
    missing = [key for key in REQUIRED_CLINIC_KEYS if not str(data.get(key) or "").strip()]
    if missing:
        raise ValueError(f"{path} is missing: {', '.join(missing)}")
    return {key: str(data[key]).strip() for key in REQUIRED_CLINIC_KEYS}


@lru_cache(maxsize=1)
def clinic() -> Dict[str, str]:
    """The clinic's details, read once per process (the servers)."""
    return load_clinic()


def article_text(name: str = ARTICLE_FILE) -> str:
    return (knowledge_dir() / name).read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def sources() -> Dict[str, Dict[str, Any]]:
    return _yaml(knowledge_dir() / SOURCES_FILE) or {}


def sms_file() -> Path:
    return knowledge_dir() / SMS_FILE


def red_flags_file() -> Path:
    return knowledge_dir() / RED_FLAGS_FILE


def widget_texts(path: Optional[Path] = None) -> Dict[str, str]:
    """knowledge/widget.yml: its ``texts`` and ``names``, as one {key: text} (else ValueError).

    Read on every call: the widget server serves an edited file without a restart."""
    path = path or knowledge_dir() / WIDGET_FILE
    data = _yaml(path) or {}
    texts = {**(data.get("texts") or {}), **(data.get("names") or {})}
    empty = sorted(key for key, text in texts.items() if not str(text or "").strip())
    if not texts or empty:
        raise ValueError(f"{path} has no texts" if not texts
                         else f"{path} has empty texts: {', '.join(empty)}")
    return {str(key): " ".join(str(text).split()) for key, text in texts.items()}


@lru_cache(maxsize=4)
def domain_responses(path: Path = DOMAIN_FILE) -> Dict[str, List[Dict[str, Any]]]:
    """domain.yml's responses as written: {name: [variation, ...]}, templates unfilled."""
    return (_yaml(path) or {}).get("responses") or {}
