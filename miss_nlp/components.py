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

from miss_nlp.red_flags import RedFlagMatcher

EMERGENCY_INTENT = "emergency"
RED_FLAG_ENTITY = "red_flag"


@DefaultV1Recipe.register(
    [DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER], is_trainable=False
)
class RedFlagDetector(GraphComponent):
    """Overrides any predicted intent with ``emergency`` when a red flag is present.

    Goes last in the pipeline, after the classifiers and the FallbackClassifier,
    so nothing downstream can turn a red-flag message back into an FAQ answer.
    It also adds a ``red_flag`` entity naming the kind (e.g. ``crisis``) so the
    emergency action can pick the right advice.
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
