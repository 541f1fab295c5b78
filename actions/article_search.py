"""Searching the patient article when the classifier is unsure.

The article is split into sentences; the query and the sentences are reduced to
spaCy lemmas without stop words and ranked with BM25. A sentence is only offered
when it shares enough specific words with the question. Words that appear in
nearly every sentence ("surgery", "spine") carry almost no weight in BM25 and
are not counted as evidence, so "knee surgery recovery" does not match an
article sentence about spine surgery recovery by "surgery" alone.
"""
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, List, Optional, Sequence

from miss_config.knowledge import article_text

# Words every passage is about: matching them says nothing about relevance.
TOPIC_WORDS = frozenset(
    {"minimally", "invasive", "spine", "spinal", "surgery", "surgical", "miss", "patient",
     "back", "approach", "technique", "traditional", "method", "treatment"}
)

# What an offered passage must share with the question.
MIN_SHARED_TERMS = 2
MIN_COVERAGE = 0.6

Lemmatizer = Callable[[str], List[str]]


def split_passages(text: str) -> List[str]:
    """The article's sentences, title and empty lines dropped."""
    paragraphs = [p.strip() for p in text.split("\n") if p.strip()]
    body = [p for p in paragraphs if re.search(r"[.!?]$", p)]
    sentences: List[str] = []
    for paragraph in body:
        sentences += [s.strip() for s in re.split(r"(?<=[.!?])\s+", paragraph) if s.strip()]
    return sentences


@dataclass(frozen=True)
class Match:
    passage: str
    score: float
    shared: Sequence[str]
    coverage: float


class ArticleIndex:
    """BM25 over the article's sentences."""

    def __init__(self, passages: Sequence[str], lemmatize: Lemmatizer,
                 k1: float = 1.5, b: float = 0.75) -> None:
        self.passages = list(passages)
        self.lemmatize = lemmatize
        self.k1, self.b = k1, b
        self.docs = [Counter(lemmatize(p)) for p in self.passages]
        self.avg_len = sum(sum(d.values()) for d in self.docs) / max(len(self.docs), 1)
        df = Counter(term for doc in self.docs for term in doc)
        n = len(self.docs)
        self.idf = {t: math.log(1 + (n - f + 0.5) / (f + 0.5)) for t, f in df.items()}

    def _bm25(self, query: Iterable[str], doc: Counter) -> float:
        length = sum(doc.values())
        score = 0.0
        for term in query:
            tf = doc.get(term, 0)
            if tf:
                norm = tf + self.k1 * (1 - self.b + self.b * length / self.avg_len)
                score += self.idf[term] * tf * (self.k1 + 1) / norm
        return score

    def search(self, question: str) -> List[Match]:
        terms = set(self.lemmatize(question))
        specific = terms - TOPIC_WORDS
        matches = []
        for passage, doc in zip(self.passages, self.docs):
            shared = sorted(specific & set(doc))
            coverage = len(shared) / len(specific) if specific else 0.0
            matches.append(Match(passage, self._bm25(terms, doc), shared, coverage))
        return sorted(matches, key=lambda m: m.score, reverse=True)

    def best(self, question: str) -> Optional[Match]:
        """The best passage if it answers well enough, else None."""
        for match in self.search(question)[:3]:
            if len(match.shared) >= MIN_SHARED_TERMS and match.coverage >= MIN_COVERAGE:
                return match
        return None


def spacy_lemmatizer() -> Lemmatizer:
    import spacy
    from spacy.lang.en.stop_words import STOP_WORDS

    from miss_nlp import PIPELINE_PACKAGE

    nlp = spacy.load(PIPELINE_PACKAGE)

    def lemmatize(text: str) -> List[str]:
        return [
            t.lemma_.lower()
            for t in nlp(text.lower())
            if t.is_alpha and len(t) > 1 and t.lemma_.lower() not in STOP_WORDS
        ]

    return lemmatize


@lru_cache(maxsize=1)
def article_index() -> ArticleIndex:
    return ArticleIndex(split_passages(article_text()), spacy_lemmatizer())
