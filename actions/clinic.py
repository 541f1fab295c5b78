"""The clinic's own details, from knowledge/clinic.yml."""
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional

import yaml

from miss_config.knowledge import knowledge_dir

REQUIRED_KEYS = (
    "clinic_name",
    "clinic_phone",
    "clinic_hours",
    "clinic_website",
    "emergency_number",
    "crisis_line",
)


def load_clinic(path: Optional[Path] = None) -> Dict[str, str]:
    path = path or knowledge_dir() / "clinic.yml"
    data = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    missing = [key for key in REQUIRED_KEYS if not str(data.get(key) or "").strip()]
    if missing:
        raise ValueError(f"{path} is missing: {', '.join(missing)}")
    return {key: str(data[key]).strip() for key in REQUIRED_KEYS}


@lru_cache(maxsize=1)
def clinic() -> Dict[str, str]:
    return load_clinic()
