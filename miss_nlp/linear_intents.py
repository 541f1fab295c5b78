"""A TF-IDF + logistic-regression intent model, kept as plain arrays.

Pure numpy/scipy/scikit-learn, no Rasa: the Rasa component in
``miss_nlp.components`` wraps it. Word n-grams run over spaCy lemmas (so "hurts",
"hurting" and "hurt" are one feature), character n-grams over the raw lowercased
text (so typos still share most of their features).
"""
import json
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Tuple

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
from sklearn.linear_model import LogisticRegression

WORD_NGRAMS = (1, 2)
CHAR_NGRAMS = (2, 5)
# Up to this many texts are scored one by one (see _scores); more go through the
# sparse matrices, which pay off for a whole evaluation file.
SMALL_BATCH = 8


def _vectorizers(word_vocab=None, char_vocab=None) -> Tuple[CountVectorizer, CountVectorizer]:
    words = CountVectorizer(ngram_range=WORD_NGRAMS, token_pattern=r"(?u)\b\w+\b",
                            vocabulary=word_vocab)
    chars = CountVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS, vocabulary=char_vocab)
    return words, chars


def _tfidf(counts: sparse.csr_matrix, idf: np.ndarray) -> sparse.csr_matrix:
    """Sublinear tf times idf, rows scaled to unit length (as TfidfVectorizer does)."""
    tf = counts.astype(np.float64).tocsr()
    tf.data = 1.0 + np.log(tf.data)
    weighted = tf.multiply(idf).tocsr()
    norms = np.sqrt(weighted.multiply(weighted).sum(axis=1)).A.ravel()
    norms[norms == 0] = 1.0
    return sparse.csr_matrix(weighted.multiply(1.0 / norms[:, None]))


@dataclass
class LinearIntentModel:
    classes: List[str]
    word_vocab: Dict[str, int]
    char_vocab: Dict[str, int]
    word_idf: np.ndarray
    char_idf: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray

    @classmethod
    def fit(cls, lemma_texts: Sequence[str], raw_texts: Sequence[str],
            labels: Sequence[str], c: float = 10.0, seed: int = 42,
            class_weight: Optional[str] = None) -> "LinearIntentModel":
        idf_words = TfidfVectorizer(ngram_range=WORD_NGRAMS, token_pattern=r"(?u)\b\w+\b",
                                    sublinear_tf=True).fit(lemma_texts)
        idf_chars = TfidfVectorizer(analyzer="char_wb", ngram_range=CHAR_NGRAMS,
                                    sublinear_tf=True).fit(raw_texts)
        model = cls(
            classes=[], word_vocab={k: int(v) for k, v in idf_words.vocabulary_.items()},
            char_vocab={k: int(v) for k, v in idf_chars.vocabulary_.items()},
            word_idf=idf_words.idf_, char_idf=idf_chars.idf_,
            coef=np.zeros(0), intercept=np.zeros(0),
        )
        features = model.features(lemma_texts, raw_texts)
        # Newton-CG reaches the same optimum as the default L-BFGS (the problem is strictly
        # convex; probabilities within 0.0002 on the training data) in about 20 steps
        # instead of about 200, which halves the two classifiers' share of `make train`.
        clf = LogisticRegression(C=c, max_iter=3000, random_state=seed, class_weight=class_weight,
                                 solver="newton-cg")
        clf.fit(features, list(labels))
        model.classes = [str(c) for c in clf.classes_]
        model.coef, model.intercept = clf.coef_, clf.intercept_
        return model

    def __post_init__(self) -> None:
        # Built once: a CountVectorizer checks its whole vocabulary on first use.
        self._vectorizers: Optional[Tuple[CountVectorizer, CountVectorizer]] = None
        self._analyzers: Optional[Tuple[Callable, Callable]] = None
        self._coef_rows: Optional[np.ndarray] = None

    def features(self, lemma_texts: Sequence[str], raw_texts: Sequence[str]) -> sparse.csr_matrix:
        if self._vectorizers is None:
            self._vectorizers = _vectorizers(self.word_vocab, self.char_vocab)
        words, chars = self._vectorizers
        return sparse.hstack([
            _tfidf(words.transform(lemma_texts), self.word_idf),
            _tfidf(chars.transform(raw_texts), self.char_idf),
        ]).tocsr()

    def predict_proba(self, lemma_texts: Sequence[str], raw_texts: Sequence[str]) -> np.ndarray:
        if len(lemma_texts) <= SMALL_BATCH:
            scores = np.array([self._scores(lemma, raw)
                               for lemma, raw in zip(lemma_texts, raw_texts)])
        else:
            scores = np.asarray(self.features(lemma_texts, raw_texts) @ self.coef.T
                                + self.intercept)
        if scores.size == 0:
            return scores.reshape(0, len(self.classes))
        scores -= scores.max(axis=1, keepdims=True)
        exp = np.exp(scores)
        return exp / exp.sum(axis=1, keepdims=True)

    def _scores(self, lemma_text: str, raw_text: str) -> np.ndarray:
        """One message's class scores, the same sums as the sparse path, without
        building sparse matrices (a served message is one text, a few at most)."""
        if self._analyzers is None:
            words, chars = _vectorizers(self.word_vocab, self.char_vocab)
            self._analyzers = (words.build_analyzer(), chars.build_analyzer())
            self._coef_rows = np.ascontiguousarray(self.coef.T)
        word_analyzer, char_analyzer = self._analyzers
        scores = self.intercept.astype(np.float64).copy()
        offset = len(self.word_vocab)
        for analyzer, vocab, idf, start in ((word_analyzer, self.word_vocab, self.word_idf, 0),
                                            (char_analyzer, self.char_vocab, self.char_idf,
                                             offset)):
            counts = Counter(i for i in map(vocab.get, analyzer(
                lemma_text if start == 0 else raw_text)) if i is not None)
            if not counts:
                continue
            index = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
            weights = (1.0 + np.log(np.fromiter(counts.values(), dtype=np.float64,
                                                count=len(counts)))) * idf[index]
            weights /= np.sqrt(np.dot(weights, weights))
            scores += weights @ self._coef_rows[index + start]
        return scores

    def save(self, directory: Path) -> None:
        (directory / "linear_intents.json").write_text(json.dumps(
            {"classes": self.classes, "word_vocab": self.word_vocab,
             "char_vocab": self.char_vocab}), encoding="utf-8")
        np.savez(directory / "linear_intents.npz", word_idf=self.word_idf,
                 char_idf=self.char_idf, coef=self.coef, intercept=self.intercept)

    @classmethod
    def load(cls, directory: Path) -> "LinearIntentModel":
        meta = json.loads((directory / "linear_intents.json").read_text(encoding="utf-8"))
        arrays = np.load(directory / "linear_intents.npz")
        return cls(classes=meta["classes"], word_vocab=meta["word_vocab"],
                   char_vocab=meta["char_vocab"], word_idf=arrays["word_idf"],
                   char_idf=arrays["char_idf"], coef=arrays["coef"],
                   intercept=arrays["intercept"])
