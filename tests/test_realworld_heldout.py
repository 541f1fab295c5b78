"""Real-world-style questions, as served, on the two held-out files (README, "How well it
understands"): written blind to the training data, never tuned on.

The floors catch a regression from what was measured on the final model; they are not
the issue's targets, which are not reached (README says by how much).
"""
import pytest

from assistant.evaluate_realworld import HELDOUT_FILES, evaluate

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def results(trained_model):
    return evaluate(trained_model, HELDOUT_FILES)


def share(pair):
    return pair[0] / pair[1]


# Measured on the final model, less about two messages' worth.
FLOORS = {
    # measured: 85.6% (161/188), 77.8% (35/45), 70.0% (35/50), 97.0% (32/33)
    "realworld_heldout.yml": {"one topic": 0.83, "several topics: all answered": 0.73,
                              "not covered: declined": 0.66, "out of scope: declined": 0.93},
    # measured: 81.7% (152/186), 81.5% (44/54), 77.2% (44/57), 94.7% (36/38)
    "realworld_heldout_2.yml": {"one topic": 0.80, "several topics: all answered": 0.78,
                                "not covered: declined": 0.73, "out of scope: declined": 0.89},
}


@pytest.mark.parametrize("name", list(FLOORS))
def test_real_world_questions_do_not_fall_below_what_was_measured(results, name):
    ours = results[name]["ours"]
    for measure, floor in FLOORS[name].items():
        assert share(ours[measure]) >= floor, (name, measure, ours)


@pytest.mark.parametrize("name", list(FLOORS))
def test_several_topics_are_answered_far_more_often_than_by_the_baseline(results, name):
    ours, theirs = results[name]["ours"], results[name]["baseline"]
    measure = "several topics: all answered"
    assert share(ours[measure]) >= share(theirs[measure]) + 0.5


@pytest.mark.parametrize("name", list(FLOORS))
def test_uncovered_subjects_are_declined_more_often_than_by_the_baseline(results, name):
    ours, theirs = results[name]["ours"], results[name]["baseline"]
    measure = "not covered: declined"
    assert share(ours[measure]) > share(theirs[measure])
