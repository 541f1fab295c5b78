"""Whether the patient guide covers what a question asks about.

The guide's vocabulary is the article's own lemmas, the lexicon of patients' words for
them (miss_nlp.terms.LEXICON), and the words that come up again and again in the
training examples of the topics it answers. A question whose content words fall
outside that vocabulary asks about something the guide does not address ("can I
shower ...", "do I have to wear a brace"): the assistant names the subject and
sends the patient to their provider and the clinic instead of answering another topic.

Pure functions over spaCy tokens; miss_nlp.subjects names what such a question asks
about, and miss_nlp.coverage_check is the Rasa component.
"""
from collections import Counter
from functools import lru_cache
from typing import Dict, Iterable, List, Sequence, Set

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA
from spellchecker import SpellChecker

from miss_nlp.terms import CONDITIONS, LEXICON

# A content word must appear in this many topic examples to count as one the guide
# knows: a word of one patient's story ("bakery") does not.
MIN_EXAMPLES = 3
# Typos of known words ("recovry") are known words.
SIMILAR = 86
# ... but a word English uses this often (in pyspellchecker's English word counts) is
# itself, not a typo: "wine" is not "wide", nor "glass" "class".
COMMON_WORD_COUNT = 1000
# Words the patient guide's subject can be asked about in: the question is about spine
# surgery, so an unknown word in it names something the guide leaves out.
DOMAIN_WORDS = {"surgery", "surgeon", "operation", "op", "spine", "spinal", "back", "disc",
                "disk", "miss", "mis", "procedure", "incision", "fusion", "discectomy",
                "microdiscectomy", "operate", "operated", "postop", "lumbar", "cervical",
                "vertebra", "sciatica", "stenosis"}
# Words that say what kind of question it is (when, how long, is it allowed), not
# what it is about: "how SOON can I shower" asks about showering.
FRAME_WORDS = {"long", "longer", "soon", "sooner", "time", "times", "quick", "quicker",
               "quickly", "fast", "faster", "early", "earlier", "late", "later", "many",
               "much", "able", "allowed", "allow", "safe", "okay", "normal", "possible",
               "need", "needs", "day", "days", "week", "weeks", "month", "months", "year",
               "years", "start", "stay", "stays", "way", "often", "lead", "report",
               "include", "provide", "offering", "require", "requires", "overall", "even",
               "significant", "greater", "potential", "life", "home", "return", "go"}
# Words of asking and explaining, known whatever the subject ("could you DEFINE MISS").
ASKING_WORDS = {"define", "definition", "explain", "explanation", "describe", "refer",
                "mean", "meaning", "sort", "kind", "type", "exactly", "basically",
                "actually", "online", "read", "heard", "told", "understand", "simple",
                "plain", "layman", "beginner", "english", "word", "term", "thing", "stuff",
                "question", "questions", "info", "information", "details", "true", "real",
                "really", "fancy", "label", "idea", "wonder", "curious", "google", "googled",
                "website", "article", "leaflet", "brochure", "internet", "friend", "neighbour",
                "neighbor", "mum", "mom", "dad", "husband", "wife", "son", "daughter", "sister",
                "brother", "grandma", "grandad", "grandpa", "dear", "thanks", "please", "hello",
                "doctor", "doc", "gp", "nurse", "consultant", "clinic", "lol", "thx", "pls",
                "spell", "break", "nowadays", "certain", "awkward", "silly", "stupid", "dumb",
                "embarrassing", "random", "personal", "personally", "agree", "agreeing",
                # Who, and how frankly: "can ANYBODY get it", "please be HONEST"
                "anybody", "anyone", "everybody", "everyone", "somebody", "someone",
                "honest", "honestly", "frankly", "truthfully", "believe", "exist", "exists",
                # How big a thing is, or doubt about it: "is XLIF a MAJOR surgery", "a GIMMICK?"
                "major", "minor", "gimmick", "hype", "fad", "scam",
                # Chat fillers and exclamations: "plz", "what ON EARTH", "is he PULLING my leg"
                "plz", "pleeease", "lmao", "haha", "omg", "tbh", "idk", "btw", "ugh", "earth",
                "gon", "wan", "gonna", "wanna", "gotta",
                "heck", "hell", "pulling", "kidding", "joking"}
# The names of the operation itself: that a question names it says nothing of its subject.
OPERATION_NAMES = {"minimally", "invasive", "technique", "techniques", "endoscopic",
                   "tubular", "robotic", "imaging", "fusion", "surgical", "spinal",
                   "patient", "patients", "surgeons", "treatment", "treatments",
                   "intervention", "undergoing", "approach", "methods", "field"}
def content(tokens: Iterable) -> List:
    return [t for t in tokens
            if t.is_alpha and not t.is_stop and len(t.text) > 2 and not t.like_num]


def forms(token) -> Set[str]:
    return {token.lower_, (token.lemma_ or token.lower_).lower()}


def vocabulary(article_tokens: Iterable, examples: Iterable[Iterable]) -> Dict:
    """The words the guide knows (the article's, the lexicon's, and those of at least
    ``MIN_EXAMPLES`` topic examples), the article's own (with the lexicon's, not the
    examples'), and its subjects: the article's own content words and the lexicon's
    words for them, less the words every question uses ("long", "safe") and the names
    of the operation itself."""
    article: Set[str] = set()
    subjects: Set[str] = set()
    for token in article_tokens:
        article |= forms(token)
    for token in content(article_tokens):
        subjects |= forms(token)
    for word, meaning in LEXICON.items():
        article.add(word)
        article.update(meaning.split())
        if not set(meaning.split()) & OPERATION_NAMES:
            subjects.add(word)
    counts: Counter = Counter()
    for example in examples:
        counts.update({f for t in content(example) for f in forms(t)})
    known = article | {word for word, n in counts.items() if n >= MIN_EXAMPLES}
    # The conditions the entity ruler tags are what "conditions treated" answers about.
    known |= {word for term in CONDITIONS for word in term.split()}
    return {"known": sorted(known), "article": sorted(article),
            "subjects": sorted(subjects - DOMAIN_WORDS - FRAME_WORDS - OPERATION_NAMES)}


class Guide:
    def __init__(self, vocabulary: Dict) -> None:
        self.words = set(vocabulary.get("known") or [])
        self._exact = self.words | ASKING_WORDS | FRAME_WORDS   # once, not for every token
        self.subjects = set(vocabulary.get("subjects") or [])
        # The article's own words (and the lexicon's), without those of the topic examples:
        # a recovery question is the surgeon's team's to answer whatever it asks, so its
        # reply can name any subject the article leaves out ("when can I DRIVE").
        self._article = set(vocabulary.get("article") or self.words) | ASKING_WORDS | FRAME_WORDS
        self._by_first = {}
        for word in self.words:
            self._by_first.setdefault(word[:1], []).append(word)

    def knows(self, token) -> bool:
        if forms(token) & self._exact:
            return True
        lower = token.lower_
        if len(lower) < 4 or is_a_common_word(lower):
            return False
        # "skar", "surgary", "tiem": one letter off a short word, or two letters swapped
        if len(lower) < 8:
            return process.extractOne(lower, self.words, scorer=OSA.distance,
                                      score_cutoff=1) is not None
        return process.extractOne(lower, self._by_first.get(lower[:1], []), scorer=fuzz.ratio,
                                  score_cutoff=SIMILAR) is not None

    def unknown(self, tokens: Iterable) -> List:
        return [t for t in content(tokens) if not self.knows(t)]

    def outside_the_article(self, tokens: Iterable) -> List:
        """The content words the article itself does not use (spelled as written)."""
        return [t for t in content(tokens) if not forms(t) & self._article
                and not (self.knows(t) and not forms(t) & self._exact)]   # not a typo

    def names_a_subject(self, tokens: Iterable) -> bool:
        return any(forms(t) & self.subjects for t in content(tokens))

    def not_covered(self, tokens: Sequence) -> List:
        """The unknown words of a question that names none of the guide's subjects;
        empty when the guide covers it."""
        unknown = self.unknown(tokens)
        if not unknown or self.names_a_subject(tokens):
            return []
        return unknown


def is_a_common_word(word: str) -> bool:
    return _english_counts().get(word, 0) >= COMMON_WORD_COUNT


@lru_cache(maxsize=1)
def _english_counts() -> Dict[str, int]:
    return SpellChecker(language="en").word_frequency.dictionary


def about_spine_surgery(tokens: Iterable) -> bool:
    """Whether the message is about spine surgery at all: it names the operation, the
    spine, a technique ("TLIF", "keyhole"), or what goes with having one (the hospital,
    the anaesthetic, the screws)."""
    return any(forms(t) & (DOMAIN_WORDS | SURGERY_CONTEXT)
               or set(LEXICON.get(t.lower_, "").split()) & OPERATION_NAMES for t in tokens)


# Words of having an operation, beside the words of the operation itself.
# Not "recovery" or "healing": "how long is the recovery from a hip replacement?" is not.
SURGERY_CONTEXT = {"hospital", "anaesthetic", "anesthetic", "anaesthesia", "anesthesia",
                   "screws", "screw", "rods", "rod", "cage", "implant", "implants", "hardware",
                   "operative", "postoperative", "preoperative", "surg", "surgical",
                   "stitches", "discharge", "discharged", "admission", "admitted", "ward"}
# (The techniques' names, "TLIF", "laminectomy", come from the lexicon.)


def names_the_operation(token) -> bool:
    """"operation", "hospital", "TLIF": a word of the operation or of having one, which
    names no subject of its own."""
    return bool(forms(token) & (DOMAIN_WORDS | OPERATION_NAMES | SURGERY_CONTEXT)
                or set(LEXICON.get(token.lower_, "").split()) & OPERATION_NAMES)
