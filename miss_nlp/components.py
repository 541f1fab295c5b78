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

from miss_nlp.red_flags import RedFlagMatcher

EMERGENCY_INTENT = "emergency"
RED_FLAG_ENTITY = "red_flag"
# The red_flag value for an emergency the classifier found but no rule named.
UNNAMED_RED_FLAG = "unspecified"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagDetector(GraphComponent):
    """Overrides any predicted intent with ``emergency`` when a red flag is present.

    Goes last in the pipeline, after the classifiers and the FallbackClassifier,
    so nothing downstream can turn a red-flag message back into an FAQ answer.
    Every emergency gets a ``red_flag`` entity naming the kind (``crisis``, ...,
    or ``unspecified`` when only the classifier saw it); the ``red_flag`` slot it
    fills picks the emergency advice, and is refreshed by each emergency.
    """

    @staticmethod
    def get_default_config() -> Dict[Text, Any]:
        return {}

    @classmethod
    def create(
        cls,
        config: Dict[Text, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> "RedFlagDetector":
        return cls()

    def __init__(self) -> None:
        self._matcher: Optional[RedFlagMatcher] = None
        self._vocab = None

    def _matcher_for(self, doc) -> RedFlagMatcher:
        # The Matcher must share the vocab of the docs that SpacyNLP makes.
        if self._matcher is None or self._vocab is not doc.vocab:
            self._matcher = RedFlagMatcher(doc.vocab)
            self._vocab = doc.vocab
        return self._matcher

    def process(self, messages: List[Message]) -> List[Message]:
        for message in messages:
            doc = message.get(SPACY_DOCS[TEXT])
            if doc is None:
                continue
            flags = self._matcher_for(doc).find(doc)
            if flags:
                mark_emergency(message, [flag.kind for flag in flags])
            elif (message.get(INTENT) or {}).get(INTENT_NAME_KEY) == EMERGENCY_INTENT:
                mark_emergency(message, [UNNAMED_RED_FLAG])
        return messages


def mark_emergency(message: Message, kinds: List[Text]) -> None:
    intent = {INTENT_NAME_KEY: EMERGENCY_INTENT, PREDICTED_CONFIDENCE_KEY: 1.0}
    ranking = [
        entry
        for entry in message.get(INTENT_RANKING_KEY) or []
        if entry.get(INTENT_NAME_KEY) != EMERGENCY_INTENT
    ]
    message.set(INTENT, intent, add_to_output=True)
    message.set(INTENT_RANKING_KEY, [intent] + ranking, add_to_output=True)
    text = message.get(TEXT) or ""
    entities = list(message.get(ENTITIES) or [])
    for kind in kinds:
        entities.append(
            {
                ENTITY_ATTRIBUTE_TYPE: RED_FLAG_ENTITY,
                ENTITY_ATTRIBUTE_VALUE: kind,
                ENTITY_ATTRIBUTE_START: 0,
                ENTITY_ATTRIBUTE_END: len(text),
                EXTRACTOR: RedFlagDetector.__name__,
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
