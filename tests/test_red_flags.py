"""The red-flag safety net, on messages written independently of its rules."""
import pytest
import spacy
import yaml

from assistant.launcher import PROJECT_ROOT
from miss_nlp import PIPELINE_PACKAGE
from miss_nlp.red_flags import CRISIS, RedFlagMatcher

PHRASINGS = yaml.safe_load(
    (PROJECT_ROOT / "tests" / "nlu" / "red_flag_phrasings.yml").read_text("utf-8"))
MUST_ALERT = [(kind, text) for kind, texts in PHRASINGS["must_alert"].items() for text in texts]


@pytest.fixture(scope="module")
def nlp():
    return spacy.load(PIPELINE_PACKAGE)


@pytest.fixture(scope="module")
def find(nlp):
    matcher = RedFlagMatcher(nlp.vocab)
    # Rasa lowercases text before spaCy sees it.
    return lambda text: matcher.find(nlp(text.lower()))


@pytest.mark.parametrize("kind,text", MUST_ALERT)
def test_red_flag_message_raises_an_alert(find, kind, text):
    assert find(text), f"no red flag found in a {kind} message: {text!r}"


@pytest.mark.parametrize("text", PHRASINGS["must_alert"]["crisis"])
def test_thoughts_of_suicide_get_the_crisis_advice_first(find, text):
    assert find(text)[0].kind == CRISIS


@pytest.mark.parametrize("text", PHRASINGS["should_not_alert"])
def test_ordinary_question_raises_no_alert(find, text):
    assert find(text) == []


def test_window_keeps_far_apart_words_from_alerting(find):
    far = ("my bladder surgery years ago went fine and the nurses were lovely and kind "
           "and helpful and I never had any trouble")
    assert find(far) == []
    assert find("bladder trouble since this morning")
