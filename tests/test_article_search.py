"""Searching the article: right passage for real questions, nothing for others."""
import pytest

from actions.article_search import ArticleIndex, article_index, split_passages


def test_passages_are_the_articles_sentences_without_the_title():
    text = "A Title\n\nFirst sentence. Second one!\n\nThird?"
    assert split_passages(text) == ["First sentence.", "Second one!", "Third?"]


@pytest.mark.parametrize("question,expected", [
    ("will I go home the same day", "go home the same day"),
    ("which conditions like herniated discs can be treated", "herniated discs"),
    ("tell me about robotic assistance and imaging", "robotic assistance"),
    ("do they use tubular retractors", "tubular retractors"),
])
def test_finds_the_passage_that_answers(question, expected):
    match = article_index().best(question)
    assert match is not None and expected in match.passage


@pytest.mark.parametrize("question", [
    "knee surgery recovery",
    "spine surgery",
    "what about my cat",
    "",
])
def test_offers_nothing_when_nothing_fits(question):
    assert article_index().best(question) is None


def test_ranking_uses_bm25_weights():
    index = ArticleIndex(["red apple pie.", "green apple.", "blue sky."], str.split)
    assert [m.passage for m in index.search("red apple")][:2] == ["red apple pie.", "green apple."]
