"""Custom Rasa NLU components."""
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

from miss_nlp import triage

EMERGENCY_INTENT = "emergency"
AFTER_SURGERY_INTENT = "after_surgery_concern"
MESSAGE_TOO_LONG_INTENT = "message_too_long"
RED_FLAG_ENTITY = "red_flag"
RED_FLAG_MENTION_ENTITY = "red_flag_mention"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class Triage(GraphComponent):
    """One triage decision per message, after the classifiers (miss_nlp/triage.py).

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
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"classifier_emergency_threshold": 0.8,
                "classifier_after_surgery_threshold": 0.5, "max_message_chars": None}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "Triage":
        return cls({**cls.get_default_config(), **config})

    def __init__(self, config: Optional[Dict[Text, Any]] = None) -> None:
        self.config = {**self.get_default_config(), **(config or {})}

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            tokens = (triage.tokens_of(doc) if doc is not None
                      else triage.tokens_of_text(message.get(TEXT) or ""))
            decide(message, tokens, {**self.config, "max_message_chars":
                                     self.config["max_message_chars"] or triage.max_message_chars()})
        return messages


def decide(message: Message, tokens: List["triage.Token"], config: Dict[Text, Any]) -> None:
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
            and plain and not own_recovery):
        set_intent(message, EMERGENCY_INTENT, ranking)
        add_entities(message, RED_FLAG_ENTITY, [triage.UNSPECIFIED])
        return
    if own_recovery or (top == AFTER_SURGERY_INTENT and not mentioned
                        and sure >= config["classifier_after_surgery_threshold"]
                        and triage.had_an_operation(tokens)
                        and not triage.wonders_what_if(tokens)):
        set_intent(message, AFTER_SURGERY_INTENT, ranking)
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


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=True
)
class BlendedIntentClassifier(GraphComponent):
    """Blends the previous classifier's ranking (DIET's) with a TF-IDF + LR model.

    DIET on a few thousand examples is confident and sometimes wrong in ways a
    linear model on the same words is not, and the other way round; averaging
    the two probability rankings is more accurate than either on held-out data
    (see README, "How well it understands"). ``weight`` is the linear model's share.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {"weight": 0.5, "C": 10.0, "random_seed": 42, "ranking_length": 10}

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
            [lemma_text(m) for m in examples], [raw_text(m) for m in examples],
            [m.get(INTENT) for m in examples],
            c=self.config["C"], seed=self.config["random_seed"],
        )
        with self._model_storage.write_to(self._resource) as directory:
            self.model.save(directory)
        return self._resource

    def process(self, messages: List[Message]) -> List[Message]:
        if self.model is None or not messages:
            return messages
        probabilities = self.model.predict_proba(
            [lemma_text(m) for m in messages], [raw_text(m) for m in messages])
        for message, row in zip(messages, probabilities):
            linear = dict(zip(self.model.classes, row.tolist()))
            ranking = blend(message.get(INTENT_RANKING_KEY) or [], linear,
                            self.config["weight"])[: self.config["ranking_length"]]
            message.set(INTENT, ranking[0], add_to_output=True)
            message.set(INTENT_RANKING_KEY, ranking, add_to_output=True)
        return messages


def raw_text(message: Message) -> Text:
    return (message.get(TEXT) or "").lower()


def lemma_text(message: Message) -> Text:
    doc = message.get(SPACY_DOCS[TEXT])
    if doc is None:
        return raw_text(message)
    return " ".join(token.lemma_.lower() or token.lower_ for token in doc)


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
