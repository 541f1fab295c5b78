"""The clinic's knowledge: the files in knowledge/ and the domain's responses."""
import os
from pathlib import Path

from miss_config.paths import DEFAULT_KNOWLEDGE_DIR


def knowledge_dir() -> Path:
    """MISS_KNOWLEDGE_DIR (a clinic's own copy), else <project>/knowledge."""
    return Path(os.environ.get("MISS_KNOWLEDGE_DIR", DEFAULT_KNOWLEDGE_DIR))
