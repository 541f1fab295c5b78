"""Where the project's knowledge files live.

Found from this file, not the working directory, so actions work wherever the
action server is started. MISS_KNOWLEDGE_DIR points a clinic at its own copy.
"""
import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def knowledge_dir() -> Path:
    return Path(os.environ.get("MISS_KNOWLEDGE_DIR", PROJECT_ROOT / "knowledge"))
