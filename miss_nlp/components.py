"""The triage component (the miss_nlp/triage package inside Rasa's NLU pipeline)."""
from typing import Any, Dict, List, Optional, Text

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.nlu.constants import SPACY_DOCS
from rasa.shared.nlu.constants import (
    ENTITIES,
    ENTITY_ATTRIBUTE_END,
    ENTITY_ATTRIBUTE_START,
    ENTITY_ATTRIBUTE_TYPE,
    ENTITY_ATTRIBUTE_VALUE,
    EXTRACTOR,
    INTENT,
    INTENT_NAME_KEY,
    INTENT_RANKING_KEY,
    PREDICTED_CONFIDENCE_KEY,
    TEXT,
)
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData

from miss_config.paths import PROJECT_ROOT, TRIAGE_PHRASINGS_DIR
from miss_nlp import asks, coverage, triage
from miss_nlp.topic_classifier import NOT_TOPICS
from miss_nlp.triage import model as triage_model

EMERGENCY_INTENT = "emergency"
AFTER_SURGERY_INTENT = "after_surgery_concern"
MESSAGE_TOO_LONG_INTENT = "message_too_long"
RED_FLAG_ENTITY = "red_flag"
RED_FLAG_MENTION_ENTITY = "red_flag_mention"
# The topic a recovery message also asks about in general, answered after the advice.
GENERAL_TOPIC_ENTITY = "general_topic"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class Triage(GraphComponent):
    """One triage decision per message, after the classifiers (miss_nlp/triage/).

    * A red flag happening now (any kind, on the whole text, whatever its length)
      makes the intent ``emergency``, with one ``red_flag`` entity per kind, most
      urgent first; the NLG gives the advice of the first and names the others.
    * The classifier alone saying ``emergency`` counts when it is at least
      ``classifier_emergency_threshold`` sure of a message that asks nothing and
      names no red flag; otherwise its next intent stands.
    * A patient describing their own recovery gets ``after_surgery_concern`` (the
      rules in red_flags.yml, or the classifier at least
      ``classifier_after_surgery_threshold`` sure of a message that says the
      operation has happened and asks no what-if).
    * Red-flag words in a general question keep the classifier's topic and add a
      ``red_flag_mention`` entity per kind, for one sentence of urgent-care advice.
    * Anything else longer than ``max_message_chars`` becomes ``message_too_long``.
    * A recovery message that also asks how it goes in general ("how long does recovery
      normally take?") keeps the classifier's topic, at least ``general_topic_threshold``
      sure, as a ``general_topic`` entity: the NLG answers it after the advice.

    The triage model (miss_nlp/triage/model.py, trained on ``phrasings`` and the NLU
    examples) then has its say: ``model_acute_threshold`` sure of an emergency makes one,
    and it moves a message between after-surgery concern and ordinary question at
    ``model_after_surgery_threshold`` / ``model_ordinary_threshold``. It never turns
    an emergency the rules found into anything else.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"classifier_emergency_threshold": 0.8,
                "classifier_after_surgery_threshold": 0.5, "max_message_chars": None,
                "phrasings": str(TRIAGE_PHRASINGS_DIR.relative_to(PROJECT_ROOT)), "C": 4.0,
                "model_acute_threshold": 0.65, "model_after_surgery_threshold": 0.7,
                "model_ordinary_threshold": 0.7, "general_topic_threshold": 0.5}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "Triage":
        return cls(config, model_storage, resource)

    @classmethod
    def load(cls, config: Dict[Text, Any], model_storage: ModelStorage, resource: Resource,
             execution_context: ExecutionContext, **kwargs: Any) -> "Triage":
        from miss_nlp.linear_intents import LinearIntentModel

        try:
            with model_storage.read_from(resource) as directory:
                return cls(config, model_storage, resource, LinearIntentModel.load(directory))
        except ValueError:  # trained without the model (an older model file)
            return cls(config, model_storage, resource)

    @classmethod
    def fingerprint_addon(cls, config: Dict[str, Any]) -> Optional[str]:
        return triage_model.fingerprint(cls._phrasings_dir(config))

    @classmethod
    def _phrasings_dir(cls, config: Dict[Text, Any]):
        return PROJECT_ROOT / {**cls.get_default_config(), **config}["phrasings"]

    def __init__(self, config: Optional[Dict[Text, Any]] = None,
                 model_storage: Optional[ModelStorage] = None,
                 resource: Optional[Resource] = None, model: Any = None) -> None:
        self.config = {**self.get_default_config(), **(config or {})}
        self._model_storage = model_storage
        self._resource = resource
        self.model = model

    def train(self, training_data: TrainingData) -> Resource:
        examples = [(m.get(TEXT), m.get(INTENT)) for m in training_data.intent_examples
                    if m.get(TEXT) and m.get(INTENT)]
        pairs = (triage_model.phrasings(self._phrasings_dir(self.config))
                 + triage_model.from_intents(examples))
        self.model = triage_model.fit(pairs, c=self.config["C"])
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            tokens = (triage.tokens_of(doc) if doc is not None
                      else triage.tokens_of_text(message.get(TEXT) or ""))
            seen = (triage_model.probabilities(self.model, message.get(TEXT) or "")
                    if self.model is not None and says_something(doc) else {})
            decide(message, tokens, {**self.config, "max_message_chars":
                                     self.config["max_message_chars"] or triage.max_message_chars()},
                   seen)
        return messages


def says_something(doc) -> bool:
    """Whether a message holds a word with content: "and", "this one" or "no" hold
    none, so the triage model has nothing to read in them (it read "and" as an
    emergency, 1.00 sure, and "no" as a recovery report)."""
    return doc is None or bool(coverage.content(doc))


def decide(message: Message, tokens: List["triage.Token"], config: Dict[Text, Any],
           seen: Optional[Dict[Text, float]] = None) -> None:
    """``seen``: the triage model's probabilities (none: the rules and classifier alone)."""
    findings = triage.find(tokens)
    acute = findings.kinds(triage.ACUTE)
    mentioned = findings.kinds(triage.MENTIONED)
    intent = message.get(INTENT) or {}
    top = intent.get(INTENT_NAME_KEY)
    sure = intent.get(PREDICTED_CONFIDENCE_KEY, 0.0)
    ranking = message.get(INTENT_RANKING_KEY) or []
    if acute:
        set_intent(message, EMERGENCY_INTENT, ranking)
        add_entities(message, RED_FLAG_ENTITY, acute)
        return
    own_recovery = triage.describes_own_recovery(tokens)
    too_long = len(message.get(TEXT) or "") > config["max_message_chars"]
    # The classifier's view of a long story is too blurred to send anyone to the ER.
    plain = (not mentioned and not too_long and not triage.asks_a_question(tokens)
             and not triage.says_it_is_not_urgent(tokens))
    if (top == EMERGENCY_INTENT and sure >= config["classifier_emergency_threshold"]
            and plain and not own_recovery and says_something(message.get(SPACY_DOCS[TEXT]))):
        set_intent(message, EMERGENCY_INTENT, ranking)
        add_entities(message, RED_FLAG_ENTITY, [triage.UNSPECIFIED])
        return
    after_surgery = own_recovery or (top == AFTER_SURGERY_INTENT and not mentioned
                                     and sure >= config["classifier_after_surgery_threshold"]
                                     and triage.had_an_operation(tokens)
                                     and not triage.wonders_what_if(tokens))
    # "Nothing urgent here, no fever, no numbness ...": the writer's own word that it is
    # not urgent stands against the model alone (the rules still find any red flag told).
    seen = {k: v for k, v in (seen or {}).items()
            if not (k == triage_model.ACUTE and triage.says_it_is_not_urgent(tokens))}
    tier = triage_model.decision(triage_model.AFTER_SURGERY if after_surgery else None,
                                 seen, config["model_acute_threshold"],
                                 config["model_after_surgery_threshold"],
                                 config["model_ordinary_threshold"],
                                 asks_about_own_symptoms=triage.asks_what_to_do_now(tokens)
                                 or triage.asks_why_it_happens(tokens))
    if tier == triage_model.AFTER_SURGERY and triage.operation_is_ahead(tokens):
        tier = None  # "my microdiscectomy is in January: how long is recovery?"
    if tier == triage_model.ACUTE:
        # The kinds the rules read as only mentioned are the best guess of what it is
        # ("is it normal to feel like killing yourself after surgery? that's where I am").
        set_intent(message, EMERGENCY_INTENT, ranking)
        add_entities(message, RED_FLAG_ENTITY, mentioned or [triage.UNSPECIFIED])
        return
    if tier == triage_model.AFTER_SURGERY:
        set_intent(message, AFTER_SURGERY_INTENT, ranking)
        topic = general_topic(ranking, config["general_topic_threshold"])
        doc = message.get(SPACY_DOCS[TEXT])
        question = asks.question_text(doc) if doc is not None else ""
        if topic and triage.asks_in_general(triage.tokens_of_text(question)):
            add_entities(message, GENERAL_TOPIC_ENTITY, [topic])
    elif too_long:
        set_intent(message, MESSAGE_TOO_LONG_INTENT, ranking)
    elif top in (EMERGENCY_INTENT, AFTER_SURGERY_INTENT):
        rest = [e for e in ranking
                if e.get(INTENT_NAME_KEY) not in (EMERGENCY_INTENT, AFTER_SURGERY_INTENT)]
        if rest:
            message.set(INTENT, rest[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, rest, add_to_output=True)
    if mentioned:
        add_entities(message, RED_FLAG_MENTION_ENTITY, mentioned)


def general_topic(ranking: List[Dict[Text, Any]], threshold: float) -> Optional[Text]:
    """The classifier's first topic, when it is at least ``threshold`` sure of it."""
    for entry in ranking:
        name = entry.get(INTENT_NAME_KEY)
        if name not in NOT_TOPICS and name != MESSAGE_TOO_LONG_INTENT:
            return name if (entry.get(PREDICTED_CONFIDENCE_KEY) or 0.0) >= threshold else None
    return None


def set_intent(message: Message, name: Text, ranking: List[Dict[Text, Any]]) -> None:
    intent = {INTENT_NAME_KEY: name, PREDICTED_CONFIDENCE_KEY: 1.0}
    rest = [entry for entry in ranking if entry.get(INTENT_NAME_KEY) != name]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + rest, add_to_output=True)


def add_entities(message: Message, entity: Text, kinds: List[Text]) -> None:
    text = message.get(TEXT) or ""
    entities = [e for e in message.get(ENTITIES) or []
                if e.get(ENTITY_ATTRIBUTE_TYPE) not in (RED_FLAG_ENTITY, RED_FLAG_MENTION_ENTITY)]
    for kind in kinds:
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: entity,
                ENTITY_ATTRIBUTE_VALUE: kind,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                EXTRACTOR: Triage.__name__,
            }
        )
    message.set(ENTITIES, entities, add_to_output=True)
