"""Custom actions. Patient-facing text lives in domain.yml; these only choose it."""
from typing import Any, Dict, List, Text

from rasa_sdk import Action, Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.article_search import article_index
from actions.clinic import clinic

CRISIS = "crisis"


def red_flag_kinds(tracker: Tracker) -> List[Text]:
    entities = (tracker.latest_message or {}).get("entities") or []
    return [e.get("value") for e in entities if e.get("entity") == "red_flag"]


def emergency_response(kinds: List[Text]) -> Text:
    return "utter_emergency_crisis" if CRISIS in kinds else "utter_emergency"


class ActionEmergency(Action):
    def name(self) -> Text:
        return "action_emergency"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response=emergency_response(red_flag_kinds(tracker)), **clinic())
        return []


class ActionContactClinic(Action):
    def name(self) -> Text:
        return "action_contact_clinic"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_contact_clinic", **clinic())
        return []


class ActionDecline(Action):
    """Out of scope: say so, offer the topics the guide covers, give the clinic contact."""

    def name(self) -> Text:
        return "action_decline"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        dispatcher.utter_message(response="utter_cannot_answer", **clinic())
        return []


class ActionSearchArticle(Action):
    """When the classifier is unsure: answer from the article if a passage fits, else decline."""

    def name(self) -> Text:
        return "action_search_article"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
            domain: Dict[Text, Any]) -> List[Dict[Text, Any]]:
        question = (tracker.latest_message or {}).get("text") or ""
        match = article_index().best(question)
        if match is None:
            dispatcher.utter_message(response="utter_cannot_answer", **clinic())
        else:
            dispatcher.utter_message(
                response="utter_article_passage",
                passage=match.passage,
                json_message={"source": {"document": "patient guide", "quote": match.passage}},
            )
        return []
