"""Real-world-style questions, as served, on the five real-world files (README, "How well
it understands"): written blind to the training data; files 1, 3 and 5 never tuned on,
files 2 and 4 used for development (file 2 since round 5, file 4 since round 7).

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
    # measured: 87.2% (164/188), 77.8% (35/45), 74.0% (37/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.85, "several topics: all answered": 0.73,
                              "not covered: declined": 0.70, "out of scope: declined": 0.87},
    # used for development; measured: 90.9% (169/186), 87.0% (47/54), 77.2% (44/57), 92.1% (35/38)
    "realworld_heldout_2.yml": {"one topic": 0.88, "several topics: all answered": 0.80,
                                "not covered: declined": 0.73, "out of scope: declined": 0.89},
    # measured: 87.9% (167/190), 87.1% (54/62), 72.2% (39/54), 96.8% (30/31)
    "realworld_heldout_3.yml": {"one topic": 0.85, "several topics: all answered": 0.84,
                                "not covered: declined": 0.68, "out of scope: declined": 0.93},
    # used for development since round 7, where the triage model cost it 4 single topics;
    # measured: 85.5% (159/186), 88.9% (32/36), 92.2% (59/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.83, "several topics: all answered": 0.80,
                                "not covered: declined": 0.89, "out of scope: declined": 0.94},
    # measured: 81.4% (153/188), 73.9% (34/46), 79.2% (57/72), 100% (33/33)
    "realworld_heldout_5.yml": {"one topic": 0.79, "several topics: all answered": 0.69,
                                "not covered: declined": 0.76, "out of scope: declined": 0.94},
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
