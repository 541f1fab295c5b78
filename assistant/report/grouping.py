"""Groups the same question asked in different words.

Each distinct phrasing (already redacted, see ``analysis.Phrases``) is reduced to
its content lemmas with the project's spaCy pipeline (``en_miss_pipeline``: the
lookup lemmatizer), without stop words, without the words nearly every question
here holds ("surgery", "spine", "back": ``TOPIC_WORDS``) and without words that
only make a question of it ("can", "need", "after").
"braces" and "brace" become "brace"; "operation" and "op" count as
"surgery".

Phrasings are then weighted by TF-IDF and grouped greedily, most asked first: a
phrasing joins the group whose centroid is most similar (cosine) if that
similarity reaches ``threshold``, else it starts a group of its own. Candidate
groups are found through an inverted index of their lemmas, so the work grows
with the number of phrasings times the few groups that share a word with each,
not with the square of the phrasings. Phrasings with no content word at all
("what about that?") are grouped only with the same words.
"""
import math
import re
from collections import Counter
from functools import lru_cache
from typing import Callable, Dict, Iterable, List, Optional, Sequence, Set

DEFAULT_THRESHOLD = 0.45
# Candidate groups come from the phrasing's rarest words only.
CANDIDATE_TERMS = 4

# Words nearly every question here holds: sharing them says nothing of the subject.
TOPIC_WORDS = frozenset("""
    approach back invasive method minimally mis miss patient spinal spine surgeon surgery
    surgical technique traditional treatment
""".split())
# Words that make a sentence a question or a request but say nothing of its subject.
QUESTION_WORDS = frozenset("""
    able about actually after afterward afterwards again allow allowed also anyone anything
    ask bad before can could day dear do doctor does done ever feel fine get give go going
    good hello help hey hi just know let like long look lot make matter may maybe mean
    might much must need normal now ok okay one please possible question really right say
    see shall should simple sir someone something soon sorry start still sure take tell
    thank thanks thing think time today tomorrow try use want way week well will wonder
    work would yes
""".split()) | frozenset(
    # How to reach the patient: said around the details that redaction removes.
    "birth birthday born call contact date dob email mail number phone reach text".split())
# What log_redaction.redact() puts in place of a phone number, e-mail address or date.
_PLACEHOLDER = re.compile(r"\[(?:phone|email|date)\]")
SYNONYMS = {"operation": "surgery", "op": "surgery", "procedure": "surgery", "surgical": "surgery",
            "operate": "surgery", "operated": "surgery", "post": "", "op.": "surgery"}

Lemmatizer = Callable[[Sequence[str]], List[List[str]]]


@lru_cache(maxsize=1)
def spacy_lemmatizer() -> Lemmatizer:
    """Lemmas with the project's spaCy pipeline (lookup lemmatizer), lower-cased."""
    import spacy
    from spacy.lang.en.stop_words import STOP_WORDS

    from miss_nlp import PIPELINE_PACKAGE

    try:
        nlp = spacy.load(PIPELINE_PACKAGE, exclude=["entity_ruler", "ner", "parser"])
    except OSError:  # not installed: spaCy's English tokenizer, words as they are
        nlp = spacy.blank("en")
    stop = set(STOP_WORDS)

    def lemmatize(texts: Sequence[str]) -> List[List[str]]:
        result = []
        for doc in nlp.pipe((t.lower() for t in texts), batch_size=1000):
            words = []
            for token in doc:
                if not token.is_alpha or len(token.text) < 2:
                    continue
                lemma = (token.lemma_ or token.text).lower()
                if lemma in stop or token.text in stop:
                    continue
                words.append(lemma)
            result.append(words)
        return result

    return lemmatize


def content_terms(lemmas: Iterable[str], drop: frozenset) -> List[str]:
    terms = []
    for lemma in lemmas:
        lemma = SYNONYMS.get(lemma, lemma)
        if lemma and lemma not in drop and lemma not in QUESTION_WORDS:
            terms.append(lemma)
    return terms


def group(texts: Sequence[str], weights: Optional[Sequence[int]] = None,
          threshold: float = DEFAULT_THRESHOLD,
          lemmatizer: Optional[Lemmatizer] = None) -> List[List[int]]:
    """Groups ``texts`` (distinct phrasings); returns lists of their indexes.

    ``weights`` (how often each was asked) decides the order they are taken in:
    the most asked phrasing of a group founds it. Groups come out in no
    particular order."""
    n = len(texts)
    if n == 0:
        return []
    weights = list(weights) if weights is not None else [1] * n
    lemmatize = lemmatizer or spacy_lemmatizer()
    drop = TOPIC_WORDS
    cleaned = [_PLACEHOLDER.sub(" ", t) for t in texts]
    terms = [content_terms(lemmas, drop) for lemmas in lemmatize(cleaned)]

    # TF-IDF over the distinct phrasings, sublinear term frequency, L2 norm.
    df: Counter = Counter()
    for words in terms:
        df.update(set(words))
    idf = {t: math.log((1 + n) / (1 + f)) + 1.0 for t, f in df.items()}
    vectors: List[Dict[str, float]] = []
    for words in terms:
        tf = Counter(words)
        vec = {t: (1.0 + math.log(c)) * idf[t] for t, c in tf.items()}
        norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
        vectors.append({t: v / norm for t, v in vec.items()})

    order = sorted(range(n), key=lambda i: (-weights[i], len(texts[i]), texts[i]))
    sums: List[Dict[str, float]] = []    # each group's summed member vectors
    norms2: List[float] = []             # their squared norms
    members: List[List[int]] = []
    postings: Dict[str, Set[int]] = {}
    by_words: Dict[str, int] = {}        # phrasings without content words
    for i in order:
        vec = vectors[i]
        if not vec:
            key = re.sub(r"\W+", " ", texts[i].lower()).strip()
            g = by_words.get(key)
            if g is None:
                g = by_words[key] = len(members)
                members.append([])
                sums.append({})
                norms2.append(0.0)
            members[g].append(i)
            continue
        rare = sorted(vec, key=lambda t: (-idf[t], t))[:CANDIDATE_TERMS]
        candidates: Set[int] = set()
        for t in rare:
            candidates |= postings.get(t, set())
        best, best_sim = -1, 0.0
        for g in candidates:
            s = sums[g]
            dot = sum(v * s.get(t, 0.0) for t, v in vec.items())
            sim = dot / math.sqrt(norms2[g]) if norms2[g] > 0 else 0.0
            if sim > best_sim or (sim == best_sim and g < best):
                best, best_sim = g, sim
        if best < 0 or best_sim < threshold:
            best = len(members)
            members.append([])
            sums.append({})
            norms2.append(0.0)
        s = sums[best]
        for t, v in vec.items():
            old = s.get(t, 0.0)
            s[t] = old + v
            norms2[best] += (old + v) ** 2 - old ** 2
            postings.setdefault(t, set()).add(best)
        members[best].append(i)
    return [m for m in members if m]
