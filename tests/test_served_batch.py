"""The evaluations score every message through assistant/served_batch.py (the NLU graph
on many messages at once, the dialogue in Rasa's processor with the conversations kept
as objects); a patient's message goes through ``agent.handle_text`` on its own. Both
must give every message the same: here on a sample of each kind of message the
evaluations score (`python -m assistant.served_sameness` compares all of them).
"""
import pytest

from assistant.served_sameness import compare, differences, messages_by_kind

pytestmark = pytest.mark.model

# Messages of each kind (three triage categories, four real-world ones, the held-out
# NLU file): spread over every set and file, about 480 in all.
EACH_KIND = 60


@pytest.fixture(scope="module")
def sample():
    return {kind: texts[::max(1, len(texts) // EACH_KIND)][:EACH_KIND]
            for kind, texts in messages_by_kind().items()}


@pytest.fixture(scope="module")
def outcomes(trained_model, sample):
    old, new, _ = compare(trained_model, sample)
    return old, new


def test_the_sample_holds_every_kind_the_evaluations_score(sample):
    assert set(sample) == {"triage: acute", "triage: after_surgery", "triage: ordinary",
                           "real world: one topic", "real world: several topics",
                           "real world: not_covered", "real world: out_of_scope",
                           "held-out NLU"}
    assert all(len(texts) == EACH_KIND for texts in sample.values()), {
        kind: len(texts) for kind, texts in sample.items()}


def test_every_message_gets_what_it_gets_one_by_one(sample, outcomes):
    old, new = outcomes
    assert differences(sample, old, new) == []


def test_the_comparison_sees_real_replies(sample, outcomes):
    """Not two empty lists: the triage messages are answered, and emergencies and
    several-topic answers are among them."""
    old, _ = outcomes
    first = [replies[0]["utter_action"] for kind in sample if kind.startswith("triage")
             for replies in old[kind]]
    assert "utter_emergency" in first and "utter_after_surgery" in first
    assert any(len((r[0].get("custom") or {}).get("answers") or []) > 1
               for r in old["real world: several topics"])
    assert all(p["intent"]["name"] for p in old["held-out NLU"])


def test_the_evaluations_read_their_files_as_yaml_safe_load_does():
    """They read them with libyaml's loader, ten times as fast; on the newest set and file
    here (`python -m assistant.served_sameness` compares every one)."""
    import yaml

    from assistant.evaluate_realworld import HELDOUT_FILES
    from assistant.evaluate_triage import PARTS
    from miss_config.yaml_files import read_yaml

    for path in (PARTS["batch 43"], HELDOUT_FILES[-1]):
        assert read_yaml(path) == yaml.safe_load(path.read_text("utf-8")), path.name
