"""The custom action: answering from the article when the classifier is unsure."""
import pytest

from actions.actions import ActionSearchArticle
from tests.conftest import make_tracker


def only_message(dispatcher):
    assert len(dispatcher.messages) == 1, dispatcher.messages
    return dispatcher.messages[0]


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
