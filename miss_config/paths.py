"""Where the project is on disk: the one definition of its root.

Found from this file, not the working directory, so every server and tool
finds the same files wherever it is started."""
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DOMAIN_FILE = PROJECT_ROOT / "domain.yml"
MODEL = PROJECT_ROOT / "models" / "miss-assistant.tar.gz"
DEFAULT_KNOWLEDGE_DIR = PROJECT_ROOT / "knowledge"
DEFAULT_DATA_DIR = PROJECT_ROOT / "var"
# The triage model's phrasings: the tuning sets and the files written to train it.
TRIAGE_PHRASINGS_DIR = PROJECT_ROOT / "data" / "triage"
