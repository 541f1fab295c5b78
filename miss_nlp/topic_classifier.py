"""The topic classifier: DIET's ranking blended with a TF-IDF + logistic-regression model,
on the question the patient asks, and every topic a message asks about."""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES, ENTITY_ATTRIBUTE_END, ENTITY_ATTRIBUTE_START, ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE, EXTRACTOR, INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY, TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from miss_nlp import asks, coverage
from miss_nlp.terms import LEXICON

ASKED_TOPIC_ENTITY = "asked_topic"
# The parts of such a question that ask no topic; read and removed by the coverage check.
OTHER_PART_ENTITY = "other_part"
# Whether a message reports an emergency or the patient's own recovery is read from what
# it asks alone: a story of an operation before "what is MISS?" is not a recovery report.
QUESTION_ONLY = ("emergency", "after_surgery_concern")
NOT_TOPICS = ["greet", "goodbye", "thank", "bot_challenge", "contact_clinic", "emergency",
              "after_surgery_concern", "out_of_scope", "not_covered"]


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class BlendedIntentClassifier(GraphComponent):
    """Blends the previous classifier's ranking (DIET's) with a TF-IDF + LR model.

    DIET on a few thousand examples is confident and sometimes wrong in ways a
    linear model on the same words is not, and the other way round; averaging
    the two probability rankings is more accurate than either on held-out data
    (see README, "How well it understands"). ``weight`` is the linear model's share.

    In a message of several sentences the question sentences (miss_nlp.asks) weigh
    ``question_weight`` and the whole message the rest: the question decides what is
    asked ("What should I tell him?"), the story says about what ("his boss wants to
    know when he'll be back on site"). A question made of several parts
    ("the success rate and cost and recovery time") gets one ``asked_topic`` entity
    per topic a part names with at least ``part_threshold`` confidence, in the
    patient's order, when there are two or more: the NLG answers each; one, when the
    other parts ask no topic (the coverage check reads them).
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"weight": 0.5, "question_weight": 0.5, "part_threshold": 0.4,
                "lone_part_threshold": 0.6,
                "part_floor": None, "part_share": 0.7,
                "most_topics": 3, "C": 20.0, "random_seed": 42, "ranking_length": 10,
                "not_topics": NOT_TOPICS}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, model: Optional["LinearIntentModel"] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext
               ) -> "BlendedIntentClassifier":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage,
             resource: Resource, execution_context: ExecutionContext, **kwargs: Any
             ) -> "BlendedIntentClassifier":
        from miss_nlp.linear_intents import LinearIntentModel

        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, LinearIntentModel.load(directory))
        except ValueError:
            return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        from miss_nlp.linear_intents import LinearIntentModel

        examples = [m for m in training_data.intent_examples if m.get(TEXT) and m.get(INTENT)]
        self.model = LinearIntentModel.fit(
            [word_text(m) for m in examples], [raw_text(m) for m in examples],
            [m.get(INTENT) for m in examples],
            c=self.config["C"], seed=self.config["random_seed"],
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or not messages:
            return messages
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            spans = asks.question_spans(doc) if doc is not None else []
            focused = bool(spans) and spans[0].start > 0 or len(spans) > 1
            texts = [(word_text(message), raw_text(message))]
            if focused:
                texts.append((" ".join(_words(s) for s in spans),
                              " ".join(s.text for s in spans).lower()))
            rows = self.model.predict_proba([w for w, _ in texts], [r for _, r in texts])
            row = rows[0]
            if focused:
                row = focus(rows[1], rows[0], self.config["question_weight"],
                            [self.model.classes.index(i) for i in QUESTION_ONLY
                             if i in self.model.classes])
            linear = dict(zip(self.model.classes, row.tolist()))
            ranking = blend(message.get(INTENT_RANKING_KEY) or [], linear,
                            self.config["weight"])[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
            if doc is not None:
                self._add_asked_topics(message, [p for s in spans for p in asked_parts(s)])
        return messages

    def _asks_topic(self, row, best: int, topics: List[int]) -> bool:
        """A part asks its likeliest topic when the topic gets ``part_threshold``, or, a
        short part that reads as small talk on its own ("how fast do you heal"), at least
        ``part_floor`` and ``part_share`` of what the topics get together."""
        if row[best] >= self.config["part_threshold"]:
            return True
        floor = self.config.get("part_floor")
        return floor is not None and row[best] >= floor and (
            row[best] / max(sum(row[n] for n in topics), 1e-9) >= self.config["part_share"])

    def _add_asked_topics(self, message: Message, parts: List) -> None:
        parts = [p for p in parts if not asks.reacts_to_the_story(p)]
        if len(parts) < 2:
            return
        rows = self.model.predict_proba([_words(p) for p in parts],
                                        [p.text.lower() for p in parts])
        found, others = [], []
        topics = [n for n, name in enumerate(self.model.classes)
                  if name not in self.config["not_topics"]]
        for part, row in zip(parts, rows):
            # The likeliest topic of the part, even when "out of scope" is likelier: a
            # short part ("what's recovery like") reads as small talk on its own.
            best = max(topics, key=lambda n: row[n])
            topic = self.model.classes[best]
            if not self._asks_topic(row, best, topics):
                others.append(part)
            elif topic not in [t for t, _, _ in found]:
                found.append((topic, part, row[best]))
            else:
                # A second part of the same topic may still ask what the guide does not
                # cover: "how long is recovery and WHEN CAN I DRIVE again".
                others.append(part)
        # One topic beside parts that ask no topic ("how much is it, and is there
        # PARKING?"), when the classifier is sure of it: its part is marked, and the
        # others, for miss_nlp.coverage_check to answer it and name what they ask that
        # the guide does not cover.
        if len(found) == 1 and (found[0][2] < self.config["lone_part_threshold"] or not others):
            return
        if not found:
            return
        top = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
        topics_found = [t for t, _, _ in found]
        if len(found) > 1 and top not in topics_found and top in self.config["not_topics"]:
            # Declined as a whole, answered in parts: "scar size, recovery time and cost".
            first = {INTENT_NAME_KEY: found[0][0], PREDICTED_CONFIDENCE_KEY: 1.0}
            rest = [e for e in message.get(INTENT_RANKING_KEY) or []
                    if e.get(INTENT_NAME_KEY) != found[0][0]]
            message.set(INTENT, first, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [first] + rest, add_to_output=True)
        entities = list(message.get(ENTITIES) or [])
        marked = [(ASKED_TOPIC_ENTITY, topic, part)
                  for topic, part, _ in found[: self.config["most_topics"]]]
        marked += [(OTHER_PART_ENTITY, "", part) for part in others]
        for name, value, part in marked:
            entities.append({ENTITY_ATTRIBUTE_TYPE: name, ENTITY_ATTRIBUTE_VALUE: value,
                             ENTITY_ATTRIBUTE_START: part.start_char,
                             ENTITY_ATTRIBUTE_END: part.end_char,
                             EXTRACTOR: type(self).__name__})
        message.set(ENTITIES, entities, add_to_output=True)


def focus(question, whole, share: float, question_only: List[int]):
    """The question sentences' probabilities blended with the whole message's, ``share``
    the question's; the ``question_only`` intents keep the question's own."""
    row = share * question + (1 - share) * whole
    row[question_only] = question[question_only]
    return row / row.sum()


# Words that make a part of a sentence ask something wherever they stand ("Asking for
# my sister: WHAT problems ...", "DEFINE MISS and ...").
ASKING_WORDS = {"what", "whats", "what's", "how", "hows", "why", "when", "which", "who",
                "where", "whether", "wat", "wht", "hw", "define", "describe", "explain",
                "list", "wondering", "wonder"}


def asked_parts(span) -> List:
    """The parts of a question sentence that ask: from the first part that opens with a
    question word or holds an asking word on. "With percutaneous screws, DO THEY MAKE
    ONE CUT OR SEVERAL?" asks one thing, what comes before is its context; "cons of
    endoscopic surgery and cost?" asks in every part."""
    parts = asks.asks(span)
    for n, part in enumerate(parts):
        words = [t.lower_ for t in part if t.is_alpha]
        if words and (words[0] in asks.QUESTION_OPENERS and not _goes_on_telling(part, words[0])
                      or set(words) & ASKING_WORDS or _asks_to_be_told(words)):
            # "SCAR SIZE + when can i go back to work": a bare name of a subject before
            # the first asking part is asked too; a story ("my dad is 74") is not.
            return [p for p in parts[:n] if _names_a_subject_only(p)] + parts[n:]
    return parts


def _asks_to_be_told(words: List[str]) -> bool:
    """"TELL ME about the pain" asks; "if I TELL HER I'm having the keyhole op" does not."""
    return any(w == "tell" and nxt in {"me", "us"} for w, nxt in zip(words, words[1:]))


# A part that holds one of these tells something rather than naming a subject.
_TELLING = {"i", "im", "i'm", "my", "me", "he", "she", "we", "they", "his", "her", "our",
            "is", "am", "are", "was", "were", "has", "have", "had", "been", "do", "does",
            "did", "got", "says", "said", "told", "thinking", "want", "need",
            # a greeting: "HI, ..."
            "hi", "hello", "hey", "ok", "okay", "so", "quick", "thanks", "please"}


# "WITH percutaneous screws, do they ...", "FOR the XLIF, where ...": the context of the
# question that follows, not a subject of its own.
_CONTEXT_OPENERS = {"with", "for", "about", "regarding", "re", "on", "in", "after", "before",
                    "during", "as", "if", "so", "but"}


# "DAY CASE OR OVERNIGHT, and how many weeks off work?": at most this many words.
SUBJECT_ONLY_WORDS = 4


def _names_a_subject_only(part) -> bool:
    words = [t.lower_ for t in part if t.is_alpha]
    # "two QUESTIONS: ..." announces what follows; "MINIMALLY INVASIVE, will I need a
    # brace?" names only the operation the question is about.
    return (0 < len(words) <= SUBJECT_ONLY_WORDS and not set(words) & (_TELLING | asks.ANNOUNCED)
            and words[0] not in _CONTEXT_OPENERS
            and not all(coverage.names_the_operation(t) or t.lower_ in _KINDS_OF_OPERATION
                        for t in part if t.is_alpha))


# "OPEN OR MINIMALLY INVASIVE, how do I choose?": kinds of the operation, named to ask
# about them.
_KINDS_OF_OPERATION = {"open", "traditional", "conventional", "standard", "regular", "normal",
                       "keyhole", "laser", "or", "vs", "versus", "the", "a", "an"}


# Question openers that are also verbs of a statement: "my dad is 74 AND HAS spinal
# stenosis, could he ..." goes on telling; "what is the cost and DOES insurance pay?" asks
# (there the first part already asks).
_VERB_OPENERS = asks.QUESTION_OPENERS - {"what", "whats", "what's", "how", "hows", "why", "when",
                                         "which", "who", "where", "wat", "wht", "hw"}


def _goes_on_telling(part, opener: str) -> bool:
    before = part.doc[part.start - 1].lower_ if part.start > 0 else ""
    return opener in _VERB_OPENERS and before in {"and", "but"}


def raw_text(message: Message) -> Text:
    return (message.get(TEXT) or "").lower()


def _words(tokens) -> Text:
    """The words as written, each lexicon word followed by the article's word for it.
    (Word forms, not lemmas: the lookup lemmas scored lower in cross-validation on the
    training data, 85.4% against 85.5%, and on file 2 of the real-world questions.)"""
    words = []
    for token in tokens:
        lemma = token.lemma_.lower() or token.lower_
        words.append(token.lower_)
        meaning = LEXICON.get(token.lower_) or LEXICON.get(lemma)
        if meaning:
            words.append(meaning)
    return " ".join(words)


def word_text(message: Message) -> Text:
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is None:
        return raw_text(message)
    return _words(doc)


def blend(previous: List[Dict[Text, Any]], linear: Dict[Text, float],
          weight: float) -> List[Dict[Text, Any]]:
    """Weighted average of two rankings; intents missing from one count as 0 there."""
    earlier = {e[INTENT_NAME_KEY]: float(e[PREDICTED_CONFIDENCE_KEY]) for e in previous}
    names = set(earlier) | set(linear)
    if not earlier:
        weight = 1.0
    mixed = [
        {INTENT_NAME_KEY: name,
         PREDICTED_CONFIDENCE_KEY: weight * linear.get(name, 0.0)
         + (1 - weight) * earlier.get(name, 0.0)}
        for name in names
    ]
    return sorted(mixed, key=lambda e: e[PREDICTED_CONFIDENCE_KEY], reverse=True)
