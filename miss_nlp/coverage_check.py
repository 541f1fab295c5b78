"""The "not covered" decision inside Rasa's NLU pipeline (miss_nlp/coverage.py)."""
import json
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

from miss_config.knowledge import ARTICLE_FILE, article_text
from miss_nlp import activities, asks, body_parts, coverage, naming, subjects
from miss_nlp.naming import SUBJECT_ENTITY  # noqa: F401 (where the NLG reads it)
from miss_nlp.components import AFTER_SURGERY_INTENT, EMERGENCY_INTENT, GENERAL_TOPIC_ENTITY
from miss_nlp.topic_classifier import ASKED_TOPIC_ENTITY, NOT_TOPICS, OTHER_PART_ENTITY

NOT_COVERED_INTENT = "not_covered"
OUT_OF_SCOPE_INTENT = "out_of_scope"
# Small talk (greetings, thanks, "call the clinic"), which the fallback turns into "I
# can't answer that" when the classifier is unsure: every intent that is not a topic, a
# triage decision or a decline.
DECLINED_WHEN_UNSURE = set(NOT_TOPICS) - {EMERGENCY_INTENT, AFTER_SURGERY_INTENT,
                                          OUT_OF_SCOPE_INTENT, NOT_COVERED_INTENT}


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class CoverageCheck(GraphComponent):
    """A question about a subject the patient guide does not address becomes
    ``not_covered``, with the subject in the patient's words as ``not_covered_subject``.

    It looks at the question sentences (miss_nlp.asks) of a message the classifiers
    gave a topic, or declined as out of scope although it is about spine surgery.
    Triage decisions (emergency, after surgery, too long) and small talk stand; an
    after-surgery question about something the guide leaves out gets its subject named.
    The vocabulary is built at training time from the article and the topic examples.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        # sure_topic_threshold: a topic the classifier is this sure of is answered although
        # the question holds a word the guide does not know ("everybody RAVES about it");
        # chosen on the development real-world files (README, "Questions as real patients
        # and clinics write them").
        # unsure_topic_threshold: below it (the FallbackClassifier's threshold) the message
        # would get the generic "I can't answer that"; with a word the guide does not know
        # it is declined naming that word instead, even beside a subject the guide covers
        # ("what should I EAT to help my back heal").
        # decline_support: between the two, the classifier itself must give declining (not
        # covered and out of scope together) at least this share before a word the guide
        # does not know overrides its topic ("what makes MISS PREFERABLE to ...", "give me
        # some AMMUNITION") (chosen on the development real-world files, README).
        # activity_check: "when can I DRIVE?", "am I allowed to SWIM?" ask about doing
        # something the article never names, however sure the classifier is of recovery.
        # runner_up_threshold: when the classifier itself says "not covered" (less than
        # sure) of a question whose words all belong to the guide and name one of its
        # subjects, the topic it ranked next is answered if at least this sure (chosen on
        # the development real-world files: one topic 93.9% -> 94.1%, nothing else moved).
        return {"article": ARTICLE_FILE, "not_topics": NOT_TOPICS, "sure_topic_threshold": 0.8,
                "unsure_topic_threshold": 0.2, "decline_support": 0.1, "activity_check": True,
                "runner_up_threshold": 0.15}

    def __init__(self, config: Dict[Text, Any], model_storage: ModelStorage,
                 resource: Resource, words: Optional[Dict] = None) -> None:
        self.config = {**self.get_default_config(), **config}
        self._model_storage, self._resource = model_storage, resource
        self.guide = coverage.Guide(words) if words else None

    @classmethod
    def create(cls, config: Dict[Text, Any], model_storage: ModelStorage,
               resource: Resource, execution_context: ExecutionContext) -> "CoverageCheck":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "CoverageCheck":
        try:
            with model_storage.read_from(resource) as directory:
                words = json.loads((directory / "words.json").read_text("utf-8"))
            if not isinstance(words, dict):
                raise ValueError("a vocabulary from an older model")
            return cls(config, model_storage, resource, words)
        except (ValueError, FileNotFoundError):
            return cls(config, model_storage, resource)

    def train(self, training_data: TrainingData) -> Resource:
        import spacy

        from miss_nlp import PIPELINE_PACKAGE

        article = article_text(self.config["article"])
        nlp = spacy.load(PIPELINE_PACKAGE)
        not_topics = set(self.config["not_topics"])
        examples = [m.get(SPACY_DOCS[TEXT]) for m in training_data.intent_examples
                    if m.get(INTENT) not in not_topics and m.get(SPACY_DOCS[TEXT]) is not None]
        words = coverage.vocabulary(nlp(article.lower()), examples)
        with self._model_storage.write_to(self._resource) as directory:
            (directory / "words.json").write_text(json.dumps(words), "utf-8")
        self.guide = coverage.Guide(words)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.guide is None:
            for message in messages:
                _marked_parts(message)
            return messages
        for message in messages:
            decide(message, self.guide, set(self.config["not_topics"]),
                   sure_topic_threshold=self.config["sure_topic_threshold"],
                   unsure_topic_threshold=self.config["unsure_topic_threshold"],
                   decline_support=self.config["decline_support"],
                   runner_up_threshold=self.config["runner_up_threshold"],
                   activity_check=self.config["activity_check"])
        return messages


def decide(message: Message, guide: "coverage.Guide", not_topics: set, *,
           sure_topic_threshold: float, unsure_topic_threshold: float,
           decline_support: float = 0.0, activity_check: bool = False,
           runner_up_threshold: float = 1.0) -> None:
    intent = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
    confidence = (message.get(INTENT) or {}).get(PREDICTED_CONFIDENCE_KEY) or 0.0
    doc = message.get(SPACY_DOCS[TEXT])
    asked, others = _marked_parts(message)
    if doc is not None and intent == AFTER_SURGERY_INTENT:
        if any(e.get(ENTITY_ATTRIBUTE_TYPE) == GENERAL_TOPIC_ENTITY
               for e in message.get(ENTITIES) or []):
            naming.name_the_subject_of_a_general_recovery_question(message, doc, guide)
        else:
            naming.name_the_subject_of_a_recovery_question(message, doc, guide)
        return
    if doc is not None and asked and others and (
            intent not in not_topics or _declined_about_surgery(intent, doc)):
        if answer_the_topic_parts(message, doc, guide, asked, others, activity_check):
            return
    if doc is not None and intent == NOT_COVERED_INTENT:
        # The classifier learned the question as one the guide does not cover: name what
        # it asks about when its words say.
        question = naming.question_of(doc)
        unknown = guide.unknown(question) or naming.outside_the_article(question, guide)
        # "I'm on OZEMPIC. Do I need to skip a dose?": the thing is in the story.
        story = guide.unknown(list(doc)) or [
            t for t in naming.outside_the_article(list(doc), guide) if naming.a_thing(t)]
        # "What's a 'tubular retractor'? It's on my consent form": nothing in the question
        # the guide does not know, and a subject it covers: the topic ranked next is asked.
        runner_up = _runner_up_topic(message, not_topics, runner_up_threshold)
        if runner_up and not unknown and guide.names_a_subject(question):
            _settle(message, runner_up)
            return
        if unknown or story:
            naming.add_subject(message, unknown, context=story, question=question, guide=guide)
            return
        own_words = naming.the_questions_own_words(question, doc)
        if own_words:
            naming.add_subject(message, own_words, context=[])
        return
    unsure = confidence < unsure_topic_threshold
    # Declined whatever happens here: out of scope, or small talk too unsure to stand.
    declined = intent == OUT_OF_SCOPE_INTENT or (intent in DECLINED_WHEN_UNSURE and unsure)
    if doc is None or not intent or (intent in not_topics and not declined):
        return
    if not declined and intent not in not_topics and body_parts.about_another_part_of_the_body(doc):
        _settle(message, OUT_OF_SCOPE_INTENT)
        return
    if len(asked) > 1:
        return
    question = naming.question_of(doc)
    activity = activities.asked(question, guide) if activity_check else []
    if not declined and confidence >= sure_topic_threshold and not activity:
        return
    if declined:
        if not coverage.about_spine_surgery(doc):
            return
        # The patient gets a decline either way; naming what they asked about, even
        # when the question sentence only says "do I stop IT before the surgery?" and
        # the story names it ("I take Eliquis"), tells them their question was read.
        unknown = guide.unknown(question) or guide.unknown(list(doc))
    elif unsure:
        # Declined either way: a word the article never uses, even one the topic examples
        # know ("do the SCREWS ever come out"), tells the patient what was not covered.
        unknown = guide.unknown(question) or naming.outside_the_article(question, guide)
    elif activity:
        unknown = activity
    elif _share_of_declining(message) < decline_support:
        return
    else:
        unknown = [t for t in guide.not_covered(question) if not subjects.names_nothing(t)]
    if not unknown:
        return
    _settle(message, NOT_COVERED_INTENT)
    naming.add_subject(message, unknown, context=guide.unknown(list(doc)), question=question,
                guide=guide)


def answer_the_topic_parts(message: Message, doc, guide: "coverage.Guide", asked: List[Dict],
                           others: List[Dict], activity_check: bool) -> bool:
    """A question whose parts ask topics (``asked``, marked by the topic classifier) and
    something else (``others``) the guide does not cover ("how much is it, and is there
    PARKING?", "how long is recovery and when can I DRIVE"): the topics are answered and
    the thing named as not covered. With one topic, only when its own part names a
    subject of the guide and nothing it does not cover ("and FOR HOW LONG" asks about
    what came before). Whether the message was settled here."""
    def tokens(marks):
        return [t for t in doc if any(e.get(ENTITY_ATTRIBUTE_START) <= t.idx < e.get(
            ENTITY_ATTRIBUTE_END) for e in marks)]

    inside, rest = tokens(asked), [t for e in others if _asks_apart(doc, e) for t in tokens([e])]
    if len(asked) == 1 and (not guide.names_a_subject(inside) or guide.not_covered(inside) or (
            activity_check and activities.asked(inside, guide))):
        return False
    uncovered = [t for t in guide.not_covered(rest) if not subjects.general_word(t)] or (
        activities.asked(rest, guide) if activity_check else [])
    if len(asked) == 1:
        if not uncovered:
            return False
        _settle(message, asked[0].get(ENTITY_ATTRIBUTE_VALUE))
    if uncovered:
        naming.add_subject(message, uncovered, context=[], question=rest, guide=guide)
    return True


def _asks_apart(doc, mark: Dict) -> bool:
    """A part that asks a question of its own ("and IS THERE parking?", "or SHOULD WE book
    a hotel?"), not one about what came before ("or IS THAT science fiction?") nor a
    greeting or an aside ("I'd be grateful for your advice")."""
    words = [t.lower_ for t in doc if mark[ENTITY_ATTRIBUTE_START] <= t.idx < mark[
        ENTITY_ATTRIBUTE_END] and t.is_alpha and t.lower_ not in _JOINING]
    return len(words) > 2 and words[0] in asks.QUESTION_OPENERS and words[1] not in _BACK


_JOINING = {"and", "or", "also", "plus", "but", "so", "then", "just"}
# "... or IS THAT real", "DOES IT make a difference": about what was asked before.
_BACK = {"it", "that", "this", "these", "those", "they", "them", "its"}


def _marked_parts(message: Message):
    """The parts the topic classifier marked as asking a topic and as asking something
    else; the latter are its note to this check only, and leave the message here."""
    entities = message.get(ENTITIES) or []
    asked = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == ASKED_TOPIC_ENTITY]
    others = [e for e in entities if e.get(ENTITY_ATTRIBUTE_TYPE) == OTHER_PART_ENTITY]
    if others:
        message.set(ENTITIES, [e for e in entities if e not in others], add_to_output=True)
    return asked, others


def _declined_about_surgery(intent: str, doc) -> bool:
    return intent == NOT_COVERED_INTENT or (
        intent == OUT_OF_SCOPE_INTENT and coverage.about_spine_surgery(doc)
        and not body_parts.about_another_part_of_the_body(doc))


def _settle(message: Message, intent: str) -> None:
    """``intent`` becomes the message's, sure, ahead of the rest of the ranking."""
    top = {INTENT_NAME_KEY: intent, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [e for e in message.get(INTENT_RANKING_KEY) or []
               if e.get(INTENT_NAME_KEY) != intent]
    message.set(INTENT, top, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [top] + ranking, add_to_output=True)


def _runner_up_topic(message: Message, not_topics: set, threshold: float) -> Optional[str]:
    """The topic the classifier ranked second, at least ``threshold`` sure, after a
    "not covered" of its own (not one this check settled)."""
    ranking = message.get(INTENT_RANKING_KEY) or []
    if len(ranking) < 2 or ranking[0].get(INTENT_NAME_KEY) != NOT_COVERED_INTENT or (
            ranking[0].get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= 1.0:
        return None
    second = ranking[1]
    if second.get(INTENT_NAME_KEY) in not_topics or (
            second.get(PREDICTED_CONFIDENCE_KEY) or 0.0) < threshold:
        return None
    return second.get(INTENT_NAME_KEY)


def _share_of_declining(message: Message) -> float:
    """What the classifier gives "not covered" and "out of scope" together."""
    return sum(e.get(PREDICTED_CONFIDENCE_KEY) or 0.0 for e in message.get(INTENT_RANKING_KEY) or []
               if e.get(INTENT_NAME_KEY) in (NOT_COVERED_INTENT, OUT_OF_SCOPE_INTENT))
