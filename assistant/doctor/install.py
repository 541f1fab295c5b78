"""Checks of what `make setup` and `make train` make: Python 3.10, the virtual
environment and its packages, the project's spaCy pipeline, a trained model."""
import glob
import json
import os
import re
import subprocess
from pathlib import Path
from typing import Dict, List, Mapping, Optional, Sequence, Tuple

from assistant.doctor.common import FIND_PYTHON, PIPELINE_PACKAGE, PROJECT_ROOT, PYPROJECT, relative

PIPELINE_SOURCES = ("miss_nlp/pipeline.py", "miss_nlp/terms.py")
# What `make train` trains from (the Makefile's TRAINING_INPUTS).
TRAINING_INPUTS = ("config.yml", "domain.yml", "data/*.yml", "miss_nlp/*.py")


def pinned_packages(pyproject: Path = PYPROJECT) -> Dict[str, Optional[str]]:
    """{package: pinned version or None} from pyproject.toml's dependencies and
    optional dependencies (the Makefile installs `.[test]`)."""
    pins: Dict[str, Optional[str]] = {}
    in_array = False
    section = ""
    for raw in pyproject.read_text(encoding="utf-8").splitlines():
        line = raw.split("#", 1)[0].strip()
        if line.startswith("[") and not in_array:
            section = line.strip("[]").strip()
            continue
        starts = re.match(r"^([\w-]+)\s*=\s*\[", line)
        if starts and (section == "project" and starts.group(1) == "dependencies"
                       or section == "project.optional-dependencies"):
            in_array = True
            line = line[starts.end():]
        if not in_array:
            continue
        for requirement in re.findall(r'"([^"]+)"', line):
            match = re.match(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*"
                             r"(?:==\s*([^\s;,]+))?", requirement)
            if match:
                pins[match.group(1).lower()] = match.group(2)
        if "]" in re.sub(r'"[^"]*"', "", line):
            in_array = False
    return pins


_VENV_PROBE = """
import json, sys
from importlib import metadata
found = {}
for name in sys.argv[1:]:
    try:
        found[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        found[name] = None
print(json.dumps({"python": "%d.%d.%d" % sys.version_info[:3], "packages": found}))
"""


def venv_info(venv: Path, names: Sequence[str], timeout: float = 30) -> Tuple[Optional[dict], str]:
    """(The venv's Python version and installed versions of ``names``, error)."""
    python = venv / "bin" / "python"
    if not python.exists():
        return None, "missing"
    try:
        done = subprocess.run([str(python), "-c", _VENV_PROBE, *names], capture_output=True,
                              text=True, timeout=timeout)
        if done.returncode == 0:
            return json.loads(done.stdout.strip().splitlines()[-1]), ""
        error = (done.stderr.strip().splitlines() or ["exit status %d" % done.returncode])[-1]
    except (OSError, subprocess.TimeoutExpired, ValueError, IndexError) as exc:
        error = str(exc)
    return None, error


def check_python(venv_python: Optional[str], find_python: Path = FIND_PYTHON,
                 env: Optional[Mapping[str, str]] = None) -> List[str]:
    """Python 3.10: the venv's, or one scripts/find-python.sh finds to create it."""
    if venv_python:
        if venv_python.startswith("3.10."):
            return []
        return [f".venv uses Python {venv_python}, Rasa 3.6 needs 3.10: remove it "
                "(rm -rf .venv) and run `make setup`"]
    try:
        done = subprocess.run(["bash", str(find_python)], capture_output=True, text=True,
                              timeout=20, env=dict(os.environ if env is None else env))
    except (OSError, subprocess.TimeoutExpired) as error:
        return [f"cannot run {relative(find_python)} ({error}): install bash, or set "
                "PYTHON=/path/to/python3.10"]
    if done.returncode == 0 and done.stdout.strip():
        return []
    message = " ".join(done.stderr.split()) or "No Python 3.10 found"
    if "PYTHON=" not in message:
        message += ": install Python 3.10 or set PYTHON=/path/to/python3.10"
    return [message]


def check_venv(venv: Path, info: Optional[dict], error: str = "") -> List[str]:
    if not (venv / "bin" / "python").exists():
        return [f"no virtual environment at {relative(venv)}: run `make setup` "
                "(`make run` also does it first)"]
    if info is None:
        return [f"{relative(venv)}/bin/python does not run ({error}): remove it "
                "(rm -rf .venv) and run `make setup`"]
    if not (venv / ".stamps" / "venv").exists():
        return [f"the installation into {relative(venv)} did not finish: run `make setup` "
                f"(its log: {relative(venv)}/pip.log)"]
    return []


def check_packages(pins: Mapping[str, Optional[str]],
                   installed: Mapping[str, Optional[str]]) -> List[str]:
    problems = []
    for name, wanted in pins.items():
        have = installed.get(name)
        if have is None:
            problems.append(f"{name} is not installed in .venv: run `make setup`")
        elif wanted and have != wanted:
            problems.append(f"{name} {have} is installed but pyproject.toml pins {wanted}: "
                            "run `make setup`")
    return problems


def check_spacy_pipeline(version: Optional[str], stamp: Path,
                         sources: Sequence[Path]) -> List[str]:
    if version is None:
        return [f"the spaCy pipeline {PIPELINE_PACKAGE} is not installed in .venv: "
                "run `make setup`"]
    if not stamp.exists():
        return [f"the spaCy pipeline {PIPELINE_PACKAGE} was not built by `make setup` "
                "here: run `make setup`"]
    newer = [p for p in sources if p.exists() and p.stat().st_mtime > stamp.stat().st_mtime]
    if newer:
        return [f"{relative(newer[0])} changed since the spaCy pipeline was built: "
                "run `make setup`, then `make train`"]
    return []


# --- Trained model -------------------------------------------------------------------

def training_inputs(root: Path = PROJECT_ROOT) -> List[Path]:
    files: List[Path] = []
    for pattern in TRAINING_INPUTS:
        files += sorted(Path(p) for p in glob.glob(str(root / pattern)))
    return files


def check_model(model: Path, inputs: Sequence[Path]) -> List[str]:
    """A model exists, is a gzip file, and is newer than what it is trained from
    (the rule `make run` uses to decide whether to train again)."""
    if not model.exists():
        return [f"no trained model at {relative(model)}: run `make train` "
                "(about 5 minutes; `make run` also trains first)"]
    with open(model, "rb") as handle:
        if handle.read(2) != b"\x1f\x8b":
            return [f"{relative(model)} is not a trained model (not a .tar.gz): "
                    "delete it and run `make train`"]
    trained = model.stat().st_mtime
    newer = sorted((p for p in inputs if p.exists() and p.stat().st_mtime > trained),
                   key=lambda p: -p.stat().st_mtime)
    if newer:
        more = f" and {len(newer) - 1} more" if len(newer) > 1 else ""
        return [f"the model is older than {relative(newer[0])}{more} (changed since training): "
                "run `make train`"]
    return []
