"""Custom actions. Patient-facing text lives in domain.yml; these only choose it.

Emergency advice, the clinic contact and declines are plain responses (filled
with the clinic's details by assistant.nlg), so they work without this server.
"""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.article_search import article_index
from miss_config.knowledge import SOURCE_DOCUMENT


class ActionSearchArticle(Action):
    """When the classifier is unsure: answer from the article if a passage fits, else decline."""

    def name(self) -> Text:
        return "action_search_article"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = (tracker.latest_message or {}).get("text") or ""
        match = article_index().best(question)
        if match is None:
            dispatcher.utter_message(response="utter_cannot_answer")
        else:
            dispatcher.utter_message(
                response="utter_article_passage",
                passage=match.passage,
                json_message={"source": {"document": SOURCE_DOCUMENT, "quote": match.passage}},
            )
        return []


# Built as the action server starts: the first patient whose question needs the article
# search would otherwise wait for spaCy and the index (several seconds on a busy machine,
# past a short response timeout).
article_index()
