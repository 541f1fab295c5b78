"""The plain baseline every evaluation compares with: TF-IDF (word 1-2 + char 2-5)
and logistic regression, fitted on the same NLU examples `rasa train` reads.

Fitting it takes about 45 s, so the fitted baseline is kept under models/, named
after what it was fitted on (the examples, the pipeline's parameters and
scikit-learn's version): `make train` fits it once after the model, and every
evaluation and test session after that loads it in under a second.

    python -m assistant.baseline      # fit it now unless an identical fit is kept
"""
import hashlib
import json
import os
import sys
from functools import lru_cache
from pathlib import Path
from typing import List, Sequence, Tuple

from miss_config.paths import PROJECT_ROOT

KEPT_IN = PROJECT_ROOT / "models"
OUT_OF_SCOPE = "out_of_scope"
DECLINED = "declined"


def training_examples() -> List[Tuple[str, str]]:
    """(text, intent) for every NLU example under data/, as `rasa train` reads them."""
    from rasa.shared.nlu.training_data.loading import load_data

    return [(m.get("text"), m.get("intent"))
            for path in sorted((PROJECT_ROOT / "data").glob("nlu*.yml"))
            for m in load_data(str(path)).intent_examples]


def unfitted():
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline, make_union

    return make_pipeline(
        make_union(
            TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, lowercase=True),
            TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 5), sublinear_tf=True),
        ),
        LogisticRegression(max_iter=2000, C=10),
    )


def fit(train: Sequence[Tuple[str, str]]):
    model = unfitted()
    model.fit([t for t, _ in train], [i for _, i in train])
    return model


def fingerprint(train: Sequence[Tuple[str, str]]) -> str:
    import sklearn

    described = json.dumps([list(train), repr(unfitted()), sklearn.__version__])
    return hashlib.sha256(described.encode()).hexdigest()[:16]


def kept_path(train: Sequence[Tuple[str, str]], folder: Path = KEPT_IN) -> Path:
    return folder / f"baseline-{fingerprint(train)}.joblib"


def fitted(train: Sequence[Tuple[str, str]], folder: Path = KEPT_IN):
    """The baseline fitted on ``train``: loaded if an identical fit is kept in
    ``folder``, else fitted and kept there (older fits are removed)."""
    import joblib

    path = kept_path(train, folder)
    if path.exists():
        return joblib.load(path)
    model = fit(train)
    folder.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial")
    joblib.dump(model, partial)
    for older in folder.glob("baseline-*.joblib"):
        if older != path:
            older.unlink(missing_ok=True)
    partial.replace(path)   # whole or not at all, also when two processes fit at once
    return model


@lru_cache(maxsize=1)
def fitted_on_training_data():
    return fitted(training_examples())


def predict(model, texts: Sequence[str]) -> List[str]:
    """The baseline's intent for each text; out of scope counts as declined."""
    return [DECLINED if p == OUT_OF_SCOPE else p for p in model.predict(list(texts))]


def main() -> int:
    train = training_examples()
    path = kept_path(train)
    if path.exists():
        print(f"Baseline already fitted on these {len(train)} examples: "
              f"{path.relative_to(PROJECT_ROOT)}")
        return 0
    print(f"Fitting the TF-IDF + LR baseline on {len(train)} examples (about 45 s)...", flush=True)
    fitted(train)
    print(f"Kept in {path.relative_to(PROJECT_ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
