"""Reading the project's YAML files.

libyaml's safe loader, when PyYAML was built with it, gives the same data as
``yaml.safe_load`` (``python -m assistant.served_sameness`` checks every triage set) in
about a tenth of the time: 0.5 s against 5 s for the triage sets, 1 s against 11 s for
the training data. PyYAML is imported on first use, so `make doctor` can import this
module before anything is installed.
"""
from pathlib import Path
from typing import Any


def read_yaml(path: Path) -> Any:
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(Path(path).read_text("utf-8"), Loader=loader)
