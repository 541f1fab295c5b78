"""Real-world-style questions, as served, on the seven real-world files (README, "How well
it understands"): written blind to the training data; files 1, 3, 5 and 7 never tuned on,
files 2, 4 and 6 used for development (file 2 since round 5, file 4 since round 7, file 6
since round 8).

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


# Measured on the final model of round 8, less about two messages' worth.
FLOORS = {
    # measured: 87.8% (165/188), 82.2% (37/45), 74.0% (37/50), 90.9% (30/33)
    "realworld_heldout.yml": {"one topic": 0.86, "several topics: all answered": 0.77,
                              "not covered: declined": 0.70, "out of scope: declined": 0.87},
    # used for development; measured: 91.4% (170/186), 88.9% (48/54), 77.2% (44/57), 89.5% (34/38)
    "realworld_heldout_2.yml": {"one topic": 0.89, "several topics: all answered": 0.85,
                                "not covered: declined": 0.73, "out of scope: declined": 0.86},
    # measured: 89.5% (170/190), 87.1% (54/62), 64.8% (35/54), 96.8% (30/31)
    "realworld_heldout_3.yml": {"one topic": 0.87, "several topics: all answered": 0.84,
                                "not covered: declined": 0.61, "out of scope: declined": 0.93},
    # used for development since round 7; measured: 89.2% (166/186), 91.7% (33/36),
    # 90.6% (58/64), 100% (34/34)
    "realworld_heldout_4.yml": {"one topic": 0.87, "several topics: all answered": 0.86,
                                "not covered: declined": 0.87, "out of scope: declined": 0.94},
    # measured: 84.0% (158/188), 73.9% (34/46), 77.8% (56/72), 100% (33/33)
    "realworld_heldout_5.yml": {"one topic": 0.82, "several topics: all answered": 0.69,
                                "not covered: declined": 0.75, "out of scope: declined": 0.94},
    # used for development since round 8; measured: 94.0% (187/199), 67.4% (31/46),
    # 80.0% (56/70), 100% (37/37)
    "realworld_heldout_6.yml": {"one topic": 0.92, "several topics: all answered": 0.63,
                                "not covered: declined": 0.77, "out of scope: declined": 0.94},
    # written blind at the start of round 8, scored at the start and on the final model;
    # measured: 86.0% (160/186), 76.1% (35/46), 79.5% (58/73), 100% (37/37)
    "realworld_heldout_7.yml": {"one topic": 0.84, "several topics: all answered": 0.71,
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
