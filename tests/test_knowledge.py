"""The answers rest on the article, and every reply points to a healthcare provider."""
import re
import string

import pytest
import yaml

from miss_config.knowledge import REQUIRED_CLINIC_KEYS, load_clinic
from miss_config.paths import PROJECT_ROOT
from assistant.evaluate import TOPICS

ARTICLE = (PROJECT_ROOT / "knowledge" / "miss-article.txt").read_text(encoding="utf-8")
SOURCES = yaml.safe_load((PROJECT_ROOT / "knowledge" / "sources.yml").read_text("utf-8"))
DOMAIN = yaml.safe_load((PROJECT_ROOT / "domain.yml").read_text("utf-8"))
RESPONSES = DOMAIN["responses"]


def test_the_project_carries_the_clinic_article_unchanged():
    shared = PROJECT_ROOT.parent / "shared" / "source" / "miss-article.txt"
    if not shared.exists():
        pytest.skip("no shared/ folder beside this checkout")
    assert ARTICLE == shared.read_text(encoding="utf-8")


@pytest.mark.parametrize("response", sorted(SOURCES))
def test_every_source_quote_is_verbatim_in_the_article(response):
    quotes = SOURCES[response]["quotes"]
    assert quotes, f"{response} has no source quote"
    for quote in quotes:
        assert quote in ARTICLE, f"{response}: not in the article: {quote!r}"


@pytest.mark.parametrize("topic", TOPICS)
def test_every_topic_answer_names_its_source(topic):
    assert f"utter_{topic}" in RESPONSES
    assert f"utter_{topic}" in SOURCES


TRIAGE_PLACEHOLDER = "{triage_advice}"


@pytest.mark.parametrize("name", sorted(RESPONSES))
def test_every_response_recommends_a_healthcare_provider(name):
    for variation in RESPONSES[name]:
        if variation["text"] == TRIAGE_PLACEHOLDER:
            continue  # the words are in knowledge/red_flags.yml, checked below
        assert "provider" in variation["text"].lower(), name


def test_every_triage_reply_recommends_a_healthcare_provider():
    from miss_nlp.triage import after_surgery_reply, vocabulary

    replies = [kind.advice for kind in vocabulary().kinds.values()] + [after_surgery_reply()]
    for reply in replies:
        assert "provider" in reply.lower(), reply


def _numbers(text):
    return set(re.findall(r"\d+(?:[.,]\d+)?", text))


@pytest.mark.parametrize("topic", TOPICS)
def test_topic_answers_state_no_number_the_article_does_not_give(topic):
    for variation in RESPONSES[f"utter_{topic}"]:
        assert _numbers(variation["text"]) <= _numbers(ARTICLE), topic


def test_clinic_details_are_only_in_the_clinic_file():
    clinic = load_clinic()
    for name, variations in RESPONSES.items():
        for variation in variations:
            for value in (clinic["clinic_phone"], clinic["clinic_name"], clinic["clinic_website"]):
                assert value not in variation["text"], f"{name} hard-codes {value}"


def test_response_placeholders_are_clinic_settings_or_what_the_nlg_fills():
    allowed = set(REQUIRED_CLINIC_KEYS) | {"triage_advice", "not_covered_subject"}
    for name, variations in RESPONSES.items():
        for variation in variations:
            fields = {f for _, f, _, _ in string.Formatter().parse(variation["text"]) if f}
            assert fields <= allowed, f"{name} uses {fields - allowed}"


def test_clinic_file_missing_a_setting_is_reported(tmp_path):
    path = tmp_path / "clinic.yml"
    path.write_text("clinic_name: Test\n", encoding="utf-8")
    with pytest.raises(ValueError, match="clinic_phone"):
        load_clinic(path)
