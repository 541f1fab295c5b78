"""Real-world-style questions, as served, on the four real-world files (README, "How well
it understands"): written blind to the training data; files 1, 3 and 4 never tuned on,
file 2 used for development since 2026-11-27.

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
    # measured: 86.2% (162/188), 77.8% (35/45), 70.0% (35/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.83, "several topics: all answered": 0.73,
                              "not covered: declined": 0.66, "out of scope: declined": 0.87},
    # used for development; measured: 90.3% (168/186), 87.0% (47/54), 77.2% (44/57), 92.1% (35/38)
    "realworld_heldout_2.yml": {"one topic": 0.87, "several topics: all answered": 0.80,
                                "not covered: declined": 0.73, "out of scope: declined": 0.89},
    # measured: 87.4% (166/190), 87.1% (54/62), 72.2% (39/54), 96.8% (30/31)
    "realworld_heldout_3.yml": {"one topic": 0.85, "several topics: all answered": 0.84,
                                "not covered: declined": 0.68, "out of scope: declined": 0.93},
    # measured: 87.1% (162/186), 88.9% (32/36), 92.2% (59/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.85, "several topics: all answered": 0.80,
                                "not covered: declined": 0.89, "out of scope: declined": 0.94},
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
