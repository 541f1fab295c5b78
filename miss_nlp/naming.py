"""How the "not covered" decision names what a question asks about: the
``not_covered_subject`` entity, in the patient's words (miss_nlp/subjects.py), for a
declined question and for a recovery question about something the guide leaves out."""
from typing import List, Optional, Sequence

from rasa.shared.nlu.constants import (
    ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE, EXTRACTOR,
)
from rasa.shared.nlu.training_data.message import Message

from miss_nlp import asks, coverage, subjects, triage
from miss_nlp.terms import LEXICON

SUBJECT_ENTITY = "not_covered_subject"


def question_of(doc) -> List:
    """The tokens of the message's question clauses (miss_nlp.asks)."""
    return [t for clause in asks.question_clauses(doc) for t in clause]


def a_thing(token) -> bool:
    """A word naming a thing ("bio oil", "hot tub"), not an action or a general word."""
    return subjects.names_a_thing(token) and not subjects.general_word(token)


def _a_verb_or_a_person(token) -> bool:
    """"will I WAKE up", "put me to SLEEP": a word after a person or "to" is a verb
    (the pipeline has no tagger); "do PEOPLE need" names who, not what."""
    before = token.doc[token.i - 1].lower_ if token.i else ""
    return before in _PERSON_OR_TO or token.lower_ in triage.vocabulary().general_subjects


_PERSON_OR_TO = {"i", "you", "he", "she", "we", "they", "it", "to", "me", "him", "her", "them"}


def outside_the_article(tokens: List, guide: "coverage.Guide") -> List:
    """Words the article never uses that name something ("titanium", not "operation")."""
    return [t for t in guide.outside_the_article(tokens) if not subjects.general_word(t)
            and not coverage.names_the_operation(t)]


def name_the_subject_of_a_recovery_question(message: Message, doc, guide: "coverage.Guide") -> None:
    """A recovery question about something the guide leaves out ("when can I shower after
    my op?") stays an after-surgery concern, and its subject is named in the reply. A
    report of how the recovery goes ("my toes are still numb, is that normal?") names
    no subject: its words are the surgeon's team's to read, not a gap in the guide."""
    question = question_of(doc)
    vocab = triage.vocabulary()
    if {t.lower_ for t in doc} & vocab.symptom_words:   # a report anywhere in the message
        # ... unless the question names a thing the guide has no word for at all ("do I
        # have to wear those tight STOCKINGS?", "can I put BIO OIL on my itchy scar?").
        things = [t for t in guide.unknown(question) if a_thing(t)]
        if things:
            add_subject(message, things, context=[])
        return
    context = guide.outside_the_article(list(doc))
    asked = [t for t in guide.outside_the_article(question) if not subjects.general_word(t)]
    if guide.names_a_subject(question):
        # "can I take IBUPROFEN while the bone is healing?": a thing the article never
        # names is still the subject; a word of doing ("walking") beside one is not.
        asked = [t for t in asked if subjects.names_a_thing(t)]
    # "we have a HOT TUB, when is it ok to use it?": the thing is in the story, named
    # with "a", "my", "the" ... (not "I still can't POO properly": a report).
    things = [t for t in context if a_thing(t) and subjects.after_a_determiner(t)]
    # Else the question's own words (not a subject the article covers: "how long is the
    # RECOVERY after my op"; not the story's words: "I still can't POO properly, what can
    # I take?").
    own_words = [] if asked or things else the_questions_own_words(question, guide=guide)
    if asked or things or own_words:
        add_subject(message, asked or own_words, context=context if asked else things)


def the_questions_own_words(question: Sequence, doc=None,
                            guide: Optional["coverage.Guide"] = None) -> List:
    """When every word of a question is one the guide knows ("will the SCREWS ever come
    out?", "when can I go SWIMMING again?"), its content words that say what it is
    about: not the operation's names, nor words of asking, of when or how, or of doing.
    With the ``doc``, a question of no such word ("SWIMMING after a discectomy, when?")
    is asked about what the message says before it. With the ``guide``, no word of a
    subject the article covers."""
    def own(tokens):
        return [t for t in coverage.content(tokens)
                if not coverage.forms(t) & (coverage.DOMAIN_WORDS | coverage.FRAME_WORDS
                                            | coverage.ASKING_WORDS | coverage.OPERATION_NAMES)
                and not set(LEXICON.get(t.lower_, "").split()) & coverage.OPERATION_NAMES
                and t.lower_ not in _STAGES_OF_HAVING_ONE
                and not subjects.general_word(t)
                and t.lower_ not in triage.vocabulary().general_subjects
                and not (guide is not None and guide.names_a_subject([t]))]
    return own(question) or (own(list(doc)) if doc is not None and not coverage.content(question)
                             else [])


def name_the_subject_of_a_general_recovery_question(message: Message, doc,
                                                   guide: "coverage.Guide") -> None:
    """A recovery message whose question asks how it goes in general ("9 days after my
    TLIF: how long does recovery NORMALLY take?") names only what its question asks that
    the guide leaves out ("when can I SHOWER normally?"), not the words that make it
    general ("PEOPLE USUALLY") nor the story ("my MIS TLIF 9 days ago")."""
    question = question_of(doc)
    general = triage.vocabulary().in_general_words
    asked = [t for t in guide.unknown(question)
             if not subjects.general_word(t) and t.lower_ not in general]
    if asked:
        add_subject(message, asked, context=[])


def add_subject(message: Message, unknown: List, context: List,
                question: Sequence = (), guide: Optional["coverage.Guide"] = None) -> None:
    """The subject named from the ``unknown`` words of the question (or, when they only
    say when or how, from the ``context`` words of the rest of the message). With the
    ``question`` and the ``guide``, a thing the article never names that comes before
    the first unknown word is named first, although the topic examples know it ("can I
    do YOGA after a fusion? are there poses I should avoid?")."""
    if guide is not None and unknown:
        first = min(t.i for t in unknown)
        earlier = [t for t in outside_the_article(list(question), guide)
                   if t.i < first and a_thing(t) and not _a_verb_or_a_person(t)]
        unknown = earlier[:1] + list(unknown)
    subject = subjects.subject_of(unknown, context)
    start = subjects.subject_word(unknown, context).idx
    entities = list(message.get(ENTITIES) or [])
    entities.append({ENTITY_ATTRIBUTE_TYPE: SUBJECT_ENTITY, ENTITY_ATTRIBUTE_VALUE: subject,
                     ENTITY_ATTRIBUTE_START: start, ENTITY_ATTRIBUTE_END: start + len(subject),
                     EXTRACTOR: "CoverageCheck"})
    message.set(ENTITIES, entities, add_to_output=True)


# Where and when an operation happens names no subject: "what do I bring to the HOSPITAL".
_STAGES_OF_HAVING_ONE = {"hospital", "ward", "admission", "admitted", "discharge", "discharged",
                         "operative", "postoperative", "preoperative", "surg", "surgical"}
