"""Whether the patient guide covers what a question asks about.

The guide's vocabulary is the article's own lemmas, the lexicon of patients' words for
them (miss_nlp.terms.LEXICON), and the words that come up again and again in the
training examples of the topics it answers. A question whose content words fall
outside that vocabulary asks about something the guide does not address ("can I
shower ...", "do I have to wear a brace"): the assistant names the subject and
sends the patient to their provider and the clinic instead of answering another topic.

Pure functions over spaCy tokens; miss_nlp.coverage_check is the Rasa component.
"""
import re
from collections import Counter
from typing import Dict, Iterable, List, Sequence, Set

from rapidfuzz import fuzz, process
from rapidfuzz.distance import Levenshtein

from miss_nlp.terms import CONDITIONS, LEXICON

# A content word must appear in this many topic examples to count as one the guide
# knows: a word of one patient's story ("bakery") does not.
MIN_EXAMPLES = 3
# Typos of known words ("recovry") are known words.
SIMILAR = 86
# Words the patient guide's subject can be asked about in: the question is about spine
# surgery, so an unknown word in it names something the guide leaves out.
DOMAIN_WORDS = {"surgery", "surgeon", "operation", "op", "spine", "spinal", "back", "disc",
                "disk", "miss", "procedure", "incision", "fusion", "discectomy",
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
                "heck", "hell", "pulling", "kidding", "joking"}
# The names of the operation itself: that a question names it says nothing of its subject.
OPERATION_NAMES = {"minimally", "invasive", "technique", "techniques", "endoscopic",
                   "tubular", "robotic", "imaging", "fusion", "surgical", "spinal",
                   "patient", "patients", "surgeons", "treatment", "treatments",
                   "intervention", "undergoing", "approach", "methods", "field"}
# Prepositions and joining words end the subject named in the reply.
_SUBJECT_ENDS = {"after", "before", "during", "for", "with", "when", "if", "while", "following",
                 "into", "onto", "from", "about",
                 "and", "or", "but", "because", "since", "until", "at", "in", "on", "post", "to",
                 # a new clause: "what TESTS do I need", "a special DIET that helps"
                 "do", "does", "did", "is", "are", "can", "will", "should", "would", "that",
                 "which", "who", "ever", "need", "needs", "have", "has", "be", "get", "gets",
                 # how it is judged: "is NAPROXEN ok"
                 "ok", "okay", "safe", "fine", "alright", "allowed", "normal", "good", "bad",
                 "better", "worse",
                 # when: "a sauna LAST year"
                 "last", "next", "every", "each", "ago"}
MAX_SUBJECT_WORDS = 4


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
        if len(lower) < 4:
            return False
        if len(lower) < 8:   # "skar", "surgary": one letter off a short word
            return process.extractOne(lower, self.words, scorer=Levenshtein.distance,
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


def subject_of(unknown: Sequence, context: Sequence = ()) -> str:
    """The patient's words for what a question the guide does not cover asks about: the
    phrase around its first unknown word, taken back to the verb it belongs to ("DRIVE
    MY OWN car", "SLEEP ON MY stomach", "SECOND opinion") and on as subject() goes.
    A word that says when or how ("FOREVER", "SHORTLY", "on THURSDAY") or reads as a
    past participle ("SWITCHED off") names nothing when another unknown word is there."""
    first = subject_word(unknown, context)
    doc = first.doc
    if all(t.i != first.i for t in unknown):
        return subject(first)   # a thing from the story: "we bought A SAUNA"
    start = first.i
    for _ in range(_MAX_BACK):
        before = doc[start - 1] if start else None
        if before is None or not before.is_alpha or before.lower_ in _STOPS_BACK or forms(
                before) & (DOMAIN_WORDS | FRAME_WORDS | ASKING_WORDS | OPERATION_NAMES):
            break
        start -= 1
        if not (before.is_stop or before.lower_ in _PREPOSITIONS):
            break   # one content word ("drive", "second") ends the phrase
    while start < first.i and (doc[start].lower_ in _LEADING or doc[start].lower_ in _PREPOSITIONS):
        start += 1
    rest = subject(first)
    head = [t.text for t in doc[start:first.i]]
    named = " ".join(head + [rest]) if head else rest
    return _as_an_activity(named, doc[start])


def _as_an_activity(named: str, first) -> str:
    """"can I FLY home" names flying, "allowed to SIT" sitting: a verb right after "to"
    or after a modal and its subject reads as the activity ("fly home" -> "flying home")."""
    doc, i = first.doc, first.i
    before = [t.lower_ for t in doc[max(0, i - 2):i]]
    after_to = before[-1:] == ["to"]
    after_modal = len(before) == 2 and before[0] in _MODALS and before[1] in _PERSONS
    word = first.lower_
    if not (after_to or after_modal) or not first.is_alpha or len(word) < 2 or not (
            named.lower().startswith(word)) or word.endswith("ing") or word in _NOT_VERBS:
        return named
    return _gerund(word) + named[len(word):]


def _gerund(verb: str) -> str:
    if verb.endswith("ie"):
        return verb[:-2] + "ying"   # lie -> lying
    if verb.endswith("e") and not verb.endswith(("ee", "ye", "oe")):
        return verb[:-1] + "ing"    # drive -> driving
    if (len(verb) <= 4 and len(verb) >= 3 and verb[-1] not in "aeiouwxy"
            and verb[-2] in "aeiou" and verb[-3] not in "aeiou"):
        return verb + verb[-1] + "ing"   # sit -> sitting, swim -> swimming
    return verb + "ing"


_MODALS = {"can", "could", "will", "would", "should", "may", "might", "do", "does", "ca", "wo"}
_PERSONS = {"i", "you", "he", "she", "we", "they"}
# Words after "to" that are no verbs ("back to WORK" is asked elsewhere; "to MIS").
_NOT_VERBS = {"mis", "miss", "me", "my", "the", "a", "an", "hospital", "work"}


def subject_word(unknown: Sequence, context: Sequence = ()):
    """The unknown word the subject is named from (see subject_of). When the question's
    unknown words only say when or how ("does it need to be SWITCHED off?"), a thing
    named elsewhere in the message ("I have A PACEMAKER") is the subject: the first
    ``context`` word that is not a word of asking."""
    named = next((t for t in unknown if not general_word(t)), None)
    if named is not None:
        return named
    thing = next((t for t in context if not general_word(t)), None)
    return thing if thing is not None else (list(unknown) + list(context))[0]


def after_a_determiner(token) -> bool:
    return token.i > 0 and token.doc[token.i - 1].lower_ in _LEADING


def names_a_thing(token) -> bool:
    """A word that reads as the name of a thing ("ibuprofen", "tub"), not as an action
    ("walking", "closed"). The pipeline has no tagger (no pretrained model can be
    installed), so this goes by the word's form: a lemma other than the word itself, or
    its plural, says it is a verb's form ("bought" is "buy"), and an adjective's ending
    says it describes ("unbearable", "nervous", "painful")."""
    lower, lemma = token.lower_, (token.lemma_ or token.lower_).lower()
    return not lower.endswith(("ing", "ed", "ly") + _ADJECTIVE_ENDINGS) and lower in (
        lemma, lemma + "s", lemma + "es")


_ADJECTIVE_ENDINGS = ("able", "ible", "ous", "ful", "less", "ive")


def general_word(token) -> bool:
    """A verb or a word of degree that any question uses around its subject ("USE it",
    "how do I CHECK", "how FAR"), or a word of when or how."""
    lower, lemma = token.lower_, (token.lemma_ or token.lower_).lower()
    return lower in _GENERAL or lemma in _GENERAL or says_when_or_how(token)


_GENERAL = {"use", "take", "stop", "keep", "get", "make", "do", "have", "try", "start",
            "wear", "change", "need", "want", "help", "let", "put", "give", "close", "go",
            "far", "near", "true", "sure", "fine", "avoid", "allow", "bother", "worth",
            "sign", "apply", "happen", "mean", "tell", "ask", "say", "think", "know",
            "check", "request", "submit", "tip", "tips", "advice", "practical", "special",
            "anything", "something", "insist", "pause", "continue", "hold", "skip",
            "reason", "cause", "problem", "problems", "issue", "matter", "common", "actual",
            "hour", "hours", "find", "come", "cancel", "leave", "handle", "book", "right",
            "way", "safe", "ok", "okay", "hundreds"}


def says_when_or_how(token) -> bool:
    lower = token.lower_
    return lower in _WHEN_WORDS or (lower.endswith("ly") and len(lower) > 4) or (
        lower.endswith("ed") and not lower.endswith("eed") and len(lower) > 4)


_WHEN_WORDS = {"forever", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday",
               "sunday", "january", "february", "march", "april", "june", "july", "august",
               "september", "october", "november", "december", "tomorrow", "tonight",
               "yesterday", "weekend", "afterwards", "afterward", "beforehand"}

_MAX_BACK = 4
# Going back from the unknown word stops at these: "can I | shower", "or | just numb".
_STOPS_BACK = {"i", "you", "he", "she", "we", "they", "it", "me", "him", "us", "them", "to",
               "and", "or", "but", "so", "just", "is", "are", "am", "was", "be", "do", "does",
               "did", "can", "could", "will", "would", "should", "may", "might", "have", "has",
               "had", "get", "got", "need", "take", "taking", "keep", "stop", "put", "let",
               "when", "how", "what", "why", "where", "who", "which", "if", "before", "after",
               "there", "then", "not", "no", "ok", "okay", "im", "i'm"}
_PREPOSITIONS = {"on", "in", "behind", "under", "into", "onto", "of", "about", "from", "by",
                 "with", "over", "through", "without"}
_LEADING = {"the", "a", "an", "any", "some", "this", "that", "these", "those", "my", "your",
            "his", "her", "their", "our", "own"}


def subject(first_unknown) -> str:
    """The patient's own words for the subject: the first unknown word and the few
    after it, up to a preposition or the end of the clause ("donate my own blood")."""
    doc = first_unknown.doc
    words = []
    for token in doc[first_unknown.i:first_unknown.i + MAX_SUBJECT_WORDS]:
        joined = token.i > first_unknown.i and not doc[token.i - 1].whitespace_ and (
            token.text == "-" or doc[token.i - 1].text == "-")   # "pre-op"
        if not joined and (token.is_punct or token.is_space or (words and (
                token.lower_ in _SUBJECT_ENDS or token.lower_ in DOMAIN_WORDS))):
            break
        words.append(token.text)
    while len(words) > 1 and doc[first_unknown.i + len(words) - 1].is_stop:
        words.pop()
    return re.sub(r" ?- ?", "-", " ".join(words))
