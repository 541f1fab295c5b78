"""Custom actions choose the right response and fill it from the clinic file."""
import pytest

from actions.actions import (ActionContactClinic, ActionDecline, ActionEmergency,
                             ActionSearchArticle)
from actions.clinic import clinic
from tests.conftest import make_tracker


def only_message(dispatcher):
    assert len(dispatcher.messages) == 1, dispatcher.messages
    return dispatcher.messages[0]


@pytest.mark.parametrize("kinds,response", [
    ([], "utter_emergency"),
    (["bladder_bowel"], "utter_emergency"),
    (["crisis"], "utter_emergency_crisis"),
    (["crisis", "trauma"], "utter_emergency_crisis"),
])
def test_emergency_picks_the_advice_for_the_red_flag(dispatcher, domain, kinds, response):
    entities = [{"entity": "red_flag", "value": kind} for kind in kinds]
    tracker = make_tracker("help", "emergency", entities)
    assert ActionEmergency().run(dispatcher, tracker, domain) == []
    message = only_message(dispatcher)
    assert message["response"] == response
    assert message["emergency_number"] == clinic()["emergency_number"]
    assert message["crisis_line"] == clinic()["crisis_line"]


def test_contact_clinic_gives_the_clinics_details(dispatcher, domain):
    ActionContactClinic().run(dispatcher, make_tracker("phone number?", "contact_clinic"), domain)
    message = only_message(dispatcher)
    assert message["response"] == "utter_contact_clinic"
    assert message["clinic_phone"] == clinic()["clinic_phone"]
    assert message["clinic_hours"] == clinic()["clinic_hours"]


def test_decline_offers_topics_and_the_clinic(dispatcher, domain):
    ActionDecline().run(dispatcher, make_tracker("how do I bake bread", "out_of_scope"), domain)
    message = only_message(dispatcher)
    assert message["response"] == "utter_cannot_answer"
    assert message["clinic_name"] == clinic()["clinic_name"]
    assert domain["responses"]["utter_cannot_answer"][0]["buttons"]


def test_search_answers_from_the_article_with_the_passage_marked(dispatcher, domain):
    tracker = make_tracker("can i go home the same day as the operation", "nlu_fallback")
    ActionSearchArticle().run(dispatcher, tracker, domain)
    message = only_message(dispatcher)
    assert message["response"] == "utter_article_passage"
    assert "go home the same day" in message["passage"]
    assert message["custom"]["source"]["quote"] == message["passage"]


@pytest.mark.parametrize("question", [
    "how long is recovery from a knee replacement",
    "what is the capital of france",
    "asdkjh qwe zzz",
    "",
])
def test_search_declines_what_the_article_does_not_answer(dispatcher, domain, question):
    ActionSearchArticle().run(dispatcher, make_tracker(question, "nlu_fallback"), domain)
    assert only_message(dispatcher)["response"] == "utter_cannot_answer"
