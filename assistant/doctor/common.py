"""Where the doctor looks, and how it names a path in a problem."""
from pathlib import Path

from miss_config.paths import PROJECT_ROOT

VENV = PROJECT_ROOT / ".venv"
PYPROJECT = PROJECT_ROOT / "pyproject.toml"
FIND_PYTHON = PROJECT_ROOT / "scripts" / "find-python.sh"
CLINIC_FILE = PROJECT_ROOT / "knowledge" / "clinic.yml"
PIPELINE_PACKAGE = "en_miss_pipeline"


def relative(path: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(PROJECT_ROOT))
    except ValueError:
        return str(path)
