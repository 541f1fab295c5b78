"""Builds the project's spaCy pipeline and installs it as a package.

No pretrained spaCy model can be downloaded on the machines this runs on, so the
pipeline is made here: blank English, the lookup lemmatizer from
spacy-lookups-data, and an entity ruler for the article's terms. It is installed
as the package ``en_miss_pipeline`` so that ``SpacyNLP`` finds it by name from any
working directory.

    python -m miss_nlp.pipeline        # build, package and pip-install
"""
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import spacy

from miss_nlp import PIPELINE_PACKAGE
from miss_nlp.terms import LABELS

PIPELINE_NAME = PIPELINE_PACKAGE.split("_", 1)[1]
PIPELINE_VERSION = "1.1.0"


def build_pipeline() -> "spacy.language.Language":
    nlp = spacy.blank("en")
    nlp.meta.update(
        name=PIPELINE_NAME,
        version=PIPELINE_VERSION,
        description="Blank English with sentences, lookup lemmas and spine-surgery entity ruler",
        author="MISS assistant",
        license="MIT",
    )
    # Sentence boundaries from punctuation: a question at the end of a long story
    # decides the topic (miss_nlp.asks).
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("lemmatizer", config={"mode": "lookup"})
    ruler = nlp.add_pipe("entity_ruler", config={"phrase_matcher_attr": "LOWER"})
    # initialize() empties the ruler, so its patterns go in afterwards.
    nlp.initialize()
    ruler.add_patterns(
        [{"label": label, "pattern": term} for label, terms in LABELS.items() for term in terms]
    )
    return nlp


def install(python: str = sys.executable) -> None:
    nlp = build_pipeline()
    with tempfile.TemporaryDirectory() as tmp:
        model_dir = Path(tmp) / "model"
        package_dir = Path(tmp) / "package"
        package_dir.mkdir()
        nlp.to_disk(model_dir)
        # `python -m spacy package` fails in Rasa's venv (click/typer versions);
        # the function underneath works.
        from spacy.cli.package import package

        package(model_dir, package_dir, create_sdist=False, create_wheel=False, silent=True)
        source = next(package_dir.iterdir())
        subprocess.run(
            [python, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
             "--force-reinstall", str(source)],
            check=True,
        )
        shutil.rmtree(source, ignore_errors=True)
    print(f"installed spaCy pipeline {PIPELINE_PACKAGE} {PIPELINE_VERSION}")


if __name__ == "__main__":
    install()
